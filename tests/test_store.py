"""The Store API, run the same way on the embedded store and on a real Oxigraph server."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import running_oxigraph

from kg.rdf import iris, queries
from kg.rdf.mapping import to_quads
from kg.rdf.store import EmbeddedStore, Store, open_store
from kg.rdf.synth import synthetic_extraction

DOCS = ("store_a.txt", "store_b.txt")
CLAIM_COUNT = """PREFIX kg: <https://kg.example.org/ontology#>
SELECT (COUNT(?c) AS ?n) WHERE { ?c a kg:Claim }"""


@pytest.fixture(scope="module")
def oxigraph_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `oxigraph serve` on a free loopback port, for the whole module."""
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph")) as url:
        yield url


@pytest.fixture(params=["embedded", "remote"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "embedded":
        opened = open_store(tmp_path / "store")
        assert isinstance(opened, EmbeddedStore)
    else:
        opened = open_store(request.getfixturevalue("oxigraph_url"))
        opened.update("DROP ALL")
    try:
        yield opened
    finally:
        opened.close()


def pages(store: Store) -> list[str]:
    """The page graphs: every named graph but the shared one."""
    return [g for g in store.graphs() if g != iris.shared_graph_iri()]


def ingest(store: Store, doc: str, **sizes: int) -> list[ox.Quad]:
    quads = to_quads(synthetic_extraction(doc, **sizes))
    store.replace_graph(iris.graph_iri(doc), quads)
    return quads


def test_replacing_a_page_twice_keeps_the_count(store: Store) -> None:
    quads = ingest(store, DOCS[0])
    assert len(store) == len(quads)
    ingest(store, DOCS[0])
    assert len(store) == len(quads)
    assert store.graphs() == [iris.graph_iri(DOCS[0]), iris.shared_graph_iri()]


def test_replace_drops_the_old_statements(store: Store) -> None:
    ingest(store, DOCS[0], articles=3)
    smaller = ingest(store, DOCS[0], articles=1)
    assert set(store.quads()) == set(smaller)


def test_removing_and_re_adding_a_page_restores_the_graph(store: Store) -> None:
    for doc in DOCS:
        ingest(store, doc)
    before = set(store.quads())
    assert store.remove_graph(iris.graph_iri(DOCS[1]))
    assert not store.remove_graph(iris.graph_iri(DOCS[1]))
    assert pages(store) == [iris.graph_iri(DOCS[0])]
    assert {q.graph_name.value for q in store.quads()} == {iris.graph_iri(DOCS[0]), iris.shared_graph_iri()}
    ingest(store, DOCS[1])
    assert set(store.quads()) == before


def test_shared_nodes_stay_while_another_page_has_them(store: Store) -> None:
    for doc in DOCS:
        ingest(store, doc, articles=6)
    province = iris.region_iri("430000000000")
    ask = f"ASK {{ <{province}> <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }}"
    assert store.query(ask) is True
    store.remove_graph(iris.graph_iri(DOCS[0]))
    assert store.query(ask) is True
    store.remove_graph(iris.graph_iri(DOCS[1]))
    assert store.query(ask) is False
    assert len(store) == 0, "removing the last page leaves no shared node behind"


def test_removing_a_page_drops_only_the_shared_nodes_no_page_uses(store: Store) -> None:
    first = ingest(store, DOCS[0], articles=2)
    ingest(store, DOCS[1], articles=6)
    store.remove_graph(iris.graph_iri(DOCS[1]))
    shared = ox.NamedNode(iris.shared_graph_iri())
    kept = {q for q in store.quads() if q.graph_name == shared}
    described = {q.subject for q in kept}
    assert described == {q.subject for q in first if q.graph_name == shared}
    assert {q for q in first if q.graph_name == shared} <= kept


def test_default_graph_is_the_union_unless_graphs_are_named(store: Store) -> None:
    for doc in DOCS:
        ingest(store, doc, articles=2, claims_per_article=3)
    assert int(store.query(CLAIM_COUNT)[0]["n"].value) == 12
    only_a = store.query(CLAIM_COUNT, default_graph=[iris.graph_iri(DOCS[0])])
    assert int(only_a[0]["n"].value) == 6
    rows = store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", default_graph=[],
                       named_graphs=[iris.graph_iri(DOCS[1])])
    assert [r["g"].value for r in rows] == [iris.graph_iri(DOCS[1])]


def test_query_result_shapes(store: Store) -> None:
    ingest(store, DOCS[0], articles=1, claims_per_article=1)
    rows = store.query("SELECT ?page ?missing WHERE { ?page a <https://kg.example.org/ontology#NewspaperPage> "
                       "OPTIONAL { ?page <http://example.org/none> ?missing } }")
    assert rows == [{"page": ox.NamedNode(iris.page_iri(DOCS[0])), "missing": None}]
    assert store.query("ASK { ?s ?p ?o }") is True
    triples = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ BIND(<{iris.page_iri(DOCS[0])}> AS ?s) ?s ?p ?o }}")
    assert triples and all(isinstance(t, ox.Triple) for t in triples)


def test_query_raw_serialises_for_http(store: Store) -> None:
    ingest(store, DOCS[0], articles=1, claims_per_article=1)
    ctype, body = store.query_raw("SELECT ?s WHERE { ?s a <https://kg.example.org/ontology#Claim> }",
                                  "application/sparql-results+json")
    assert ctype.startswith("application/sparql-results+json")
    parsed = list(ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON))
    assert len(parsed) == 1
    ctype, body = store.query_raw("SELECT ?s WHERE { ?s a <https://kg.example.org/ontology#Claim> }", "text/csv")
    assert ctype.startswith("text/csv") and body.startswith(b"s\r\n")
    ctype, body = store.query_raw("CONSTRUCT WHERE { ?s a <https://kg.example.org/ontology#Claim> }", "text/turtle")
    assert ctype.startswith("text/turtle")
    assert len(list(ox.parse(body, format=ox.RdfFormat.TURTLE))) == 1


def test_update_writes_and_graphs_lists(store: Store) -> None:
    store.update("INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> "
                 "<http://example.org/p> 1 } }")
    assert store.graphs() == ["http://example.org/g"]
    assert len(store) == 1


def test_claim_rows_read_back_the_extraction(store: Store) -> None:
    x = synthetic_extraction(DOCS[0], articles=2, claims_per_article=4)
    store.replace_graph(iris.graph_iri(DOCS[0]), to_quads(x))
    rows = queries.claim_rows(store)
    assert [tuple(r) for r in rows] == [queries.CLAIM_KEYS] * len(x.claims)
    headlines = {a.index: a.headline for a in x.articles}
    for row, claim in zip(rows, sorted(x.claims, key=lambda c: (c.article, c.start)), strict=True):
        assert row["doc"] == claim.doc
        assert row["article"] == headlines[claim.article]
        assert (row["evidence"], row["start"], row["end"]) == (claim.evidence, claim.start, claim.end)
        assert row["value"] == claim.quantity.value and row["unit"] == claim.quantity.unit
        assert row["qualifier"] == claim.quantity.qualifier
        assert (row["subject"], row["region"], row["agency"], row["program"]) == (
            claim.subject, claim.region, claim.agency, claim.program)
        assert (row["metric"], row["period"], row["modality"], row["change"]) == (
            claim.metric, claim.period, claim.modality, claim.change)
        assert row["iri"] == iris.claim_iri(claim.doc, claim.quantity.start, claim.quantity.end)
    assert queries.claim_rows(store, doc="other.txt") == []


def test_article_and_entity_rows(store: Store) -> None:
    x = synthetic_extraction(DOCS[0], articles=3)
    store.replace_graph(iris.graph_iri(DOCS[0]), to_quads(x))
    ingest(store, DOCS[1], articles=3)
    articles = queries.article_rows(store, doc=DOCS[0])
    assert [(a["headline"], a["start"], a["end"]) for a in articles] == [
        (a.headline, a.start, a.end) for a in x.articles]
    assert all(tuple(a) == queries.ARTICLE_KEYS for a in articles)
    entities = queries.entity_rows(store)
    mine = {(e["type"], e["label"]) for e in entities if e["doc"] == DOCS[0]}
    assert mine == {(e.type, e.label) for e in x.entities}
    assert len({(e["doc"], e["iri"]) for e in entities}) == len(entities)
    assert {e["doc"] for e in entities} == set(DOCS)


def test_conflicting_values_are_kept_and_marked(store: Store) -> None:
    for doc in DOCS:
        ingest(store, doc, articles=4)
    rows = queries.conflicts(store)
    assert rows, "synthetic pages repeat county + metric + year with different numbers"
    groups: dict[tuple, set] = {}
    for row in rows:
        groups.setdefault((row["subject"], row["metric"], row["period"], row["unit"]), set()).add(row["value"])
        assert row["rank"] in ("preferred", "normal")
    assert all(len(values) > 1 for values in groups.values())
    claim_iris = {r["iri"] for r in queries.claim_rows(store)}
    assert {r["claim"] for r in rows} <= claim_iris


def test_trig_export_streams_the_whole_dataset(store: Store) -> None:
    for doc in DOCS:
        ingest(store, doc)
    out = io.BytesIO()
    store.export("trig", out)
    assert set(ox.parse(out.getvalue(), format=ox.RdfFormat.TRIG)) == set(store.quads())
    out = io.BytesIO()
    store.export("turtle", out)
    assert {q.triple for q in ox.parse(out.getvalue(), format=ox.RdfFormat.TURTLE)} == {
        q.triple for q in store.quads()}


def test_bulk_add_then_len(store: Store) -> None:
    quads = to_quads(synthetic_extraction(DOCS[0]))
    store.bulk_add(quads)
    assert len(store) == len(quads)


def test_embedded_store_persists(tmp_path: Path) -> None:
    with open_store(tmp_path / "db") as first:
        quads = ingest(first, DOCS[0])
    with open_store(tmp_path / "db") as again:
        assert set(again.quads()) == set(quads)
        assert pages(again) == [iris.graph_iri(DOCS[0])]


def test_remote_location_derives_protocol_urls(oxigraph_url: str) -> None:
    remote = open_store(f"{oxigraph_url}/query")
    assert (remote.query_url, remote.update_url, remote.store_url) == (
        f"{oxigraph_url}/query", f"{oxigraph_url}/update", f"{oxigraph_url}/store")
    root = open_store("https://example.org/")
    assert root.query_url == "https://example.org/query"


def test_replacing_with_nothing_removes_the_page(store: Store) -> None:
    for doc in DOCS:
        ingest(store, doc)
    store.replace_graph(iris.graph_iri(DOCS[0]), [])
    assert pages(store) == [iris.graph_iri(DOCS[1])]


def test_quads_outside_the_page_graph_are_refused(store: Store) -> None:
    quads = to_quads(synthetic_extraction(DOCS[0]))
    with pytest.raises(ValueError, match="outside graph"):
        store.replace_graph(iris.graph_iri(DOCS[1]), quads)
    assert len(store) == 0


def test_malformed_sparql_raises_syntax_error(store: Store) -> None:
    with pytest.raises(SyntaxError):
        store.query("SELECT WHERE {")
    with pytest.raises(SyntaxError):
        store.update("INSERT DATA {")
