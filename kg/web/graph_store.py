"""`/store` (SPARQL 1.1 Graph Store HTTP Protocol) and `/update`, laid out as Oxigraph server does.

So `kg ingest --store http://host:port/sparql` (kg.rdf.remote.RemoteStore) can
write into a running server: a page graph is replaced with one PUT, atomically.
Reads are open like the exports; every write needs the operator's bearer token.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

from kg.web import sparql
from kg.web.errors import ApiError
from kg.web.exports import stream_export

bp = Blueprint("graph_store", __name__)

MAX_GRAPH_BYTES = 256 * 1024 * 1024
TRIPLE_MEDIA = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
DATASET_MEDIA = {"application/n-quads": ox.RdfFormat.N_QUADS, "application/trig": ox.RdfFormat.TRIG}


def _store():
    return current_app.extensions["kg.store"]


def _named(iri: str) -> ox.NamedNode | None:
    try:
        return ox.NamedNode(iri)
    except ValueError:  # not an absolute IRI: no graph can have that name
        return None


def _target() -> str | None:
    """The named graph a request addresses; None for the whole dataset."""
    graph = request.args.get("graph")
    if "default" in request.args:
        raise ApiError(400, "the default graph is not stored here: address a named graph with ?graph=IRI")
    if graph is not None and (not sparql.is_iri(graph) or _named(graph) is None):
        raise ApiError(400, f"graph is not an IRI: {graph[:200]!r}")
    return graph


def _body_quads(graph: str | None) -> list[ox.Quad]:
    request.max_content_length = MAX_GRAPH_BYTES
    media = request.mimetype
    fmt = (TRIPLE_MEDIA if graph else {**TRIPLE_MEDIA, **DATASET_MEDIA}).get(media)
    if fmt is None:
        raise ApiError(415, f"unsupported content type {media or '(none)'!r} for an RDF body")
    try:
        quads = list(ox.parse(request.get_data(), format=fmt))
    except SyntaxError as error:
        raise ApiError(400, f"the RDF body does not parse: {error}") from None
    if graph is None:
        return quads
    node = ox.NamedNode(graph)
    return [ox.Quad(q.subject, q.predicate, q.object, node) for q in quads]


def _written() -> Response:
    current_app.extensions["kg.graph_view"].index.changed()
    return Response(status=204)


@bp.route("/store", methods=["GET", "HEAD"])
def read() -> Response:
    graph = request.args.get("graph")
    if graph is None:
        return Response(stream_export(_store(), "nquads", current_app.logger),
                        content_type="application/n-quads; charset=utf-8")
    node = _named(graph)
    view = current_app.extensions["kg.graph_view"]  # its reads of a remote store run under the query time limit
    if node is None or not view.has_graph(node.value):
        raise ApiError(404, f"no graph {graph[:200]!r}")
    best = request.accept_mimetypes.best_match(list(TRIPLE_MEDIA), default="application/n-triples")
    media = best or "application/n-triples"
    triples = [q.triple for q in view.quads_matching(graph=node)]
    return Response(ox.serialize(triples, format=TRIPLE_MEDIA[media]), content_type=f"{media}; charset=utf-8")


@bp.route("/store", methods=["PUT"])
def replace() -> Response:
    sparql.authorise_update()
    graph = _target()
    if graph is None:
        raise ApiError(400, "PUT replaces one graph: add ?graph=IRI")
    quads = _body_quads(graph)
    with sparql.settings().update_lock:
        _store().replace_graph(graph, quads)
    return _written()


@bp.route("/store", methods=["POST"])
def add() -> Response:
    sparql.authorise_update()
    graph = _target()
    quads = _body_quads(graph)
    if graph is None and any(isinstance(q.graph_name, ox.DefaultGraph) for q in quads):
        raise ApiError(400, "quads for the default graph are not stored here: name a graph")
    with sparql.settings().update_lock:
        _store().add_quads(quads)
    return _written()


@bp.route("/store", methods=["DELETE"])
def delete() -> Response:
    sparql.authorise_update()
    graph = _target()
    if graph is None:
        raise ApiError(400, "DELETE removes one graph: add ?graph=IRI")
    with sparql.settings().update_lock:
        removed = _store().remove_graph(graph)
    if not removed:
        raise ApiError(404, f"no graph {graph}")
    return _written()


@bp.route("/update", methods=["POST"])
def update() -> Response:
    """SPARQL Update on its own path, as Oxigraph server and RemoteStore lay it out."""
    _, text, params = sparql.operation()
    if text is None:
        raise ApiError(400, "this path takes SPARQL updates only; send queries to /sparql")
    return sparql.run_update(text, params)
