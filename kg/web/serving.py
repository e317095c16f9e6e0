"""Run the web app under waitress, a production WSGI server (not Flask's dev server).

`kg serve` and `python server.py` both come here, so they serve the same app.
"""

from __future__ import annotations

import logging

from waitress import serve as waitress_serve

from kg.rdf.store import open_store
from kg.web.app import create_app


def serve(location: str, *, host: str = "127.0.0.1", port: int = 8000, update_token: str | None = None,
          query_timeout: float = 10.0, threads: int = 8) -> None:
    """Open the store once (the server is its only writer) and serve it until stopped."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(open_store(location), update_token=update_token, query_timeout=query_timeout)
    logging.getLogger("kg").info("serving %s on http://%s:%d/", location, host, port)
    waitress_serve(app, host=host, port=port, threads=threads, ident="kg")
