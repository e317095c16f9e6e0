"""The Flask application: SPARQL endpoint, graph API, linked-data pages, exports, browser UI.

`create_app(store)` is what `kg serve` and `python server.py` serve. The web
layer reads only the store; on an embedded store (a folder) queries from
outside run in killable worker processes, on a remote SPARQL endpoint the
endpoint answers them under the same time limit and result cap. The graph
API's and the pages' own SPARQL runs the same way, under the same time limit
(kg.web.executor.own_rows).
"""

from __future__ import annotations

import atexit
import functools
import os
import threading
from collections.abc import Callable
from importlib import resources

from flask import Flask, Response, request

from kg.rdf.remote import RemoteStore
from kg.web import exports, graph_api, graph_store, linked_data, sparql
from kg.web.errors import register_error_handlers
from kg.web.executor import QUEUE_GRACE, WRITING, QueryExecutor, RemoteQueryExecutor, own_rows
from kg.web.fairness import Admission, ShortQueries
from kg.web.graph_view import GraphView

MAX_REQUEST_BYTES = 1_000_000
DEFAULT_MAX_RESULTS = 10_000
# Server threads (kg.web.serving) and how many of them SPARQL requests may hold: the rest are
# kept for health checks, pages and the graph API. Queries one client runs at once ($KG_CLIENT_QUERIES).
SERVER_THREADS = 48
SPARQL_THREADS = 40
DEFAULT_CLIENT_QUERIES = 2

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
CORS_PATHS = ("/sparql", "/api/", "/export.", "/openapi.yaml", "/store", "/update")
CORS_HEADERS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                "Access-Control-Allow-Headers": "Accept, Authorization, Content-Type", "Access-Control-Max-Age": "600"}


def security_headers() -> dict[str, str]:
    """Headers every answer carries, the app's and the server's own (kg.web.serving)."""
    return {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
            "X-Frame-Options": "DENY"}


def _security_headers(response: Response) -> Response:
    for name, value in security_headers().items():
        response.headers.setdefault(name, value)
    if request.path.startswith(CORS_PATHS):
        for name, value in CORS_HEADERS.items():
            response.headers[name] = value
    return response


def _preflight() -> Response | None:
    """Answer CORS preflight requests for the shared paths before routing."""
    if request.method == "OPTIONS" and request.path.startswith(CORS_PATHS):
        return Response(status=204)
    return None


def _openapi() -> Response:
    text = resources.files("kg.web").joinpath("openapi.yaml").read_text(encoding="utf-8")
    return Response(text, content_type="application/yaml; charset=utf-8")


def _health(store) -> Callable[[], dict[str, object]]:
    """`/healthz`: counting quads walks the whole store, so an embedded store's count is kept per write
    count (`version`) and the check stays cheap however often it is asked. `summaries` says whether the label
    index and claim summaries are ready or being rebuilt (kg.rdf.store.Store.index_state): while they are not,
    the graph API answers by SPARQL, which is why the start page may be slow."""
    counted: dict[int, int] = {}

    def health() -> dict[str, object]:
        version = getattr(store, "version", None)
        if version is None:
            answer: dict[str, object] = {"status": "ok", "quads": len(store)}
        else:
            if version not in counted:
                counted.clear()
                counted[version] = len(store)
            answer = {"status": "ok", "quads": counted[version]}
        state = store.index_state()
        if state is not None:
            answer["summaries"] = state
        return answer

    return health


def _register_ui(app: Flask) -> None:
    """The browser page and the APIs only it needs (kg.web.ui imports this module's CSP, hence the late import)."""
    from kg.web import boundaries, groups, ui

    app.register_blueprint(ui.bp)
    app.register_blueprint(groups.bp)
    app.register_blueprint(boundaries.bp)


def _query_side(store, timeout: float, workers: int | None,
                update_lock: threading.Lock) -> QueryExecutor | RemoteQueryExecutor:
    """Who answers /sparql: the endpoint for a remote store, else worker processes. Every write the server
    makes holds `update_lock` until it is flushed and counted; while it is held, jobs carry WRITING, so no
    worker keeps a view that may hold half of what its label says."""
    if isinstance(store, RemoteStore):
        return RemoteQueryExecutor(store, timeout=timeout)
    location = getattr(store, "path", None)
    if location is None:
        raise ValueError("the web service needs an embedded store folder or a remote SPARQL endpoint")
    return QueryExecutor(str(location), timeout=timeout, workers=workers,
                         version=lambda: WRITING if update_lock.locked() else store.version)


def create_app(
    store,
    *,
    update_token: str | None = None,
    query_timeout: float = 10.0,
    max_results: int | None = None,
    allowed_services: frozenset[str] | None = None,
    query_workers: int | None = None,
) -> Flask:
    """The web app over an embedded store (kg.rdf.store.EmbeddedStore) or a remote endpoint (RemoteStore).

    `allowed_services` lists the endpoint IRIs SERVICE and LOAD may reach (none by
    default; $KG_ALLOWED_SERVICES, space-separated, when not given); `max_results`
    caps one answer ($KG_MAX_RESULTS or 10 000 when not given).
    """
    if allowed_services is None:
        allowed_services = frozenset(os.environ.get("KG_ALLOWED_SERVICES", "").split())
    if max_results is None:
        max_results = int(os.environ.get("KG_MAX_RESULTS", DEFAULT_MAX_RESULTS))
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    update_lock = threading.Lock()
    executor = _query_side(store, query_timeout, query_workers, update_lock)
    atexit.register(executor.close)
    app.extensions["kg.store"] = store
    app.extensions["kg.graph_view"] = GraphView(store, functools.partial(own_rows, executor))
    app.extensions["kg.sparql"] = sparql.SparqlSettings(
        executor=executor,
        update_token=update_token,
        allowed_services=allowed_services,
        max_results=max_results,
        update_lock=update_lock,
        admission=Admission(per_client=int(os.environ.get("KG_CLIENT_QUERIES", DEFAULT_CLIENT_QUERIES)),
                            capacity=SPARQL_THREADS,
                            wait=float(os.environ.get("KG_CLIENT_WAIT", query_timeout + QUEUE_GRACE)),
                            workers=executor.workers),
        short_queries=ShortQueries(),
    )
    register_error_handlers(app)
    app.before_request(_preflight)
    app.after_request(_security_headers)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(graph_api.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(graph_store.bp)
    app.register_blueprint(linked_data.bp)
    app.add_url_rule("/openapi.yaml", "openapi", _openapi)
    app.add_url_rule("/healthz", "healthz", _health(store))
    _register_ui(app)
    return app
