"""The label-search index beside the embedded store (SQLite FTS5, one token per character)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.rdf import iris
from kg.rdf.labels import LabelIndex
from kg.rdf.store import EmbeddedStore, open_store
from kg.rdf.vocab import KG, RDF, SKOS

SHARED = ox.NamedNode(iris.shared_graph_iri())


def region(code: str, label: str, *aliases: str) -> list[ox.Quad]:
    node = ox.NamedNode(iris.region_iri(code))
    return [ox.Quad(node, RDF.type, KG.Region, SHARED), ox.Quad(node, SKOS.prefLabel, ox.Literal(label, language="zh"),
                                                                  SHARED),
            ox.Quad(node, SKOS.notation, ox.Literal(code), SHARED)] + [
        ox.Quad(node, SKOS.altLabel, ox.Literal(a, language="zh"), SHARED) for a in aliases]


INVENTED = region("990101", "青石县", "青石") + region("990102", "青石县白沙镇") + region("990103", "红河市")


def test_one_character_query_matches_inside_names(tmp_path: Path) -> None:
    index = LabelIndex(tmp_path / "labels.sqlite")
    index.add(INVENTED)
    assert [h.label for h in index.search("县")] == ["青石县", "青石县白沙镇"]
    assert [h.label for h in index.search("沙")] == ["青石县白沙镇"]
    assert index.search("石白") == [], "the characters must stand in a row"


def test_exact_then_prefix_then_substring(tmp_path: Path) -> None:
    index = LabelIndex(tmp_path / "labels.sqlite")
    index.add(INVENTED)
    hits = index.search("青石")
    assert [(h.label, h.match) for h in hits] == [("青石县", "alias"), ("青石县白沙镇", "label")]
    assert [(h.label, h.code, h.match) for h in index.search("990103")] == [("红河市", "990103", "code")]
    assert index.search("  ") == [] and index.search('"') == []


def test_the_store_writes_and_forgets_names_with_its_pages(tmp_path: Path) -> None:
    page = ox.NamedNode(iris.graph_iri("invented.txt"))
    page_node = ox.NamedNode(iris.page_iri("invented.txt"))
    refs = [ox.Quad(page_node, KG.uses, ox.NamedNode(iris.region_iri(c)), page) for c in ("990101", "990102")]
    with open_store(tmp_path / "db") as store:
        assert isinstance(store, EmbeddedStore)
        store.replace_graph(page.value, refs + INVENTED[:-3])
        assert [h.label for h in store.search_labels("县") or []] == ["青石县", "青石县白沙镇"]
        store.remove_graph(page.value)
        assert store.search_labels("县") == []


def test_a_sparql_update_makes_the_index_rebuild(tmp_path: Path) -> None:
    with open_store(tmp_path / "db") as store:
        assert isinstance(store, EmbeddedStore)
        body = " ".join(f"{q.subject} {q.predicate} {q.object} ." for q in INVENTED)
        store.update(f"INSERT DATA {{ GRAPH {SHARED} {{ {body} }} }}")
        assert [h.label for h in store.search_labels("红") or []] == ["红河市"]
