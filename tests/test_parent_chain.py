"""A node's parent chain (`/api/graph/node`'s `parents`) for a program serving many regions: the first region by
IRI and the places above it, found without describing every region the program serves (a national programme
serves thousands)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from werkzeug.test import Client

from kg.rdf import iris
from kg.rdf.store import EmbeddedStore
from kg.rdf.vocab import ENTITY_CLASSES, KG, RDF, SCHEMA, SKOS
from kg.web.app import create_app
from kg.web.graph_view import GraphView

PROVINCE = "430000000000"
COUNTIES = [f"43{n:02d}00000000" for n in range(40, 10, -1)]  # 30 cities, listed last IRI first


def _quads() -> list[ox.Quad]:
    shared = ox.NamedNode(iris.shared_graph_iri())
    program = ox.NamedNode(iris.entity_iri("program", "乡村道路提质"))
    quads = [ox.Quad(program, RDF.type, ENTITY_CLASSES["program"], shared),
             ox.Quad(program, SKOS.prefLabel, ox.Literal("乡村道路提质", language="zh"), shared)]
    province = ox.NamedNode(iris.region_iri(PROVINCE))
    quads += [ox.Quad(province, RDF.type, KG.Region, shared),
              ox.Quad(province, SKOS.prefLabel, ox.Literal("某省", language="zh"), shared)]
    for n, code in enumerate(COUNTIES):
        region = ox.NamedNode(iris.region_iri(code))
        quads += [ox.Quad(region, RDF.type, KG.Region, shared),
                  ox.Quad(region, SKOS.prefLabel, ox.Literal(f"第{n}市", language="zh"), shared),
                  ox.Quad(region, SCHEMA.containedInPlace, province, shared),
                  ox.Quad(program, SCHEMA.areaServed, region, shared)]
    return quads


def test_a_programs_parents_are_its_first_region_and_above_read_one_region_each(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = EmbeddedStore(tmp_path / "db")
    store.store.extend(_quads())
    described: list[int] = []
    real = GraphView.describe

    def counted(self: GraphView, nodes, *args, **kwargs):  # type: ignore[no-untyped-def]
        nodes = list(nodes)
        described.append(len(nodes))
        return real(self, nodes, *args, **kwargs)

    monkeypatch.setattr(GraphView, "describe", counted)
    app = create_app(store, query_workers=1)
    try:
        program = iris.entity_iri("program", "乡村道路提质")
        answer = Client(app).get("/api/graph/node", query_string={"iri": program, "limit": 1}).get_json()
        first = min(COUNTIES, key=lambda code: iris.region_iri(code))
        assert [p["iri"] for p in answer["parents"]] == [iris.region_iri(first), iris.region_iri(PROVINCE)]
        assert max(described) < len(COUNTIES), f"described {max(described)} nodes at once for the chain"
    finally:
        app.extensions["kg.sparql"].executor.close()
        store.close()
