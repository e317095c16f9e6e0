"""Streaming export of the store: Turtle, N-Triples, N-Quads, TriG and JSON-LD.

Quads arrive grouped by graph from the store and leave as they come, so memory
stays bounded by one page graph (JSON-LD) or by the shared vocabulary (Turtle
and N-Triples, which merge the page graphs: a region copied into many pages is
written once, remembered in a set that grows with the number of shared nodes,
not with the corpus).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
import rdflib

from kg.rdf import iris
from kg.rdf.vocab import PREFIXES

CONTEXT_PATH = Path(__file__).resolve().parents[2] / "ontology" / "context.jsonld"

FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
}


def prefixes() -> dict[str, str]:
    """Vocabulary prefixes plus short ones for the instance IRIs under the current base."""
    b = iris.base()
    instance = {kind: f"{b}{kind}/" for kind in ("region", "page", "graph")}
    return {**PREFIXES, **instance}


def context() -> dict:
    """The published JSON-LD context (ontology/context.jsonld), without its wrapper."""
    return json.loads(CONTEXT_PATH.read_text(encoding="utf-8"))["@context"]


def union_triples(quads: Iterable[ox.Quad]) -> Iterator[ox.Triple]:
    """The triples of all graphs, each shared-node triple once."""
    seen: set[ox.Triple] = set()
    for quad in quads:
        triple = quad.triple
        subject = triple.subject
        if isinstance(subject, ox.NamedNode) and iris.is_shared(subject.value):
            if triple in seen:
                continue
            seen.add(triple)
        yield triple


def _jsonld_nodes(triples: list[ox.Triple], ctx: dict) -> list:
    """One graph's node objects, compacted against the published context by rdflib."""
    graph = rdflib.Graph()
    graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    doc = json.loads(graph.serialize(format="json-ld", context=ctx))
    if isinstance(doc, dict):
        doc.pop("@context", None)
        return doc.get("@graph", [doc] if doc else [])
    return doc


def _write_jsonld(quads: Iterable[ox.Quad], out: BinaryIO) -> None:
    ctx = context()
    out.write(b'{"@context": ' + json.dumps(ctx, ensure_ascii=False).encode() + b',\n "@graph": [')
    first = True
    for name, group in itertools.groupby(quads, key=lambda q: q.graph_name):
        nodes = _jsonld_nodes([q.triple for q in group], ctx)
        if isinstance(name, ox.DefaultGraph):
            items = nodes
        else:
            items = [{"@id": name.value, "@graph": nodes}]
        for item in items:
            out.write(b"\n  " if first else b",\n  ")
            out.write(json.dumps(item, ensure_ascii=False).encode())
            first = False
    out.write(b"\n]}\n")


def export(quads: Iterable[ox.Quad], fmt: str, out: BinaryIO) -> None:
    """Write the quads to a binary stream in one of FORMATS."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "jsonld":
        _write_jsonld(quads, out)
    elif fmt in ("nquads", "trig"):
        ox.serialize(quads, out, FORMATS[fmt], prefixes=prefixes())
    else:
        ox.serialize(union_triples(quads), out, FORMATS[fmt], prefixes=prefixes())
