"""A lean path for /sparql queries the guard has already passed: the same answer without Flask.

Flask's request, routing, context and response objects cost about half a
millisecond a request, several times what oxigraph spends on a light query. So
a query whose exact text already carries the guard's pass (kg.web.guard's
Verdicts, read from rdflib's parse tree in a worker, never from the text here)
is answered by this WSGI middleware: the request read by werkzeug's own
parsers, the format negotiated, the dataset parameters checked, the query run
under its client's share and time limit by the very function the Flask route
uses (kg.web.sparql.answer_query), the answer sent with the same headers
(security headers, CORS, Vary) and errors sent as the same JSON. Anything else
(a first sight of a text, updates, the service description, OPTIONS, HEAD, a
body it would not parse the way Flask does) falls through, untouched, to Flask.
"""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Callable, Iterable
from urllib.parse import parse_qsl

from flask import Flask
from werkzeug.datastructures import MultiDict
from werkzeug.http import HTTP_STATUS_CODES, parse_options_header
from werkzeug.wsgi import get_current_url

from kg.web.app import CORS_HEADERS, MAX_REQUEST_BYTES, security_headers
from kg.web.errors import ApiError
from kg.web.sparql import SparqlSettings, answer_query, iris, negotiated

log = logging.getLogger("kg.web")

PATHS = ("/sparql", "/sparql/")
FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
StartResponse = Callable[..., object]


class _Fallthrough(Exception):
    """The request is Flask's to answer."""


def _pairs(text: str) -> MultiDict:
    """Parameters parsed as werkzeug parses `request.args` and an urlencoded form."""
    return MultiDict(parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote"))


def _one(params: MultiDict, name: str) -> str:
    values = params.getlist(name)
    if len(values) != 1:
        raise _Fallthrough
    return values[0]


def _body(environ: dict) -> bytes:
    """The request body (put back for Flask, should the request fall through)."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        raise _Fallthrough from None
    if not 0 <= length <= MAX_REQUEST_BYTES:
        raise _Fallthrough
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    return body


URL_KEYS = ("wsgi.url_scheme", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "PATH_INFO")


@functools.lru_cache(maxsize=64)
def _endpoint(url_parts: tuple[tuple[str, str], ...]) -> str:
    """The endpoint's own URL, the query's base IRI, as Flask's `request.base_url` gives it, from the environ's
    URL_KEYS (kept: werkzeug's IRI conversion costs a tenth of the lean path's own time, and clients name the
    server the same way each time)."""
    return get_current_url({"SCRIPT_NAME": "", **dict(url_parts)}, strip_querystring=True)


def _read(environ: dict) -> tuple[str, MultiDict, str]:
    """(query, dataset and format parameters, format name) of a query request the lean path takes."""
    try:
        args = _pairs(environ.get("QUERY_STRING", "").encode("latin-1").decode())
        method = environ.get("REQUEST_METHOD")
        if method == "GET" and not environ.get("CONTENT_TYPE") and "update" not in args:
            return _one(args, "query"), args, args.get("format") or ""
        if method != "POST":
            raise _Fallthrough
        media, options = parse_options_header(environ.get("CONTENT_TYPE", ""))
        media = media.lower()
        if media == FORM:
            form = _pairs(_body(environ).decode())
            if "update" in form:
                raise _Fallthrough
            params = MultiDict([*args.items(multi=True), *form.items(multi=True)])
            return _one(form, "query"), params, args.get("format") or form.get("format") or ""
        if media == QUERY_BODY and (options.get("charset") or "utf-8").lower() in ("utf-8", "utf8"):
            return _body(environ).decode("utf-8"), args, args.get("format") or ""
    except UnicodeError:
        pass
    raise _Fallthrough


class LeanSparql:
    """WSGI middleware answering guard-passed /sparql queries itself, everything else through `app`."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.settings: SparqlSettings = app.extensions["kg.sparql"]
        self.dumps = app.json.dumps
        self.headers = [*security_headers().items(), *CORS_HEADERS.items()]

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") not in PATHS or environ.get("SCRIPT_NAME"):
            return self.app(environ, start_response)
        conf = self.settings
        try:
            query, params, format_name = _read(environ)
        except _Fallthrough:
            return self.app(environ, start_response)
        if conf.executor.verdicts.get(query, conf.allowed_services) is None:
            return self.app(environ, start_response)
        try:
            tabular, graph = negotiated(format_name, environ.get("HTTP_ACCEPT", ""))
            media, body = answer_query(conf, query, tabular, graph, iris(params, "default-graph-uri"),
                                       iris(params, "named-graph-uri"),
                                       _endpoint(tuple((k, environ[k]) for k in URL_KEYS if k in environ)),
                                       environ.get("REMOTE_ADDR") or "unknown")
        except ApiError as error:
            return self._error(start_response, error.status, error.message, error.headers)
        except Exception:  # noqa: BLE001 (answered as Flask's handler answers it: logged, a JSON 500)
            log.exception("unhandled error")
            return self._error(start_response, 500, "internal error: the request could not be answered; it was logged",
                               {})
        start_response("200 OK", [("Vary", "Accept"), ("Content-Type", media), ("Content-Length", str(len(body))),
                                  *self.headers])
        return [body]

    def _error(self, start_response: StartResponse, status: int, message: str,
               headers: dict[str, str]) -> Iterable[bytes]:
        """The JSON error kg.web.errors.error_response writes, with the same headers."""
        body = (self.dumps({"error": message, "status": status}, separators=(",", ":")) + "\n").encode()
        start_response(f"{status} {HTTP_STATUS_CODES.get(status, 'Unknown').upper()}",
                       [("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                        *headers.items(), *self.headers])
        return [body]
