"""One skos:prefLabel per shared node (SKOS S14): pages naming one agency two ways, each page's rows keeping
its own wording, removal, label search and the migration of a store written with one label per wording."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from click.testing import CliRunner

from kg.cli import main
from kg.model import Article, Claim, Entity, Extraction, Mention, Page, Quantity, Region
from kg.rdf import iris, rows
from kg.rdf.layout import migrate, one_name
from kg.rdf.mapping import to_quads
from kg.rdf.queries import claim_rows, entity_rows
from kg.rdf.store import EmbeddedStore, open_store
from kg.rdf.validate import validate
from kg.rdf.vocab import SKOS, SKOSXL
from kg.web.graph_view import GraphView

CITY = Region("431000000000", "郴州市", "city", None, "郴州")
COUNTY = "431003000000"
CANONICAL = "苏仙区人力资源和社会保障局"
SHORT = "苏仙区人社局"
KEY = f"{COUNTY}/{CANONICAL}"
AGENCY = iris.agency_iri(KEY)
SHARED = ox.NamedNode(iris.shared_graph_iri())


def page(doc: str, written: str, claim_says: str | None = None, printed: str | None = None) -> Extraction:
    """An invented page: one article in which `written` (a name of the county's labour bureau, `printed` as
    the text has it when the extractor named it otherwise) reports jobs."""
    raw = f"苏仙区稳就业\n{printed or written}介绍，今年全区城镇新增就业3280人。\n"
    view = Page(doc=doc, path=doc, raw=raw, encoding="utf-8", text=raw, offsets=list(range(len(raw) + 1)))
    county = Entity("region", COUNTY, "苏仙区", aliases=["苏仙"], parents=[CITY], level="county")
    agency = Entity("agency", KEY, written, aliases=[CANONICAL] if written != CANONICAL else [], region=COUNTY)
    start = raw.index("3280")
    quantity = Quantity("3280人", "3280", 3280.0, "人", "人", "people", start=start, end=start + 5)
    evidence = raw.index("城镇")
    claim = Claim(doc=doc, article=0, evidence=raw[evidence:start + 5], start=evidence, end=start + 5,
                  quantity=quantity, subject="苏仙区", subject_type="region", subject_key=COUNTY, region="苏仙区",
                  region_key=COUNTY, agency=claim_says or written, agency_key=KEY, metric="城镇新增就业",
                  metric_key="new_urban_jobs", period="今年")
    at, printed = raw.index(printed or written), printed or written
    return Extraction(page=view, articles=[Article(doc, 0, "苏仙区稳就业", 0, len(raw) - 1, title="苏仙区稳就业")],
                      entities=[county, agency], mentions=[Mention("agency", printed, at, at + len(printed), 0, KEY)],
                      claims=[claim])


def store_of(path: Path, *pages: Extraction) -> EmbeddedStore:
    store = open_store(path)
    assert isinstance(store, EmbeddedStore)
    for extraction in pages:
        store.replace_graph(iris.graph_iri(extraction.page.doc), to_quads(extraction))
    return store


def labels(store: EmbeddedStore, predicate: ox.NamedNode) -> set[str]:
    return {q.object.value for q in store.quads_matching(ox.NamedNode(AGENCY), predicate, None, None)}


def test_two_wordings_give_one_preferred_label_from_the_key(tmp_path: Path) -> None:
    with store_of(tmp_path / "db", page("a.txt", SHORT), page("b.txt", CANONICAL)) as store:
        assert labels(store, SKOS.prefLabel) == {CANONICAL}
        assert labels(store, SKOS.altLabel) == {SHORT}, "the other wording is an alternative, never both"
        assert validate(store)[0]


def test_the_shared_graph_does_not_depend_on_the_order_pages_came_in(tmp_path: Path) -> None:
    def shared(path: Path, *docs: tuple[str, str]) -> set[ox.Quad]:
        with store_of(path, *(page(doc, written) for doc, written in docs)) as store:
            return set(store.quads_matching(graph=SHARED))
    one = shared(tmp_path / "one", ("a.txt", SHORT), ("b.txt", CANONICAL))
    assert one == shared(tmp_path / "two", ("b.txt", CANONICAL), ("a.txt", SHORT))


def test_the_page_graph_keeps_its_own_wording_as_an_skosxl_label() -> None:
    quads = to_quads(page("a.txt", SHORT))
    graph = ox.NamedNode(iris.graph_iri("a.txt"))
    label = ox.NamedNode(iris.label_iri("a.txt", AGENCY))
    assert ox.Quad(ox.NamedNode(AGENCY), SKOSXL.altLabel, label, graph) in quads
    assert ox.Quad(label, SKOSXL.literalForm, ox.Literal(SHORT, language="zh"), graph) in quads
    assert not [q for q in to_quads(page("b.txt", CANONICAL)) if q.predicate == SKOSXL.altLabel], \
        "a page calling the node by its preferred label needs no label of its own"


def test_claim_and_entity_rows_report_each_pages_wording(tmp_path: Path) -> None:
    with store_of(tmp_path / "db", page("a.txt", SHORT), page("b.txt", CANONICAL)) as store:
        assert {r["doc"]: r["agency"] for r in claim_rows(store)} == {"a.txt": SHORT, "b.txt": CANONICAL}
        agencies = {r["doc"]: r["label"] for r in entity_rows(store) if r["type"] == "agency"}
        assert agencies == {"a.txt": SHORT, "b.txt": CANONICAL}
        assert len(entity_rows(store)) == 4, "one row per page and node: no duplicate from a second label"


def test_a_claim_worded_otherwise_than_its_page_keeps_its_own_name(tmp_path: Path) -> None:
    with store_of(tmp_path / "db", page("a.txt", SHORT, claim_says="人社局")) as store:
        assert [r["agency"] for r in claim_rows(store)] == ["人社局"]


def test_kept_rows_read_the_pages_wording_before_the_nodes_label() -> None:
    quads = to_quads(page("a.txt", SHORT))
    [row] = rows.from_triples(q for q in quads if q.graph_name != SHARED).values()
    assert rows.finish(row, {AGENCY: CANONICAL})["agency"] == SHORT
    [row] = rows.from_triples(q for q in to_quads(page("b.txt", CANONICAL)) if q.graph_name != SHARED).values()
    assert rows.finish(row, {AGENCY: CANONICAL})["agency"] == CANONICAL


def test_rows_read_from_the_store_are_the_rows_kept_at_ingest(tmp_path: Path) -> None:
    with store_of(tmp_path / "db", page("a.txt", SHORT), page("b.txt", CANONICAL)) as store:
        claims = sorted(r["iri"] for r in claim_rows(store))
        read = GraphView(store).read_rows(claims)
        assert read == store.summaries().rows(claims)
        assert [read[c]["agency_text"] for c in claims] == [SHORT, None]


def test_removing_a_page_takes_its_wording_and_the_last_page_the_node(tmp_path: Path) -> None:
    with store_of(tmp_path / "db", page("a.txt", SHORT), page("b.txt", CANONICAL)) as store:
        assert store.remove_graph(iris.graph_iri("a.txt"))
        assert not list(store.quads_matching(predicate=SKOSXL.literalForm))
        assert [r["agency"] for r in claim_rows(store)] == [CANONICAL]
        assert store.remove_graph(iris.graph_iri("b.txt"))
        assert len(store) == 0


def test_label_search_finds_every_wording(tmp_path: Path) -> None:
    with store_of(tmp_path / "db", page("a.txt", SHORT), page("b.txt", CANONICAL)) as store:
        for query in (SHORT, CANONICAL):
            [hit] = store.search_labels(query)
            assert (hit.iri, hit.label) == (AGENCY, CANONICAL)


def test_a_pages_name_dereferences_and_a_node_lists_every_wording_once(tmp_path: Path) -> None:
    from werkzeug.test import Client

    from kg.web.app import create_app

    with store_of(tmp_path / "db", page("a.txt", SHORT), page("b.txt", CANONICAL)) as store:
        app = create_app(store, query_workers=1)
        try:
            client, turtle = Client(app), {"Accept": "application/n-triples"}
            label = iris.label_iri("a.txt", AGENCY)
            named = client.get(label[len(iris.base()) - 1:], headers=turtle)
            assert named.status_code == 200 and SHORT in named.get_data(as_text=True)
            node = client.get(AGENCY[len(iris.base()) - 1:], headers=turtle).get_data(as_text=True)
            assert "skos-xl" not in node and node.count(SHORT) == 1, "a node's page lists no page's label"
        finally:
            app.extensions["kg.sparql"].executor.close()


def old_store(path: Path, *pages: Extraction) -> EmbeddedStore:
    """A store as the mapping wrote it before: each page's wording a preferred label of the shared node, the
    canonical name an alternative, no label in the page graph."""
    store = open_store(path)
    assert isinstance(store, EmbeddedStore)
    for extraction in pages:
        quads = to_quads(extraction)
        written = {q.object for q in quads if q.predicate == SKOSXL.literalForm}
        old = [q for q in quads if q.predicate not in (SKOSXL.altLabel, SKOSXL.literalForm) and not (
            written and q.subject.value == AGENCY and (q.predicate == SKOS.prefLabel or q.object in written))]
        old += [ox.Quad(ox.NamedNode(AGENCY), SKOS.prefLabel, w, SHARED) for w in written]
        old += [ox.Quad(ox.NamedNode(AGENCY), SKOS.altLabel, ox.Literal(CANONICAL, language="zh"), SHARED)
                for _ in written]
        store.add_quads(old)
    return store


def test_migrate_gives_one_preferred_label_and_what_ingesting_now_gives(tmp_path: Path) -> None:
    pages = (page("a.txt", SHORT), page("b.txt", "苏仙区人社部门"))
    with old_store(tmp_path / "old", *pages) as store:
        assert labels(store, SKOS.prefLabel) == {SHORT, "苏仙区人社部门"}
        assert not validate(store)[0], "the shapes catch two preferred labels"
        report = migrate(store)
        assert (report.graphs, report.renamed) == (2, 1)
        with store_of(tmp_path / "new", *pages) as fresh:
            assert set(store.quads()) == set(fresh.quads())
        assert validate(store)[0]
        assert migrate(store).graphs == 0 and migrate(store).renamed == 0, "a migrated store is left alone"


def test_migrate_finds_a_name_the_page_prints_without_its_place(tmp_path: Path) -> None:
    pages = (page("a.txt", SHORT, printed="区人社局"), page("b.txt", "苏仙区人社部门"))
    with old_store(tmp_path / "old", *pages) as store, store_of(tmp_path / "new", *pages) as fresh:
        migrate(store)
        assert set(store.quads()) == set(fresh.quads())
        assert {r["doc"]: r["label"] for r in entity_rows(store) if r["type"] == "agency"} == {
            "a.txt": SHORT, "b.txt": "苏仙区人社部门"}


def test_kg_migrate_command_converts_and_rows_keep_each_wording(tmp_path: Path) -> None:
    old_store(tmp_path / "db", page("a.txt", SHORT), page("b.txt", CANONICAL)).close()
    result = CliRunner().invoke(main, ["migrate", "--store", str(tmp_path / "db")])
    assert result.exit_code == 0, result.output
    with open_store(tmp_path / "db") as store:
        assert labels(store, SKOS.prefLabel) == {CANONICAL}
        assert {r["doc"]: r["agency"] for r in claim_rows(store)} == {"a.txt": SHORT, "b.txt": CANONICAL}
        assert {h.iri for h in store.search_labels(SHORT)} == {AGENCY}


def test_one_name_takes_the_keys_name_or_else_the_longest() -> None:
    zh = ox.Literal
    chosen = one_name({AGENCY: {zh(SHORT, language="zh")},
                       iris.region_iri(COUNTY): {zh("苏仙", language="zh"), zh("苏仙区", language="zh")},
                       iris.program_iri("稳岗返还"): {zh("稳岗返还", language="zh")}})
    assert chosen == {AGENCY: zh(CANONICAL, language="zh"), iris.region_iri(COUNTY): zh("苏仙区", language="zh")}
    assert iris.node_key(AGENCY) == ("agency", KEY) and iris.node_key(iris.region_iri(f"{COUNTY}/柳岸镇")) == (
        "region", f"{COUNTY}/柳岸镇")
