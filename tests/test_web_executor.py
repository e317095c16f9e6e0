"""The query worker's kept read-only view and one-pass answer (on a real store), and the remote time limit."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.rdf.remote import RemoteStore
from kg.rdf.store import EmbeddedStore
from kg.web import executor
from kg.web.executor import QueryFailed, QueryJob, RemoteQueryExecutor, answer
from kg.web.guard import Checked

JSON = "application/sparql-results+json"
SELECT_ALL = "SELECT * WHERE { ?s ?p ?o }"


def _store(tmp_path: Path, n: int) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path / "store")
    graph = ox.NamedNode("https://example.org/g")
    store.add_quads(ox.Quad(ox.NamedNode(f"https://example.org/s{i}"), ox.NamedNode("https://example.org/p"),
                            ox.Literal("值" * 50), graph) for i in range(n))
    return store


def _rows(job: QueryJob, location: str, version: int) -> int:
    outcome = executor._run_in_worker(location, version, job)
    assert not isinstance(outcome, QueryFailed), outcome
    return len(list(ox.parse_query_results(outcome.body, format=ox.QueryResultsFormat.JSON)))


def test_view_is_kept_until_the_store_is_written(tmp_path: Path) -> None:
    store = _store(tmp_path, 3)
    location = str(store.path)
    job = QueryJob(SELECT_ALL, JSON, "text/turtle")
    assert _rows(job, location, store.version) == 3
    kept = executor._read_view(location, store.version)
    assert executor._read_view(location, store.version) is kept
    store.update("INSERT DATA { GRAPH <https://example.org/g> "
                 "{ <https://example.org/new> <https://example.org/p> 1 } }")
    assert _rows(job, location, store.version) == 4  # the write is seen: a fresh view was opened
    assert executor._read_view(location, store.version) is not kept


def test_a_view_opened_while_a_write_is_under_way_is_never_kept(tmp_path: Path) -> None:
    store = _store(tmp_path, 3)
    location = str(store.path)
    first = executor._read_view(location, executor.WRITING)
    assert executor._read_view(location, executor.WRITING) is not first
    kept = executor._read_view(location, store.version)
    assert executor._read_view(location, store.version) is kept


def test_jobs_carry_writing_while_the_server_holds_its_update_lock(tmp_path: Path) -> None:
    from kg.web.app import create_app

    store = _store(tmp_path, 3)
    app = create_app(store, query_workers=1)
    settings = app.extensions["kg.sparql"]
    try:
        before = store.version
        assert settings.executor.version() == before
        with settings.update_lock:
            assert settings.executor.version() == executor.WRITING
        store.update("INSERT DATA { GRAPH <https://example.org/g> "
                     "{ <https://example.org/new> <https://example.org/p> 1 } }")
        assert settings.executor.version() == store.version == before + 1
    finally:
        settings.executor.close()


@pytest.mark.parametrize("media", [JSON, "application/sparql-results+xml", "text/csv", "text/tab-separated-values"])
def test_answer_counts_against_the_cap_in_every_format(tmp_path: Path, media: str) -> None:
    store = _store(tmp_path, 20).store
    assert answer(store, QueryJob(SELECT_ALL, media, "text/turtle", max_results=20)).kind == "solutions"
    with pytest.raises(QueryFailed, match="result limit"):
        answer(store, QueryJob(SELECT_ALL, media, "text/turtle", max_results=19))


def test_answer_too_large_to_serialise_on_trust_is_counted_first(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    store = _store(tmp_path, 20).store
    whole = answer(store, QueryJob(SELECT_ALL, JSON, "text/turtle", max_results=20)).body
    monkeypatch.setattr(executor, "SERIALISED_BUDGET", 100)
    assert answer(store, QueryJob(SELECT_ALL, JSON, "text/turtle", max_results=20)).body == whole
    with pytest.raises(QueryFailed, match="result limit"):
        answer(store, QueryJob(SELECT_ALL, JSON, "text/turtle", max_results=19))


class _DrippingEndpoint(BaseHTTPRequestHandler):
    """A keep-alive SPARQL endpoint that answers ASK at once and anything else one byte every 0.2 s."""

    protocol_version = "HTTP/1.1"
    server_version, sys_version = "oxigraph/test", ""  # union default graph by parameter, as Oxigraph

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        form = self.rfile.read(int(self.headers["Content-Length"])).decode()
        quick = "ASK" in form
        answer = b'{"head":{},"boolean":true}' if quick else b'{"head":{"vars":["s"]},"results":{"bindings":[]}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        for start in range(0, len(answer), len(answer) if quick else 1):
            with contextlib.suppress(OSError):  # the client may hang up first
                self.wfile.write(answer[start:start + (len(answer) if quick else 1)])
                self.wfile.flush()
            if not quick:
                time.sleep(0.2)

    def log_message(self, *args: object) -> None:
        pass


def test_remote_time_limit_covers_the_whole_answer_not_each_read() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _DrippingEndpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        remote = RemoteStore(f"http://127.0.0.1:{server.server_port}/query")
        started = time.monotonic()
        with pytest.raises(QueryFailed) as failed:
            RemoteQueryExecutor(remote, timeout=1).run(QueryJob(SELECT_ALL, JSON, "text/turtle"))
        assert failed.value.status == 503 and "time limit" in failed.value.message
        assert time.monotonic() - started < 5  # each byte came well within the read timeout
    finally:
        server.shutdown()


def test_row_marks_inside_literals_never_refuse_an_answer_within_the_cap(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    graph = ox.NamedNode("https://example.org/g")
    store.add_quads(ox.Quad(ox.NamedNode(f"https://example.org/s{i}"), ox.NamedNode("https://example.org/p"),
                            ox.Literal('},{"x":1},{\n<result>\n' * 20), graph) for i in range(3))
    for media in (JSON, "application/sparql-results+xml", "text/csv", "text/tab-separated-values"):
        assert answer(store.store, QueryJob(SELECT_ALL, media, "text/turtle", max_results=3)).kind == "solutions"
        with pytest.raises(QueryFailed, match="result limit"):
            answer(store.store, QueryJob(SELECT_ALL, media, "text/turtle", max_results=2))


def _log_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob("*.log"))


def test_server_writes_leave_no_log_for_a_view_to_replay(tmp_path: Path) -> None:
    """A read-only view replays the write-ahead log on opening; the server flushes after each write, so
    after megabytes of page writes the log stays small and a worker's fresh view opens at once."""
    quads = [ox.Quad(ox.NamedNode(f"https://example.org/s{i}"), ox.NamedNode("https://example.org/p"),
                     ox.Literal("值" * 200), ox.NamedNode("https://example.org/g0")) for i in range(3000)]
    sizes = {}
    for flush in (False, True):
        store = EmbeddedStore(tmp_path / f"store-{flush}")
        store.flush_writes = flush
        for page in range(10):  # about 2 MB a page
            graph = f"https://example.org/g{page}"
            store.replace_graph(graph, [ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(graph)) for q in quads])
        sizes[flush] = _log_bytes(store.path)
        began = time.monotonic()
        for _ in range(executor.READ_ATTEMPTS):  # opened and read again as a worker does, if compacting
            try:
                view = executor._read_view(str(store.path), store.version)
                assert len(view) == 30_000
                break
            except (OSError, RuntimeError):
                executor._view = None
        if flush:
            opened = time.monotonic() - began
            print(f"\nview opened in {opened * 1000:.0f} ms after 10 flushed page writes; log bytes {sizes}")
            assert opened < 1.0
        del view
        executor._view = None
        store.close()
    # Unflushed, the log holds every write; flushed, no more than the last two (RocksDB drops older logs).
    assert sizes[True] <= 2.2 * sizes[False] / 10, sizes


def test_time_limit_counts_from_when_the_query_starts(tmp_path: Path) -> None:
    """A light query queued behind a runaway one on the only worker waits, then gets its full time."""
    store = _store(tmp_path, 300)
    runner = executor.QueryExecutor(str(store.path), timeout=1.5, workers=1, version=lambda: store.version)
    try:
        runaway = QueryJob("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
                           JSON, "text/turtle")
        failures: list[QueryFailed] = []

        def run_away() -> None:
            try:
                runner.run(runaway, public=True)
            except QueryFailed as error:
                failures.append(error)

        thread = threading.Thread(target=run_away)
        thread.start()
        time.sleep(0.5)
        began = time.monotonic()
        light = runner.run(QueryJob("ASK { ?s ?p ?o }", JSON, "text/turtle"), public=True)
        waited = time.monotonic() - began
        thread.join(timeout=30)
        assert light.kind == "boolean" and waited > 0.8  # it waited for the worker, and still answered
        assert failures and "time limit" in failures[0].message
    finally:
        runner.close()
        store.close()


def test_a_passed_text_is_not_parsed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard's pass rides with the job: the worker evaluates without rdflib's parse (which costs more
    than a light query), and a text it refuses is never kept."""
    store = _store(tmp_path, 3)
    runner = executor.QueryExecutor(str(store.path), timeout=10, workers=1, version=lambda: store.version)
    try:
        job = QueryJob(SELECT_ALL, JSON, "text/turtle")
        assert runner.run(job, public=True).checked == Checked("SELECT", False)
        assert runner.verdicts.get(SELECT_ALL, frozenset()) == Checked("SELECT", False)
        again = runner.run(job, public=True)
        assert len(list(ox.parse_query_results(again.body, format=ox.QueryResultsFormat.JSON))) == 3
        hostile = "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
        for _ in range(2):
            with pytest.raises(QueryFailed, match="SERVICE"):
                runner.run(QueryJob(hostile, JSON, "text/turtle"), public=True)
        assert runner.verdicts.get(hostile, frozenset()) is None
    finally:
        runner.close()
        store.close()

    def no_parse(*_: object) -> None:
        raise AssertionError("parsed although the job carried a pass")

    monkeypatch.setattr(executor, "check_query", no_parse)
    kept = QueryJob(SELECT_ALL, JSON, "text/turtle", checked=Checked("SELECT", False))
    assert answer(_store(tmp_path / "again", 2).store, kept).kind == "solutions"


def test_a_dying_worker_is_reported_and_replaced(tmp_path: Path) -> None:
    """A worker that exits mid-call, or is killed while idle, leaves a pool that answers the next query."""
    store = _store(tmp_path, 3)
    runner = executor.QueryExecutor(str(store.path), timeout=10, workers=1, version=lambda: store.version)
    job = QueryJob(SELECT_ALL, JSON, "text/turtle")
    try:
        with pytest.raises(QueryFailed, match="stopped unexpectedly") as failed:
            runner.call(os._exit, 3)
        assert failed.value.status == 503
        assert runner.run(job, public=True).kind == "solutions"
        with pytest.raises(ValueError, match="invalid literal"):  # an exception in the worker is the caller's
            runner.call(int, "x")
        idle = runner._pool._idle.get()
        idle.process.kill()
        idle.process.join()
        runner._pool._idle.put(idle)
        assert runner.run(job, public=True).kind == "solutions"
    finally:
        runner.close()
        store.close()
