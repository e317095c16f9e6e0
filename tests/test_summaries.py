"""The claim figures kept at ingest (kg.rdf.summaries) equal the whole-store SPARQL aggregates they replace."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pyoxigraph as ox

from kg.ingest import map_pages
from kg.rdf import iris
from kg.rdf.store import EmbeddedStore
from kg.rdf.summaries import LINKS, SPARQL, Summaries
from kg.rdf.summaries import VIA as NAMED_WITH
from kg.rdf.vocab import KG, RDF, SCHEMA, SKOS
from kg.web.graph_view import GraphView

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SHARED = ox.NamedNode(iris.shared_graph_iri())


def _rows(store: EmbeddedStore, name: str, limit: int) -> list[dict[str, str]]:
    rows = store.query(SPARQL[name] % limit)
    assert isinstance(rows, list)
    return [{k: v.value for k, v in row.items() if v is not None} for row in rows]


def _claims_of(store: EmbeddedStore, node: str, predicates: tuple[ox.NamedNode, ...]) -> list[str]:
    """The claims linking to `node` by any of the predicates, sorted (every claim with none)."""
    union = " UNION ".join(f"{{ ?c {p} {ox.NamedNode(node)} }}" for p in predicates) or f"{{ ?c a {KG.Claim} }}"
    rows = store.query(f"SELECT DISTINCT ?c WHERE {{ {union} }} ORDER BY ?c")
    assert isinstance(rows, list)
    return [r["c"].value for r in rows]


def _grouped(store: EmbeddedStore, node: str) -> dict[tuple[str, str], list[str]]:
    """A node's claims by group as kg.web.groups aggregates them: a metric's by region, others' by metric (the
    linked node, else the written name), and by the year the period starts (else ends), "none" undated."""
    term = ox.NamedNode(node)
    link, written = (KG.region, KG.regionLabel) if store.query(f"ASK {{ {term} a {KG.Metric} }}") else (
        KG.metric, KG.metricLabel)
    union = " UNION ".join(f"{{ ?c {p} {term} }}" for p in LINKS)
    rows = store.query(f"""SELECT DISTINCT ?key ?y ?c WHERE {{ {union}
      OPTIONAL {{ ?c {link} ?linked }} OPTIONAL {{ ?c {written} ?text }}
      OPTIONAL {{ ?c {SCHEMA.startDate} ?s }} OPTIONAL {{ ?c {SCHEMA.endDate} ?e }}
      BIND(COALESCE(?linked, ?text, "") AS ?key) BIND(COALESCE(SUBSTR(STR(COALESCE(?s, ?e)), 1, 4), "none") AS ?y)
    }}""")
    assert isinstance(rows, list)
    out: dict[tuple[str, str], list[str]] = {}
    for r in rows:
        out.setdefault((r["key"].value, r["y"].value), []).append(r["c"].value)
    return {k: sorted(v) for k, v in out.items()}


def _kept_groups(summaries: Summaries, node: str) -> dict[tuple[str, str], list[str]]:
    found, groups, total = summaries.groups(node, 100_000)
    assert (groups, total) == (len(found), sum(n for _, _, n, _, _ in found))
    kept = {(key, year): summaries.group_claims(node, key, year, 100_000) for key, year, *_ in found}
    assert all(len(iris) == n for (iris, n) in kept.values()), "kept counts are the groups' sizes"
    assert all(first == kept[(key, year)][0][0] for key, year, _, first, _ in found), "first claim by IRI"
    for key, year, count, *_ in found[:20]:
        assert summaries.group_claims(node, key, year, 2) == (kept[(key, year)][0][:2], count), "a group's first two"
    return {k: sorted(iris) for k, (iris, _) in kept.items()}


def _named_with(store: EmbeddedStore, node: str) -> list[tuple[str, int]]:
    term = ox.NamedNode(node)
    union = " UNION ".join(f"{{ ?c {p} {term} }}" for p in LINKS)
    via = " ".join(str(p) for p in NAMED_WITH)
    rows = store.query(f"""SELECT ?n (COUNT(DISTINCT ?c) AS ?k) WHERE {{
      {union} VALUES ?p {{ {via} }} ?c ?p ?n FILTER(isIRI(?n) && ?n != {term}) }} GROUP BY ?n""")
    assert isinstance(rows, list)
    return sorted((r["n"].value, int(r["k"].value)) for r in rows)


def assert_equal_to_sparql(store: EmbeddedStore) -> Summaries:
    """Every summary answer equals the SPARQL aggregate over the union of the page graphs, once a stale store's
    are rebuilt (as `kg migrate` and the benchmarks wait for them)."""
    store.ready(wait=True)
    summaries = store.summaries()
    assert summaries is not None
    for limit in (1, 2, 5, 1000):  # a short list is cut at the limit-th count first
        busiest = [{"entity": e.iri, "label": e.label, "class": KG[e.type.capitalize()].value,
                    "claims": str(e.claims)} for e in summaries.busiest(limit)]
        assert busiest == _rows(store, "busiest", limit)
    for limit in (1, 2, 5, 1000):
        comparable = [{"metric": m.iri, "label": m.label, "regions": str(m.regions), "claims": str(m.claims)}
                      for m in summaries.comparable(limit)]
        assert comparable == _rows(store, "comparable", limit)
    conflicts = [(c.subject, c.metric, c.period, c.unit, c.claims, c.total) for c in summaries.conflicts(1000)]
    expected = [(r["subject"], r["metric"], r["period"], r["unit"], sorted(set(r["claims"].split())),
                 len(set(r["claims"].split()))) for r in _rows(store, "conflicts", 1000)]
    assert conflicts == expected
    nodes = {e.iri for e in summaries.busiest(1000)} | {m.iri for m in summaries.comparable(1000)}
    claims = _claims_of(store, "", ())
    assert summaries.rows(claims) == GraphView(store).read_rows(claims), "kept rows are the rows the store gives"
    for node in nodes:
        assert _kept_groups(summaries, node) == _grouped(store, node)
        neighbours = summaries.neighbours(node, 100_000)
        assert sorted((iri, n) for iri, n, _, _ in neighbours) == _named_with(store, node)
        for limit in (1, 2, 3, 7):  # cut at the limit-th count first, ties by IRI: a prefix of the whole list
            assert summaries.neighbours(node, limit) == neighbours[:limit]
        assert {iri: (kind, label) for iri, _, kind, label in neighbours if kind} == \
            store.labels.named(iri for iri, *_ in neighbours), "names as the label index gives them"
        counted = {n: len(_claims_of(store, n, LINKS)) for n in [node, *(iri for iri, *_ in neighbours[:10])]}
        assert summaries.claim_counts([*counted, iris.base() + "region/nothing"]) == \
            {n: k for n, k in counted.items() if k}, "kept counts of the nodes asked for (none for the unknown)"
        for predicates in (LINKS, (KG.metric,), (KG.program,), (KG.region, KG.agency)):
            every = _claims_of(store, node, predicates)
            for limit in (1, 3, 10_000):
                assert summaries.claims_of(node, [p.value for p in predicates], limit) == (every[:limit], len(every))
    return summaries


def test_seed_pages_counted_at_ingest_equal_the_aggregates(tmp_path: Path) -> None:
    pages = [p for p in map_pages(str(path) for path in sorted(SEEDS.glob("*.txt"))) if p.problem is None]
    with EmbeddedStore(tmp_path / "db") as store:
        store.add_pages(pages)
        summaries = assert_equal_to_sparql(store)
        assert summaries.busiest(5) and summaries.comparable(5), "the seed pages name busy regions and metrics"
        store.remove_graph(pages[0].graph)  # type: ignore[arg-type]
        assert_equal_to_sparql(store)
        store.replace_graph(pages[0].graph, pages[0].quads())  # type: ignore[arg-type]
        store.replace_graph(pages[1].graph, [q for q in pages[1].quads()  # type: ignore[arg-type]
                                             if q.predicate != KG.region])
        assert_equal_to_sparql(store)


# -- invented claims: two pages that disagree, replaced and removed ------------------------------------------

COUNTY = ox.NamedNode(iris.region_iri("990101"))
TOWN = ox.NamedNode(iris.region_iri("990102"))
METRIC = ox.NamedNode(iris.base() + "metric/invented-enrolment")


def _shared() -> list[ox.Quad]:
    out = []
    named = ((COUNTY, KG.Region, "青石县"), (TOWN, KG.Region, "白沙镇"), (METRIC, KG.Metric, "参保人数"))
    for node, kind, label in named:
        out += [ox.Quad(node, RDF.type, kind, SHARED),
                ox.Quad(node, SKOS.prefLabel, ox.Literal(label, language="zh"), SHARED)]
    return out


def page(doc: str, claims: list[tuple[ox.NamedNode, str, str]]) -> tuple[str, list[ox.Quad]]:
    """A page graph whose claims are (region, period, value) of the invented metric."""
    graph = ox.NamedNode(iris.graph_iri(doc))
    page_node = ox.NamedNode(iris.page_iri(doc))
    quads = [ox.Quad(page_node, RDF.type, KG.NewspaperPage, graph)]
    for n, (region, period, value) in enumerate(claims):
        claim = ox.NamedNode(f"{iris.base()}claim/{doc}/{n}")
        quads += [ox.Quad(claim, RDF.type, KG.Claim, graph), ox.Quad(claim, KG.region, region, graph),
                  ox.Quad(claim, KG.metric, METRIC, graph),
                  ox.Quad(claim, SCHEMA.temporalCoverage, ox.Literal(period, language="zh"), graph),
                  ox.Quad(claim, SCHEMA.value, ox.Literal(value, datatype=ox.NamedNode(
                      "http://www.w3.org/2001/XMLSchema#decimal")), graph),
                  ox.Quad(claim, SCHEMA.unitText, ox.Literal("人"), graph)]
    quads += [ox.Quad(page_node, KG.uses, n, graph) for n in (COUNTY, TOWN, METRIC)]
    return graph.value, quads + _shared()


def test_invented_conflicts_follow_adds_replacements_and_removals(tmp_path: Path) -> None:
    first = page("a.txt", [(COUNTY, "2023年", "100"), (TOWN, "2023年", "7")])
    second = page("b.txt", [(COUNTY, "2023年", "120"), (COUNTY, "2022年", "90")])
    with EmbeddedStore(tmp_path / "db") as store:
        store.replace_graph(*first)
        assert store.summaries().conflicts() == []
        store.replace_graph(*second)
        [conflict] = assert_equal_to_sparql(store).conflicts()
        assert (conflict.subject, conflict.period, conflict.values, conflict.low, conflict.high) == (
            COUNTY.value, "2023年", 2, 100.0, 120.0)
        assert [(m.label, m.regions, m.claims) for m in store.summaries().comparable()] == [("参保人数", 2, 4)]
        store.replace_graph(*page("c.txt", [(COUNTY, "2023年", "100"), (COUNTY, "2023年", "100")]))
        [big] = store.summaries().conflicts(per_group=2)  # four claims, two values: one of each shown
        assert big.total == 4 and len(big.claims) == 2 and big.claims == sorted(big.claims)
        assert big.claims[0].endswith("a.txt/0") and "b.txt" in big.claims[1], "the 100 and the 120"
        store.remove_graph(iris.graph_iri("c.txt"))
        store.replace_graph(*page("b.txt", [(COUNTY, "2023年", "100")]))  # now they agree
        assert assert_equal_to_sparql(store).conflicts() == []
        gone = _claims_of(store, TOWN.value, (KG.region,))
        store.remove_graph(first[0])
        assert assert_equal_to_sparql(store).comparable() == []
        assert gone and store.summaries().rows(gone) == {}, "a removed page's rows go with it"
        store.remove_graph(iris.graph_iri("b.txt"))
        summaries = assert_equal_to_sparql(store)
        assert summaries.busiest() == [] and summaries.claims_of(COUNTY.value, [KG.region.value], 5) == ([], 0)


def test_a_store_written_behind_the_summaries_is_counted_at_first_read(tmp_path: Path) -> None:
    graph, quads = page("a.txt", [(COUNTY, "2023年", "100"), (COUNTY, "2023年", "80")])
    raw = ox.Store(str(tmp_path / "db"))
    raw.extend(quads)
    raw.flush()
    del raw
    with EmbeddedStore(tmp_path / "db") as store:  # no labels.sqlite yet: an older store
        assert len(assert_equal_to_sparql(store).conflicts()) == 1
        store.update(f"DELETE WHERE {{ GRAPH <{graph}> {{ ?c {SCHEMA.value} ?v }} }}")
        assert assert_equal_to_sparql(store).conflicts() == []


def test_a_file_of_an_older_layout_is_counted_again_on_open(tmp_path: Path) -> None:
    graph, quads = page("a.txt", [(COUNTY, "2023年", "100"), (TOWN, "2024年", "80")])
    with EmbeddedStore(tmp_path / "db") as store:
        store.replace_graph(graph, quads)
    with sqlite3.connect(tmp_path / "db" / "labels.sqlite") as db:  # as an older kg left it: claims by IRI text
        db.executescript("""DROP TABLE claim; DROP TABLE claim_link; DELETE FROM summary_meta;
            CREATE TABLE claim (id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, graph INTEGER NOT NULL,
                                links TEXT NOT NULL);
            CREATE TABLE claim_link (node INTEGER NOT NULL, claim TEXT NOT NULL, pred INTEGER NOT NULL,
                                     PRIMARY KEY (node, claim, pred)) WITHOUT ROWID;
            CREATE TABLE claim_row (id INTEGER PRIMARY KEY, data BLOB NOT NULL);
            INSERT INTO claim_link VALUES (1, 'https://example.org/claim/gone', 2);""")
    with EmbeddedStore(tmp_path / "db") as store:
        with sqlite3.connect(tmp_path / "db" / "labels.sqlite") as db:
            assert db.execute("SELECT name FROM sqlite_master WHERE name = 'claim_row'").fetchone() is None
            assert db.execute("PRAGMA freelist_count").fetchone()[0] == 0, "the old tables' pages given back"
        claims = _claims_of(store, "", ())
        assert len(claims) == 2 and sorted(assert_equal_to_sparql(store).rows(claims)) == claims


def test_a_file_without_kept_region_counts_counts_them_once_on_open(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "db") as store:
        store.replace_graph(*page("a.txt", [(COUNTY, "2023年", "100"), (TOWN, "2024年", "80")]))
        store.replace_graph(*page("b.txt", [(COUNTY, "2023年", "90")]))
    with sqlite3.connect(tmp_path / "db" / "labels.sqlite") as db:  # as the kg before the kept counts left it
        db.executescript("DROP TABLE metric_regions")
    with EmbeddedStore(tmp_path / "db") as store:
        assert [(m.iri, m.regions) for m in assert_equal_to_sparql(store).comparable()] == [(METRIC.value, 2)]
        store.remove_graph(iris.graph_iri("a.txt"))  # the town's only claim goes: one region left, not comparable
        assert assert_equal_to_sparql(store).comparable() == []


def test_claim_lists_come_by_iri_whatever_order_pages_were_written_in(tmp_path: Path) -> None:
    docs = ["m.txt", "c.txt", "x.txt", "a.txt", "d.txt", "b.txt"]  # between, before and after the kept ones
    with EmbeddedStore(tmp_path / "db") as store:
        for doc in docs:
            store.replace_graph(*page(doc, [(COUNTY, "2023年", str(n)) for n in range(12)]))
        store.replace_graph(*page("c.txt", [(COUNTY, "2023年", "5")]))  # replaced: its keys handed out anew
        summaries = store.summaries()
        every = _claims_of(store, COUNTY.value, (KG.region,))
        assert len(every) == 5 * 12 + 1
        assert summaries.claims_of(COUNTY.value, [KG.region.value], 1000) == (every, len(every))
        assert summaries.claims_of(COUNTY.value, [KG.region.value], 7)[0] == every[:7]
        [(key, year, count, first, _)] = summaries.groups(METRIC.value, 10)[0]
        assert (key, count, first) == (COUNTY.value, len(every), every[0])
        assert summaries.group_claims(METRIC.value, key, year, 1000) == (every, len(every))
        store.rebuild_labels()  # the label index shares its node rows (and their ids) with the summaries
        assert assert_equal_to_sparql(store).claims_of(COUNTY.value, [KG.region.value], 1000) == (every, len(every))


def test_values_of_different_datatypes_stay_different_values(tmp_path: Path) -> None:
    graph, quads = page("a.txt", [(COUNTY, "2023年", "1"), (COUNTY, "2023年", "1"), (COUNTY, "2023年", "1")])
    integer = ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    plain = ox.Literal("1")
    retyped = {f"{iris.base()}claim/a.txt/1": integer, f"{iris.base()}claim/a.txt/2": plain}
    quads = [ox.Quad(q.subject, q.predicate, retyped[q.subject.value], q.graph_name)
             if q.predicate == SCHEMA.value and q.subject.value in retyped else q for q in quads]
    with EmbeddedStore(tmp_path / "db") as store:
        store.replace_graph(graph, quads)
        [conflict] = assert_equal_to_sparql(store).conflicts()
        assert conflict.values == 3 and conflict.total == 3
