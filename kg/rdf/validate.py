"""SHACL validation of the store against ontology/shapes.ttl (pyshacl).

The shapes describe the merged view a user queries, so the data graph is the
union of all page graphs.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate

from kg.rdf.export import union_triples
from kg.rdf.store import Store

ONTOLOGY_DIR = Path(__file__).resolve().parents[2] / "ontology"
SHAPES_PATH = ONTOLOGY_DIR / "shapes.ttl"
_SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


def shapes_graph() -> rdflib.Graph:
    return rdflib.Graph().parse(SHAPES_PATH, format="turtle")


def union_graph(store: Store) -> rdflib.Graph:
    """All triples of the store as one rdflib graph."""
    data = ox.serialize(union_triples(store.quads()), format=ox.RdfFormat.N_TRIPLES)
    return rdflib.Graph().parse(data=data, format="nt")


def validate_graph(graph: rdflib.Graph) -> tuple[bool, str, int]:
    """(conforms, human-readable report, number of violations) for one rdflib graph."""
    conforms, results, text = shacl_validate(graph, shacl_graph=shapes_graph(), inference="none",
                                             allow_warnings=True)
    violations = sum(1 for _ in results.subjects(_SH.resultSeverity, _SH.Violation))
    return bool(conforms), str(text), violations


def validate(store: Store) -> tuple[bool, str, int]:
    """Validate everything in the store: (conforms, report text, violation count)."""
    return validate_graph(union_graph(store))
