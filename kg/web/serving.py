"""Run the web app under waitress, a production WSGI server (not Flask's dev server).

`kg serve` and `python server.py` both come here, so they serve the same app.
Waitress answers some requests itself, before the app sees them (a malformed
request 400, headers too large 431, a body too large 413), so its request
parser and error answers are given two things here: a body's size is checked
against the limit of the path it is sent to as soon as its Content-Length is
read (a 200 MB body to /sparql is refused before one byte of it is read, a
chunked one as soon as it passes the limit), and every answer waitress writes
itself carries the same security headers as the app's. /sparql queries the
guard has passed before are answered by kg.web.sparql_lean's middleware,
without Flask's per-request cost ($KG_LEAN_SPARQL=0 sends every one through Flask).
"""

from __future__ import annotations

import logging
import os
import signal
import sys

from waitress import create_server
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import BaseWSGIServer
from waitress.task import ErrorTask
from waitress.utilities import RequestEntityTooLarge

from kg.rdf.store import open_store
from kg.web.app import MAX_REQUEST_BYTES, SERVER_THREADS, create_app, security_headers
from kg.web.graph_store import MAX_GRAPH_BYTES
from kg.web.sparql_lean import LeanSparql

# Paths that take large bodies (Graph Store Protocol uploads); every other path takes MAX_REQUEST_BYTES.
LARGE_BODY_PATHS = ("/store",)


def body_limit(path: str) -> int:
    """The largest request body a path accepts."""
    return MAX_GRAPH_BYTES if path.startswith(LARGE_BODY_PATHS) else MAX_REQUEST_BYTES


class _Parser(HTTPRequestParser):
    """Refuses a body past its path's limit from the Content-Length, or as a chunked one grows past it."""

    def _too_large(self) -> bool:
        limit = body_limit(self.path or "/")
        if max(self.content_length, self.body_bytes_received) <= limit:
            return False
        self.error = RequestEntityTooLarge(f"the request body is over the {limit} bytes {self.path} accepts")
        self.completed = True
        return True

    def parse_header(self, header_plus: bytes) -> None:
        super().parse_header(header_plus)
        self._too_large()

    def received(self, data: bytes) -> int:
        consumed = super().received(data)
        if self.headers_finished and not self.completed and self.error is None:
            self._too_large()
        return consumed


class _ErrorTask(ErrorTask):
    """Waitress's own error answer, with the app's security headers."""

    def execute(self) -> None:
        status, headers, body = self.request.error.to_response(self.channel.server.adj.ident)
        self.status = status
        self.response_headers.extend(headers)
        self.response_headers.extend(security_headers().items())
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class _Channel(HTTPChannel):
    parser_class = _Parser
    error_task_class = _ErrorTask


def serve(location: str, *, host: str = "127.0.0.1", port: int = 8000, update_token: str | None = None,
          query_timeout: float = 10.0, threads: int = SERVER_THREADS) -> None:
    """Open the store once (the server is its only writer) and serve it until stopped."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    store = open_store(location)
    if hasattr(store, "flush_writes"):
        store.flush_writes = True  # so a query worker's fresh view never replays a write-ahead log
    app = create_app(store, update_token=update_token, query_timeout=query_timeout)
    if not store.ready():  # rebuilt by a thread of the store (which logs it), never inside a request
        logging.getLogger("kg").info("%s: the label index or claim summaries are stale, rebuilt in the background; "
                                     "until then the graph API answers by SPARQL (/healthz says when they are "
                                     "ready)", location)
    wsgi = app if os.environ.get("KG_LEAN_SPARQL", "1") == "0" else LeanSparql(app)
    server = create_server(wsgi, host=host, port=port, threads=threads, ident="kg",
                           max_request_body_size=MAX_GRAPH_BYTES + 1)
    listeners = getattr(server, "map", None)
    for listener in listeners.values() if isinstance(listeners, dict) else [server]:
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = _Channel
    # SIGTERM (a service manager's stop, a test's terminate) ends the server as Ctrl-C does, through the exit
    # handlers: they kill the query workers, which would otherwise finish a runaway query on their own.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    logging.getLogger("kg").info("serving %s on http://%s:%d/", location, host, port)
    server.run()
