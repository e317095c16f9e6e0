"""`kg.ingest.map_page` splits a page's quads into its own graph's and the shared graph's by position (to_quads
puts the page's first): the two parts are exactly the quads of each graph, in the mapping's order."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.ingest import map_page
from kg.pipeline import process_file
from kg.rdf.iris import graph_iri, shared_graph_iri
from kg.rdf.mapping import to_quads

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))


def test_the_page_and_shared_parts_are_each_graphs_quads() -> None:
    for path in SEEDS[:4]:
        page = map_page(str(path))
        quads = to_quads(process_file(str(path)))
        graph = graph_iri(process_file(str(path)).page.doc)
        own = [q for q in quads if q.graph_name.value == graph]
        shared = [q for q in quads if q.graph_name.value != graph]
        assert own and shared and {q.graph_name.value for q in shared} == {shared_graph_iri()}
        assert page.nquads == ox.serialize(own, format=ox.RdfFormat.N_QUADS)
        assert page.shared == ox.serialize(shared, format=ox.RdfFormat.N_QUADS)
        assert page.count == len(quads)
