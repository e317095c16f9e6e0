"""No SPARQL in the server process without a time limit (issue 17): while the label index and claim summaries are
stale the graph API and the pages answer by SPARQL, and each of those queries runs where /sparql's run, under the
query time limit. Over the invented city of tests/test_ui_browser.py, its summaries kept stale: every kind of call
answers as the store answers it in the server's own process, and with a query that never ends it answers 503
"time limit exceeded" instead of hanging."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import quote

import pytest
import requests
from conftest import extraction_store
from flask import Flask
from test_ui_browser import BASE, CITY, JOBS, YOU_XIAN, city_extraction
from waitress import create_server

from kg.rdf.remote import RemoteStore
from kg.rdf.store import STALE, EmbeddedStore
from kg.web import executor as executor_module
from kg.web.app import create_app
from kg.web.executor import QueryExecutor
from kg.web.graph_view import GraphView

JOBS_METRIC = BASE + "metric/" + quote(f"{JOBS}|人", safe="")
COUNTY = BASE + "region/" + YOU_XIAN
HTML = {"Accept": "text/html"}
# (path, parameters, headers) of each kind of call that reads the store by SPARQL while the summaries are stale.
CALLS = {
    "groups": ("/api/graph/groups", {"iri": CITY}, {}),
    "groups of a metric": ("/api/graph/groups", {"iri": JOBS_METRIC}, {}),
    "claims": ("/api/graph/claims", {"iri": CITY, "limit": "5"}, {}),
    "claims of a group": ("/api/graph/claims", {"iri": JOBS_METRIC, "key": COUNTY, "year": "2023"}, {}),
    "neighbours": ("/api/graph/neighborhood", {"iri": CITY, "depth": "2"}, {}),
    "node": ("/api/graph/node", {"iri": CITY}, {}),
    "path": ("/api/graph/path", {"from": COUNTY, "to": CITY}, {}),
    "compare": ("/api/graph/compare", {"metric": JOBS_METRIC}, {}),
    "search": ("/api/graph/search", {"q": "株洲"}, {}),
    "overview": ("/api/graph/overview", {}, {}),
    "conflicts": ("/api/graph/conflicts", {}, {}),
    "page": ("/region/" + YOU_XIAN, {}, HTML),
}


def hang(*_: object) -> None:
    """Stands for a query that never ends, in the worker (imported there by name, as the real job function is)."""
    threading.Event().wait()


@dataclass
class Served:
    url: str
    app: Flask
    store: EmbeddedStore

    def get(self, name: str) -> requests.Response:
        path, params, headers = CALLS[name]
        return requests.get(self.url + path, params=params, headers=headers, timeout=60)

    @property
    def executor(self) -> QueryExecutor:
        return self.app.extensions["kg.sparql"].executor


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The app over the city's store, served by waitress in this process, its label index and summaries stale and
    never rebuilt (so every call takes its SPARQL path)."""
    folder = extraction_store(tmp_path_factory.mktemp("limits") / "store", city_extraction())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(EmbeddedStore, "_start", lambda self: None)
        store = EmbeddedStore(folder)
        app = create_app(store, query_workers=1)
        with _serving(app) as url:
            yield Served(url, app, store)
        store.close()


@contextmanager
def _serving(app: Flask) -> Iterator[str]:
    """`app` served by waitress on a loopback port in this process (so the tests' patches are the server's)."""
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        app.extensions["kg.sparql"].executor.close()


@pytest.mark.parametrize("name", CALLS)
def test_a_call_answers_under_the_limit_as_the_store_answers_in_process(
        served: Served, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert requests.get(served.url + "/healthz", timeout=30).json()["summaries"] == STALE
    ran: list[str] = []
    run = served.executor.run
    monkeypatch.setattr(served.executor, "run", lambda job, **kw: ran.append(job.query) or run(job, **kw))
    served.app.extensions["kg.graph_view"].index.changed()  # search builds its names anew, by SPARQL
    bounded = served.get(name)
    assert bounded.status_code == 200, bounded.text
    assert ran, "the call's SPARQL ran in a query worker"
    bounded_view = served.app.extensions["kg.graph_view"]
    served.app.extensions["kg.graph_view"] = GraphView(served.store)  # the store's own query, in this process
    try:
        in_process = served.get(name)
    finally:
        served.app.extensions["kg.graph_view"] = bounded_view
    assert in_process.status_code == 200
    assert bounded.content == in_process.content


@pytest.mark.parametrize("name", CALLS)
def test_a_call_whose_query_never_ends_answers_the_time_limit_error(
        served: Served, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    served.app.extensions["kg.graph_view"].index.changed()
    monkeypatch.setattr(executor_module, "_run_in_worker", hang)
    monkeypatch.setattr(served.executor, "timeout", 0.5)
    answer = served.get(name)
    assert answer.status_code == 503
    assert "time limit exceeded" in answer.json()["error"]
    assert answer.headers["Retry-After"] == "1"
    monkeypatch.undo()
    assert served.get(name).status_code == 200, "the killed worker was replaced; the next call answers"


def test_rows_through_the_executor_are_the_stores_own(served: Served) -> None:
    """Every statement as the server's limited query gives it (IRIs, typed and tagged literals, an unbound
    variable) equals what the store's own query gives in this process."""
    every = "SELECT ?s ?p ?o ?none WHERE { ?s ?p ?o OPTIONAL { ?s <urn:x:none> ?none } } ORDER BY ?s ?p ?o"
    rows = served.app.extensions["kg.graph_view"].select(every)
    assert rows == GraphView(served.store).select(every)
    assert len(rows) > 1000 and {type(r["o"]).__name__ for r in rows} == {"NamedNode", "Literal"}
    assert any(r["o"].language for r in rows if type(r["o"]).__name__ == "Literal")


def test_a_remote_stores_pages_answer_the_time_limit_error_when_the_endpoint_never_answers() -> None:
    """On a remote store the pages' and the Graph Store read's lookups are SPARQL too: an endpoint that takes
    connections and never answers costs them the query time limit (503), not the store handle's HTTP timeout."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        store = RemoteStore(f"http://127.0.0.1:{silent.getsockname()[1]}/query", timeout=600)
        with _serving(create_app(store, query_timeout=0.5)) as url:
            for path, params in (("/region/" + YOU_XIAN, {}), ("/store", {"graph": BASE + "graph/page"})):
                answer = requests.get(url + path, params=params, timeout=60)
                assert answer.status_code == 503, path
                assert "time limit exceeded" in answer.json()["error"]
