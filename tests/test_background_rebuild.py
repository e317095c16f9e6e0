"""Stale label index and summaries are rebuilt by a thread of the store, never inside a request (issue 17): while
the rebuild runs the graph API answers by its SPARQL path, `/healthz` says so, and a write meanwhile leaves them
stale, to be rebuilt again, rather than marked up to date without it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from test_summaries import COUNTY, METRIC, TOWN, assert_equal_to_sparql, page
from waitress import create_server

from kg.rdf import store as store_module
from kg.rdf.labels import LabelIndex
from kg.rdf.store import EmbeddedStore
from kg.rdf.summaries import Summaries
from kg.web.app import create_app

PAGES = [page(f"p{n}.txt", [(COUNTY, "2023年", str(100 + n)), (TOWN, "2022年", str(n))]) for n in range(4)]
LATE = page("late.txt", [(TOWN, "2021年", "77")])


class Gate:
    """A record source that holds the summaries' rebuild at its first page until opened."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.entered, self.opened = threading.Event(), threading.Event()
        real = store_module.store_records

        def held(store: ox.Store, graph: ox.NamedNode) -> list:
            self.entered.set()
            self.opened.wait()
            return real(store, graph)

        monkeypatch.setattr(store_module, "store_records", held)


def _stale_store(folder: Path) -> EmbeddedStore:
    """A store of a few pages whose label index and summaries a SPARQL update has marked stale."""
    store = EmbeddedStore(folder)
    for graph, quads in PAGES:
        store.replace_graph(graph, quads)
    store.update("INSERT DATA { }")  # a write the index and summaries cannot follow
    assert store.labels.stale and store._summaries.stale
    return store


def _rebuild_results(monkeypatch: pytest.MonkeyPatch) -> list[tuple[bool, bool]]:
    """What each summaries rebuild answers, and whether they are stale right after it."""
    results: list[tuple[bool, bool]] = []
    real = Summaries.rebuild

    def rebuild(self: Summaries, pages, batch: int = 200) -> bool:
        fresh = real(self, pages, batch)
        results.append((fresh, self.stale))
        return fresh

    monkeypatch.setattr(Summaries, "rebuild", rebuild)
    return results


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Callable[[EmbeddedStore], str]]:
    """serve(store) → the URL of the app over that store, served by waitress on a loopback port in this process
    (so the test's monkeypatched record source is the server's)."""
    running: list = []

    def serve(store: EmbeddedStore) -> str:
        app = create_app(store, query_workers=1)
        server = create_server(app, host="127.0.0.1", port=0, threads=4)
        threading.Thread(target=server.run, daemon=True).start()
        running.append((server, app))
        return f"http://127.0.0.1:{server.effective_port}"

    yield serve
    for server, app in running:
        server.close()
        app.extensions["kg.sparql"].executor.close()


def test_the_graph_api_answers_by_sparql_while_the_summaries_are_rebuilt_then_from_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, served: Callable[[EmbeddedStore], str]) -> None:
    gate = Gate(monkeypatch)
    kept_reads: list[int] = []
    busiest = Summaries.busiest
    monkeypatch.setattr(Summaries, "busiest", lambda self, limit=15: kept_reads.append(limit) or busiest(self, limit))
    store = _stale_store(tmp_path / "db")
    try:
        url = served(store)
        assert requests.get(f"{url}/healthz", timeout=30).json()["summaries"] == "stale"
        while_stale = requests.get(f"{url}/api/graph/overview", timeout=30)
        assert gate.entered.wait(30), "the first read started the rebuild"
        assert requests.get(f"{url}/healthz", timeout=30).json()["summaries"] == "rebuilding"
        # The rebuild is held at its first page: an answer now cannot have waited for it.
        during = requests.get(f"{url}/api/graph/overview", timeout=30)
        groups = requests.get(f"{url}/api/graph/groups", params={"iri": COUNTY.value}, timeout=30)
        assert not gate.opened.is_set()
        assert while_stale.status_code == during.status_code == groups.status_code == 200
        assert kept_reads == [], "answered by the SPARQL aggregates, not from half-counted summaries"
        assert groups.json()["claims_total"] == len(PAGES)
        gate.opened.set()
        store.ready(wait=True)
        assert requests.get(f"{url}/healthz", timeout=30).json()["summaries"] == "ready"
        after = requests.get(f"{url}/api/graph/overview", timeout=30)
        assert kept_reads, "read from the summaries once rebuilt"
        assert after.json() == during.json()
        assert requests.get(f"{url}/api/graph/groups", params={"iri": COUNTY.value},
                            timeout=30).json()["claims_total"] == len(PAGES)
    finally:
        gate.opened.set()
        store.close()


WRITES: dict[str, Callable[[EmbeddedStore], None]] = {
    "replace_graph": lambda store: store.replace_graph(*LATE),
    "remove_graph": lambda store: store.remove_graph(PAGES[0][0]),
    "sparql update": lambda store: store.update(f"DELETE WHERE {{ GRAPH <{PAGES[1][0]}> {{ ?s ?p ?o }} }}"),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_a_write_during_the_rebuild_leaves_the_summaries_stale_and_they_are_rebuilt_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write: Callable[[EmbeddedStore], None]) -> None:
    gate = Gate(monkeypatch)
    results = _rebuild_results(monkeypatch)
    store = _stale_store(tmp_path / "db")
    try:
        assert store.summaries() is None and not store.ready(), "stale: the caller takes its SPARQL path"
        assert gate.entered.wait(30)
        write(store)  # while the rebuild has read the page list but not yet counted a page
        gate.opened.set()
        store.ready(wait=True)
        assert results[0] == (False, True), "the rebuild that overlapped the write left them stale"
        assert results[-1] == (True, False)
        assert store.index_state() == "ready"
        assert_equal_to_sparql(store)
    finally:
        gate.opened.set()
        store.close()


def test_closing_the_store_stops_a_rebuild_and_leaves_the_summaries_stale_for_the_next_open(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gate = Gate(monkeypatch)
    store = _stale_store(tmp_path / "db")
    assert not store.ready() and gate.entered.wait(30)
    closer = threading.Thread(target=store.close)
    closer.start()
    while not store._closing and closer.is_alive():  # close has told the rebuild to stop, and waits for it
        closer.join(0.01)
    gate.opened.set()
    closer.join(30)
    assert not closer.is_alive(), "the rebuild stopped at its next page and close went on"
    with EmbeddedStore(tmp_path / "db") as again:
        assert again.index_state() == "stale"
        assert_equal_to_sparql(again)


def test_a_rebuild_marked_stale_meanwhile_does_not_clear_the_mark(tmp_path: Path) -> None:
    index = LabelIndex(tmp_path / "labels.sqlite")
    summaries = Summaries(tmp_path / "labels.sqlite")

    def pages() -> Iterator[tuple[str, list]]:
        summaries.mark_stale()  # a write after the rebuild began
        yield from []

    def quads() -> Iterator[ox.Quad]:
        index.mark_stale()
        yield from []

    assert not summaries.rebuild(pages()) and summaries.stale
    assert summaries.rebuild(iter([])) and not summaries.stale
    assert not index.rebuild(quads()) and index.stale
    assert index.rebuild(iter([])) and not index.stale
    summaries.close()
    index.close()


def test_label_reads_answer_none_while_the_index_is_stale_and_the_search_falls_back(tmp_path: Path) -> None:
    with _stale_store(tmp_path / "db") as store:
        assert store.search_labels("青石") is None and store.shared_labels([COUNTY.value]) is None
        store.ready(wait=True)
        assert [h.iri for h in store.search_labels("青石") or []] == [COUNTY.value]
        assert store.shared_labels([COUNTY.value, METRIC.value]) == {COUNTY.value: ("region", "青石县"),
                                                                     METRIC.value: ("metric", "参保人数")}


def test_kg_serve_starts_the_rebuild_of_a_stale_store_and_healthz_tells_when_it_is_ready(
        tmp_path: Path, server_factory) -> None:
    folder = tmp_path / "db"
    raw = ox.Store(str(folder))  # written by other means: no label index or summaries beside it
    raw.extend([q for _, quads in PAGES for q in quads])
    raw.flush()
    del raw
    server = server_factory(folder)  # up once /healthz no longer says "rebuilding"; it reads nothing itself
    assert server.get("/healthz").json()["summaries"] == "ready", "rebuilt from start-up, no graph read asked"
    log = server.log.read_text()
    assert "rebuilding the claim summaries in the background" in log and "claim summaries rebuilt in" in log
    overview = server.get("/api/graph/overview").json()
    assert {e["iri"] for e in overview["entities"]} == {COUNTY.value, TOWN.value}
