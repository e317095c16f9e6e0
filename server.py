"""Serve the default store: `python server.py` (PORT and KG_STORE override).

The same app as `kg serve`; KG_UPDATE_TOKEN enables SPARQL updates that carry it
and KG_QUERY_TIMEOUT sets the time limit of one query in seconds.
"""

import os

from kg.web.serving import serve

if __name__ == "__main__":
    serve(
        os.environ.get("KG_STORE", "data/store"),
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "8000")),
        update_token=os.environ.get("KG_UPDATE_TOKEN") or None,
        query_timeout=float(os.environ.get("KG_QUERY_TIMEOUT", "10")),
    )
