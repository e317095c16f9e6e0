"""`/sparql`: the SPARQL 1.1 Protocol (query and update) and the Service Description.

Queries run in the killable worker pool (kg.web.executor), which reads them
with kg.web.guard first, each client's share bounded by kg.web.fairness.
Updates need the operator's bearer token; a worker parses and tries them
before the server's own handle runs them, and the store is flushed after each
one. Answers follow `Accept` or a `format` parameter.
"""

from __future__ import annotations

import functools
import hmac
import re
import threading
from dataclasses import dataclass

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request
from werkzeug.datastructures import MIMEAccept, MultiDict
from werkzeug.http import parse_accept_header

from kg.web.errors import ApiError
from kg.web.executor import QueryExecutor, QueryFailed, QueryJob, RemoteQueryExecutor
from kg.web.fairness import Admission, ShortQueries
from kg.web.guard import Refused, add_using, has_dataset_clause, prescreen, tokens

bp = Blueprint("sparql", __name__)

TABULAR = {
    "application/sparql-results+json": "application/sparql-results+json",
    "application/json": "application/sparql-results+json",
    "application/sparql-results+xml": "application/sparql-results+xml",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "text/csv": "text/csv",
    "text/tab-separated-values": "text/tab-separated-values",
}
GRAPH = {
    "text/turtle": "text/turtle",
    "application/x-turtle": "text/turtle",
    "application/n-triples": "application/n-triples",
    "text/plain": "application/n-triples",
    "application/ld+json": "application/ld+json",
    "application/json": "application/ld+json",
    "application/rdf+xml": "application/rdf+xml",
    "application/xml": "application/rdf+xml",
    "text/xml": "application/rdf+xml",
}
# `format=` names as SPARQLWrapper, YASGUI and people write them: (tabular, graph) media types.
FORMAT_NAMES = {
    "json": ("application/sparql-results+json", "application/ld+json"),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "csv": ("text/csv", "text/turtle"),
    "tsv": ("text/tab-separated-values", "text/turtle"),
    "turtle": ("application/sparql-results+json", "text/turtle"),
    "ttl": ("application/sparql-results+json", "text/turtle"),
    "n3": ("application/sparql-results+json", "text/turtle"),
    "nt": ("application/sparql-results+json", "application/n-triples"),
    "ntriples": ("application/sparql-results+json", "application/n-triples"),
    "n-triples": ("application/sparql-results+json", "application/n-triples"),
    "json-ld": ("application/sparql-results+json", "application/ld+json"),
    "jsonld": ("application/sparql-results+json", "application/ld+json"),
    "rdf+xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "rdfxml": ("application/sparql-results+xml", "application/rdf+xml"),
}
_IRI = re.compile(r'^[^<>"{}|^`\\\x00-\x20]+$')
SD = "http://www.w3.org/ns/sparql-service-description#"
MAX_KEPT_ACCEPT = 512  # longest Accept header whose negotiated formats are kept
FORMATS = "http://www.w3.org/ns/formats/"


@dataclass
class SparqlSettings:
    """What the operator chose when starting the server."""

    executor: QueryExecutor | RemoteQueryExecutor
    update_token: str | None
    allowed_services: frozenset[str]
    max_results: int
    update_lock: threading.Lock
    admission: Admission
    short_queries: ShortQueries


def settings() -> SparqlSettings:
    return current_app.extensions["kg.sparql"]


def _choose(names: dict[str, str], fallback: str) -> str:
    best = request.accept_mimetypes.best_match(list(names))
    return names[best] if best else fallback


@functools.lru_cache(maxsize=256)
def _by_accept(accept: str) -> tuple[str, str]:
    """(tabular, graph) media types for an Accept header: clients send the same few headers again and
    again, and werkzeug's matching costs a good part of a light query's time in the server."""
    offered = parse_accept_header(accept, MIMEAccept)
    tabular, graph = offered.best_match(list(TABULAR)), offered.best_match(list(GRAPH))
    return (TABULAR[tabular] if tabular else "application/sparql-results+json",
            GRAPH[graph] if graph else "text/turtle")


def negotiated(format_name: str, accept: str) -> tuple[str, str]:
    """(tabular, graph) media types from a `format` parameter when given, else from the Accept header."""
    name = format_name.strip().lower()
    if name:
        if name in FORMAT_NAMES:
            return FORMAT_NAMES[name]
        media = name.split(";")[0].strip()
        if media in TABULAR or media in GRAPH:
            return TABULAR.get(media, "application/sparql-results+json"), GRAPH.get(media, "text/turtle")
        raise ApiError(400, f"unknown format {name!r}; use json, xml, csv, tsv, turtle, ntriples, jsonld or rdfxml")
    if len(accept) > MAX_KEPT_ACCEPT:  # a long header is matched, not kept
        return _by_accept.__wrapped__(accept)
    return _by_accept(accept)


def _formats() -> tuple[str, str]:
    return negotiated(request.args.get("format") or request.form.get("format") or "",
                      request.headers.get("Accept", ""))


def is_iri(text: str) -> bool:
    """Plain enough to be written between < and > in SPARQL without changing the text around it."""
    return bool(_IRI.match(text))


def iris(params: MultiDict, name: str) -> list[str]:
    """The values of parameter `name`, each checked to be an IRI (400 otherwise)."""
    values = params.getlist(name)
    for value in values:
        if not is_iri(value):
            raise ApiError(400, f"{name} is not an IRI: {value[:200]!r}")
    return values


def _body_text() -> str:
    charset = (request.mimetype_params.get("charset") or "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise ApiError(415, f"charset {charset} is not accepted: send the request body as UTF-8")
    try:
        return request.get_data(cache=True).decode("utf-8")
    except UnicodeDecodeError as error:
        raise ApiError(400, f"request body is not valid UTF-8: {error}") from None


def _one(params: MultiDict, name: str) -> str | None:
    values = params.getlist(name)
    if len(values) > 1:
        raise ApiError(400, f"exactly one {name!r} parameter is allowed; got {len(values)}")
    return values[0] if values else None


def operation() -> tuple[str | None, str | None, MultiDict]:
    """(query, update, parameters) of a protocol request; refuses malformed ones."""
    args = request.args
    if request.method == "GET":
        if "update" in args:
            raise ApiError(405, "updates must be sent with POST", {"Allow": "POST"})
        return _one(args, "query"), None, args
    media = request.mimetype
    if media == "application/x-www-form-urlencoded":
        form = request.form
        params = MultiDict([*args.items(multi=True), *form.items(multi=True)])
        query, update = _one(form, "query"), _one(form, "update")
        if query is not None and update is not None:
            raise ApiError(400, "send either 'query' or 'update', not both")
        if query is None and update is None:
            raise ApiError(400, "the form has neither a 'query' nor an 'update' field")
        return query, update, params
    if media == "application/sparql-query":
        return _body_text(), None, args
    if media == "application/sparql-update":
        return None, _body_text(), args
    raise ApiError(
        415,
        f"unsupported content type {media or '(none)'!r}: POST application/x-www-form-urlencoded, "
        "application/sparql-query or application/sparql-update",
    )


def _endpoint_iri() -> str:
    return request.base_url


def _run_query(query: str, params: MultiDict) -> Response:
    conf = settings()
    if conf.executor.verdicts.get(query, conf.allowed_services) is None:  # a kept pass was prescreened too
        try:
            prescreen(query)
        except Refused as error:
            raise ApiError(400, str(error)) from None
    tabular, graph = _formats()
    media, body = answer_query(conf, query, tabular, graph, iris(params, "default-graph-uri"),
                               iris(params, "named-graph-uri"), _endpoint_iri(),
                               request.remote_addr or "unknown")
    return Response(body, content_type=media, headers={"Vary": "Accept"})


def answer_query(conf: SparqlSettings, query: str, tabular: str, graph: str, default_graphs: list[str],
                 named_graphs: list[str], base_iri: str, client: str) -> tuple[str, bytes]:
    """(Content-Type, body) of a query's answer, run under `client`'s share (kg.web.fairness); ApiError if it
    fails. Both /sparql paths come here: Flask's and the lean one (kg.web.sparql_lean)."""
    job = QueryJob(
        query=query,
        tabular_format=tabular,
        graph_format=graph,
        default_graphs=default_graphs or None,
        named_graphs=named_graphs or None,
        base_iri=base_iri,
        max_results=conf.max_results,
        allowed_services=conf.allowed_services,
    )
    key = (query, tuple(default_graphs), tuple(named_graphs))
    try:
        with conf.admission.slot(client, short=conf.short_queries.known(key)):
            found = conf.executor.run(job, public=True)
    except QueryFailed as error:
        conf.short_queries.ran(key, float("inf"))  # a failed run (a time limit, a cap) never counts as short
        raise ApiError(error.status, error.message, error.headers) from None
    conf.short_queries.ran(key, found.seconds)
    media = found.media_type if "charset" in found.media_type else f"{found.media_type}; charset=utf-8"
    return media, found.body


def authorise_update() -> None:
    token = settings().update_token
    if token is None:
        raise ApiError(403, "this endpoint is read-only: updates are disabled")
    given = request.headers.get("Authorization", "")
    scheme, _, value = given.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), token.encode()):
        raise ApiError(401, "updates need the operator's token: send 'Authorization: Bearer <token>'",
                       {"WWW-Authenticate": 'Bearer realm="sparql-update"'})


def run_update(update: str, params: MultiDict) -> Response:
    authorise_update()
    conf = settings()
    try:
        prescreen(update)
    except Refused as error:
        raise ApiError(400, str(error)) from None
    using, using_named = iris(params, "using-graph-uri"), iris(params, "using-named-graph-uri")
    if using or using_named:
        if has_dataset_clause(tokens(update)):
            raise ApiError(400, "using-graph-uri / using-named-graph-uri cannot be combined with USING or WITH")
        update = add_using(update, using, using_named)
    text = f"BASE {ox.NamedNode(_endpoint_iri())}\n{update}"
    try:
        with conf.admission.slot(request.remote_addr or "unknown"):
            conf.executor.check_update(text, conf.allowed_services)
    except QueryFailed as error:
        raise ApiError(error.status, error.message, error.headers) from None
    store = current_app.extensions["kg.store"]
    with conf.update_lock:
        try:
            store.update(text)
        except SyntaxError as error:
            raise ApiError(400, f"syntax error: {error}") from None
        except (OSError, RuntimeError) as error:  # pyoxigraph's evaluation errors ("graph does not exist")
            raise ApiError(400, f"update failed: {error}") from None
    current_app.extensions["kg.graph_view"].index.changed()
    return Response(status=204)


def _service_description() -> Response:
    """A SPARQL 1.1 Service Description of this endpoint, in Turtle (or another RDF syntax)."""
    service = ox.BlankNode()
    dataset, default = ox.BlankNode(), ox.BlankNode()
    sd = lambda name: ox.NamedNode(SD + name)  # noqa: E731
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    triples = [
        ox.Triple(service, rdf_type, sd("Service")),
        ox.Triple(service, sd("endpoint"), ox.NamedNode(_endpoint_iri())),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, rdf_type, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default),
        ox.Triple(default, rdf_type, sd("Graph")),
    ]
    if settings().update_token is not None:
        triples.append(ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Update")))
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                 "Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
        triples.append(ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS + name)))
    media = _choose({m: m for m in ("text/turtle", "application/n-triples", "application/ld+json",
                                    "application/rdf+xml")}, "text/turtle")
    fmt = ox.RdfFormat.from_media_type(media)
    body = ox.serialize(triples, format=fmt, prefixes={"sd": SD} if fmt == ox.RdfFormat.TURTLE else None)
    return Response(body, content_type=f"{media}; charset=utf-8", headers={"Vary": "Accept"})


@bp.route("/sparql", methods=["GET", "POST"], strict_slashes=False)
def sparql() -> Response:
    query, update, params = operation()
    if update is not None:
        return run_update(update, params)
    if query is None:
        from kg.web.ui import browser_asks, sparql_page  # the editor page (kg.web.ui imports the app)

        return sparql_page() if browser_asks() else _service_description()
    return _run_query(query, params)
