"""Exports re-parse, with rdflib and with pyoxigraph, into graphs isomorphic to the store."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from kg.rdf import iris
from kg.rdf.export import FORMATS, export, union_triples
from kg.rdf.mapping import to_quads
from kg.rdf.store import Store, open_store
from kg.rdf.synth import synthetic_extraction

DOCS = ("export_a.txt", "export_b.txt", "export_c.txt")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "store") as opened:
        for doc in DOCS:
            opened.replace_graph(iris.graph_iri(doc), to_quads(synthetic_extraction(doc, articles=4)))
        yield opened


def exported(store: Store, fmt: str) -> bytes:
    out = io.BytesIO()
    store.export(fmt, out)
    return out.getvalue()


def rdflib_union(store: Store) -> rdflib.Graph:
    """The store's union graph as rdflib sees it, built from N-Quads (no shared code with export)."""
    dataset = rdflib.Dataset()
    dataset.parse(data=ox.serialize(store.quads(), format=ox.RdfFormat.N_QUADS), format="nquads")
    union = rdflib.Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def test_turtle_reparses_isomorphic_with_rdflib_and_pyoxigraph(store: Store) -> None:
    data = exported(store, "turtle")
    assert b"@prefix kg: <https://kg.example.org/ontology#>" in data
    assert isomorphic(rdflib.Graph().parse(data=data, format="turtle"), rdflib_union(store))
    parsed = [q.triple for q in ox.parse(data, format=ox.RdfFormat.TURTLE)]
    assert len(parsed) == len(set(parsed)), "shared nodes are written once"
    assert set(parsed) == {q.triple for q in store.quads()}


def test_ntriples_matches_the_union(store: Store) -> None:
    parsed = {q.triple for q in ox.parse(exported(store, "ntriples"), format=ox.RdfFormat.N_TRIPLES)}
    assert parsed == {q.triple for q in store.quads()}


def test_trig_reparses_isomorphic_graph_by_graph(store: Store) -> None:
    data = exported(store, "trig")
    dataset = rdflib.Dataset()
    dataset.parse(data=data, format="trig")
    names = sorted(str(g.identifier) for g in dataset.graphs() if len(g))
    assert names == store.graphs()
    for name in names:
        expected = rdflib.Graph()
        expected.parse(data=ox.serialize((q.triple for q in store.quads() if q.graph_name.value == name),
                                         format=ox.RdfFormat.N_TRIPLES), format="nt")
        assert isomorphic(dataset.graph(rdflib.URIRef(name)), expected)
    assert set(ox.parse(data, format=ox.RdfFormat.TRIG)) == set(store.quads())


def test_nquads_matches_the_store(store: Store) -> None:
    assert set(ox.parse(exported(store, "nquads"), format=ox.RdfFormat.N_QUADS)) == set(store.quads())


def test_jsonld_uses_the_published_context_and_keeps_the_graphs(store: Store) -> None:
    data = exported(store, "jsonld")
    assert b'"@context"' in data and b'"value"' in data
    dataset = rdflib.Dataset()
    dataset.parse(data=data, format="json-ld")
    expected = rdflib.Dataset()
    expected.parse(data=ox.serialize(store.quads(), format=ox.RdfFormat.N_QUADS), format="nquads")
    for name in store.graphs():
        assert isomorphic(dataset.graph(rdflib.URIRef(name)), expected.graph(rdflib.URIRef(name)))
    assert set(ox.parse(data, format=ox.RdfFormat.JSON_LD)) == set(store.quads())


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_writes_before_the_input_is_exhausted(fmt: str) -> None:
    """Streaming: output appears while quads are still being produced."""
    out = io.BytesIO()
    written_midway: list[int] = []

    def quads() -> Iterator[ox.Quad]:
        for n in range(40):
            doc = f"stream_{n}.txt"
            if n == 30:
                written_midway.append(out.tell())
            yield from to_quads(synthetic_extraction(doc, articles=2))

    export(quads(), fmt, out)
    assert written_midway[0] > 0


def test_union_triples_drops_only_repeated_shared_triples() -> None:
    a, b = (to_quads(synthetic_extraction(d)) for d in ("u_a.txt", "u_b.txt"))
    merged = list(union_triples(a + b))
    assert len(merged) == len(set(merged)) == len({q.triple for q in a + b})


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        export(iter(()), "csv", io.BytesIO())
