"""Run SPARQL queries where a runaway one can be killed.

pyoxigraph's Python API cannot interrupt a query, so each query runs in a
worker process (WorkerPool: one pipe per worker, waited on by the request's own
thread); past the time limit the worker is killed (at once, even inside Rust
code) and a fresh one started, and the server itself never stops answering.
The worker first parses the text with rdflib (kg.web.guard): what it may reach
and whether it names its own dataset are read from the parse tree, in a
process that may die of a hostile text; the pass comes back with the answer
and is kept per exact text (guard.Verdicts), so the next job of the same text
carries it and skips the parse. Each worker has an address
space ceiling (RLIMIT_AS), so one query cannot take the machine's memory; a
worker that passes it dies and the client is told which limit it hit.
Workers read the store folder through a `Store.read_only` view, kept between
queries (opening one costs tens of milliseconds on a large store) and opened
afresh when the server has written since (each job carries the store's write
count), so each query sees every write made before it started. Updates are
parsed and tried on an empty in-memory store in a worker too, before the
server's own handle sees them. A remote store needs none of this: the
endpoint evaluates, and RemoteQueryExecutor only sends and checks.
"""

from __future__ import annotations

import contextlib
import csv
import io
import multiprocessing
import os
import pickle
import queue
import resource
import select
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from typing import TypeVar

import pyoxigraph as ox
import requests

from kg.rdf.remote import RemoteError, RemoteStore
from kg.rdf.store import Row, to_result
from kg.web.guard import PARSER_RECURSION, Checked, Refused, Verdicts, check_query, check_update

DEFAULT_WORKERS = 4
# Workers for the server's own queries (graph API, pages), apart from /sparql's: two requests' reads run at once.
OWN_WORKERS = 2
# Address space one query worker may map ($KG_QUERY_MEMORY_MB); a worker idles at about 0.5 GB of it.
DEFAULT_MEMORY_MB = 2048
T = TypeVar("T")
READ_ATTEMPTS = 4
# How long a query may wait for a free worker, beyond its own time limit, before it is given up:
# under a burst the queue drains at the workers' pace; clients wait rather than fail.
QUEUE_GRACE = 30.0
# How long a worker may take to start; its "ready" message says it has.
BOOT_SECONDS = 60.0
READY = "ready"
# The pass the server's own queries carry: it writes them itself from terms pyoxigraph writes (kg.web.graph_view),
# never from a client's text, as SELECTs over the union of the graphs; so no worker parses them with rdflib
# (seconds for a long VALUES list) and they never take room among the kept passes of clients' texts.
OWN_QUERY = Checked("SELECT", names_dataset=False)
JSON_RESULTS = "application/sparql-results+json"


# An answer is serialised once and then counted against the result cap; one larger than this is
# abandoned and the query evaluated again, counting rows before anything is written.
SERIALISED_BUDGET = 64 * 1024 * 1024


@dataclass(frozen=True)
class QueryJob:
    """One query and how its answer should be written."""

    query: str
    tabular_format: str  # media type for SELECT / ASK results
    graph_format: str  # media type for CONSTRUCT / DESCRIBE results
    default_graphs: list[str] | None = None
    named_graphs: list[str] | None = None
    base_iri: str | None = None
    max_results: int = 10_000
    allowed_services: frozenset[str] = frozenset()
    checked: Checked | None = None  # the guard's pass on this very text, when it has parsed it before


@dataclass(frozen=True)
class QueryAnswer:
    media_type: str
    body: bytes
    kind: str  # boolean, solutions, graph
    checked: Checked | None = None  # the guard's pass, for the server to keep
    seconds: float = 0.0  # evaluating and writing it in the worker (the guard's parse not counted)


class QueryFailed(Exception):
    """The query could not be answered; `status` is the HTTP status to send."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(status, message, headers)
        self.status = status
        self.message = message
        self.headers = headers or {}

    def __str__(self) -> str:
        return self.message


def _node(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _dataset_kwargs(job: QueryJob, checked: Checked) -> dict[str, object]:
    """The RDF dataset by the protocol's rules: `default-graph-uri` / `named-graph-uri` when the
    request gives either, else the query's own FROM / FROM NAMED, else the union of all graphs."""
    if job.default_graphs is not None or job.named_graphs is not None:
        return {"default_graph": [_node(g) for g in job.default_graphs or []],
                "named_graphs": [_node(g) for g in job.named_graphs or []]}
    if checked.names_dataset:
        return {}
    return {"use_default_graph_as_union": True}


def _too_many(limit: int) -> QueryFailed:
    return QueryFailed(
        400, f"result limit exceeded: the query gives more than {limit} results; add LIMIT or narrow it"
    )


def answer(store: ox.Store, job: QueryJob) -> QueryAnswer:
    """Check `job` with kg.web.guard (unless it carries the guard's pass on its text), evaluate it on
    `store` and serialise it; the answer carries the pass.

    SyntaxError and QueryFailed pass through; a refusal is a QueryFailed 400.
    """
    checked = job.checked
    if checked is None:
        try:
            checked = check_query(job.query, job.allowed_services)
        except Refused as error:
            raise QueryFailed(400, str(error)) from None
    began = time.perf_counter()
    found = _evaluate(store, job, checked)
    return replace(found, checked=checked, seconds=time.perf_counter() - began)


def _evaluate(store: ox.Store, job: QueryJob, checked: Checked) -> QueryAnswer:
    kwargs = _dataset_kwargs(job, checked)
    result = store.query(job.query, base_iri=job.base_iri, **kwargs)
    if isinstance(result, ox.QueryBoolean):
        fmt = ox.QueryResultsFormat.from_media_type(job.tabular_format)
        return QueryAnswer(fmt.media_type, result.serialize(format=fmt), "boolean")
    if isinstance(result, ox.QueryTriples):
        triples = []
        for triple in result:
            triples.append(triple)
            if len(triples) > job.max_results:
                raise _too_many(job.max_results)
        rdf_format = ox.RdfFormat.from_media_type(job.graph_format)
        return QueryAnswer(rdf_format.media_type, ox.serialize(triples, format=rdf_format), "graph")
    fmt = ox.QueryResultsFormat.from_media_type(job.tabular_format)
    buffer = _BoundedBuffer(SERIALISED_BUDGET)
    try:
        result.serialize(buffer, format=fmt)
    except _TooLarge:
        return _answer_counting_first(store, job, kwargs, fmt)
    body = buffer.getvalue()
    if _rows_at_most(fmt.media_type, body) > job.max_results and _count_rows(fmt.media_type, body)[1] > job.max_results:
        raise _too_many(job.max_results)
    return QueryAnswer(fmt.media_type, body, "solutions")


class _TooLarge(Exception):
    pass


class _BoundedBuffer(io.BytesIO):
    """A bytes buffer that refuses to grow past `budget`, so a huge answer is never held whole."""

    def __init__(self, budget: int) -> None:
        super().__init__()
        self.budget = budget

    def write(self, data: bytes) -> int:  # type: ignore[override]
        if self.tell() + len(data) > self.budget:
            raise _TooLarge
        return super().write(data)


def _answer_counting_first(store: ox.Store, job: QueryJob, kwargs: dict[str, object],
                           fmt: ox.QueryResultsFormat) -> QueryAnswer:
    """Count the solutions before writing any: for answers too large to serialise on trust."""
    for count, _ in enumerate(store.query(job.query, base_iri=job.base_iri, **kwargs), start=1):
        if count > job.max_results:
            raise _too_many(job.max_results)
    again = store.query(job.query, base_iri=job.base_iri, **kwargs)
    return QueryAnswer(fmt.media_type, again.serialize(format=fmt), "solutions")


def _worker_init(memory_mb: int) -> None:
    """Let SIGTERM (a service manager stopping the server's process group) end a worker at once, even
    in the middle of a Rust call; cap its address space; let rdflib's parser recurse as deep as the
    guard allows."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    sys.setrecursionlimit(PARSER_RECURSION)


# This worker process's read-only view: (folder, store version it was opened at, view).
_view: tuple[str, int, ox.Store] | None = None
# The version a job carries while a write is under way (kg.web.app): a view opened then may or may not hold
# the write, so two views with the same label could differ and a client going from one worker to another
# would see the store go back in time. Such a view is never kept.
WRITING = -1


def _read_view(location: str, version: int) -> ox.Store:
    """The kept view of `location`, or a fresh one when the store was written since it was opened or is
    being written now (`WRITING`)."""
    global _view
    if version == WRITING or _view is None or _view[:2] != (location, version):
        _view = None  # release the old view's files before opening the new one
        _view = (location, version, ox.Store.read_only(location))
    return _view[2]


def _run_in_worker(location: str, version: int, job: QueryJob) -> QueryAnswer | QueryFailed:
    """Answer on the worker's read-only view; retried on a fresh view when the writer moved files under it.

    A read-only RocksDB view opened while the server's read-write handle
    rewrites its manifest (at start-up, after an update) or compacts can miss
    a file; a new view a moment later sees the new files.
    """
    global _view
    for attempt in range(READ_ATTEMPTS):
        try:
            return answer(_read_view(location, version), job)
        except SyntaxError as error:
            return QueryFailed(400, f"syntax error: {error}")
        except QueryFailed as error:
            return error
        except MemoryError:
            return _out_of_memory()
        except ValueError as error:
            return QueryFailed(400, f"query failed: {error}")
        except (OSError, RuntimeError) as error:  # storage errors: worth a fresh view
            _view = None
            if attempt + 1 == READ_ATTEMPTS:
                return QueryFailed(503, f"the store could not be read just now, try again: {error}",
                                   {"Retry-After": "1"})
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def _memory_mb() -> int:
    return int(os.environ.get("KG_QUERY_MEMORY_MB", DEFAULT_MEMORY_MB))


def _out_of_memory() -> QueryFailed:
    return QueryFailed(503, f"memory limit exceeded: the query needed more than the {_memory_mb()} MB "
                            "a query may use and was stopped; narrow it", {"Retry-After": "1"})


def _try_update(text: str, allowed: frozenset[str]) -> QueryFailed | None:
    """Parse an update with rdflib (refusing what reaches outside) and run it on an empty in-memory
    store, so pyoxigraph's parser has read the very text in a worker before the server's handle does."""
    try:
        check_update(text, allowed)
        ox.Store().update(text)
    except Refused as error:
        return QueryFailed(400, str(error))
    except SyntaxError as error:
        return QueryFailed(400, f"syntax error: {error}")
    except MemoryError:
        return _out_of_memory()
    except (OSError, RuntimeError, ValueError):
        pass  # evaluation on an empty store may fail where the real one will not ("no such graph")
    return None


def _stopped(exitcode: int | None) -> QueryFailed:
    """Why a worker died: an allocation past RLIMIT_AS aborts a Rust worker (SIGABRT)."""
    if exitcode in (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS):
        return _out_of_memory() if exitcode == -signal.SIGABRT else QueryFailed(
            503, "the query worker crashed on this request (too deep or too large?); it was abandoned",
            {"Retry-After": "1"})
    return QueryFailed(503, "the query worker stopped unexpectedly; the query was abandoned", {"Retry-After": "1"})


def _warm(location: str, version: int) -> None:
    """Open the store's read-only view before the first query needs it (rdflib's grammar comes ready
    from the forkserver: kg.web.parser_warmup)."""
    with contextlib.suppress(OSError, RuntimeError):  # the writer moving files: the first query retries
        _read_view(location, version)


def _serve(conn: Connection, memory_mb: int, location: str, version: int) -> None:
    """A worker's loop: warmed, it says so, then takes one (function, args) at a time from the pipe and
    sends back its result (or exception)."""
    _worker_init(memory_mb)
    _warm(location, version)
    conn.send(READY)
    while True:
        try:
            function, args = conn.recv()
        except EOFError:  # the server closed its end
            return
        try:
            reply: tuple[bool, object] = (True, function(*args))
        except Exception as error:  # noqa: BLE001 (handed to the caller, who raises it)
            reply = (False, error)
        try:
            conn.send(reply)
        except (pickle.PicklingError, TypeError, AttributeError) as error:
            conn.send((False, RuntimeError(f"the worker's answer could not be sent back: {error}")))


class _Worker:
    """One worker process and the server's end of its pipe."""

    def __init__(self, context: multiprocessing.context.BaseContext, memory_mb: int, location: str,
                 version: int) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, memory_mb, location, version), daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self._readable = select.poll()  # kept: multiprocessing's Connection.poll builds a selector each call
        self._readable.register(self.conn.fileno(), select.POLLIN)

    def answered(self, timeout: float) -> bool:
        """True once the pipe can be read (an answer, or end of file when the worker died) within `timeout` s."""
        return bool(self._readable.poll(max(timeout, 0.0) * 1000))

    def wait_ready(self) -> bool:
        """Wait (up to BOOT_SECONDS) for the worker to have started and warmed; False when it did not."""
        if not self.ready:
            try:
                self.ready = self.answered(BOOT_SECONDS) and self.conn.recv() == READY
            except (EOFError, OSError):
                return False
        return self.ready

    def stop(self) -> int | None:
        """Kill the process (at once, even inside Rust code) and answer its exit code."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()
        return self.process.exitcode


class WorkerPool:
    """Killable worker processes, each on a pipe of its own, handed out one request at a time.

    The request's own server thread sends the call and waits on the pipe, so a
    query costs one round trip and no thread hand-offs (pebble's pool passed
    each task through two manager threads and a shared queue: ~1.5 ms a call
    here against ~0.3 ms). A call that outlives its time limit gets its worker
    killed; a worker that dies is read by its exit code. Either is replaced by
    a fresh worker that joins the idle ones only once it says it is ready, so
    no caller waits on a booting worker while a ready one is idle.
    """

    def __init__(self, size: int, memory_mb: int, context: multiprocessing.context.BaseContext, location: str,
                 version: Callable[[], int]) -> None:
        self.memory_mb = memory_mb
        self.location = location
        self.version = version
        self._context = context
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()  # the warmest worker first
        self._closed = False
        self._workers: set[_Worker] = set()
        workers = [self._start() for _ in range(size)]
        for worker in workers:  # every worker up before the first query, so no time limit is spent booting
            if not worker.wait_ready():
                raise RuntimeError(f"a query worker did not start within {BOOT_SECONDS} s")
            self._idle.put(worker)

    def _start(self) -> _Worker:
        worker = _Worker(self._context, self.memory_mb, self.location, self.version())
        self._workers.add(worker)
        return worker

    def _replace(self, old: _Worker) -> int | None:
        """Kill `old` and start its replacement in the background; `old`'s exit code."""
        exitcode = old.stop()
        self._workers.discard(old)
        if not self._closed:
            threading.Thread(target=self._admit, args=(self._start(),), daemon=True).start()
        return exitcode

    def _admit(self, worker: _Worker) -> None:
        if worker.wait_ready():
            self._idle.put(worker)
        elif not self._closed:
            time.sleep(1.0)  # a worker that cannot start: try again, not in a tight loop
            self._replace(worker)

    def _take(self, what: str) -> _Worker:
        """An idle worker (one found dead while idle is replaced), or 503 after QUEUE_GRACE."""
        deadline = time.monotonic() + QUEUE_GRACE
        while True:
            try:
                worker = self._idle.get(timeout=max(deadline - time.monotonic(), 0.0))
            except queue.Empty:
                raise QueryFailed(503, f"busy: the {what} waited {QUEUE_GRACE:g} s for a free worker; try again",
                                  {"Retry-After": "5"}) from None
            if not worker.answered(0):  # an idle worker's pipe reads only when it has died
                return worker
            self._replace(worker)

    def call(self, function: Callable[..., T], args: tuple, *, timeout: float, what: str) -> T:
        """`function(*args)` in a worker, or QueryFailed 503: no worker free within QUEUE_GRACE, past
        `timeout` (counted from when the worker got the call), or the worker died."""
        worker = self._take(what)
        settled = False
        try:
            try:
                worker.conn.send((function, args))
                if not worker.answered(timeout):
                    self._replace(worker)
                    settled = True
                    raise QueryFailed(503, f"time limit exceeded: the {what} ran longer than {timeout:g} s "
                                           "and was stopped", {"Retry-After": "1"})
                ok, value = worker.conn.recv()
            except (EOFError, OSError):
                exitcode = self._replace(worker)
                settled = True
                raise _stopped(exitcode) from None
            self._idle.put(worker)
            settled = True
            if not ok:
                raise value  # type: ignore[misc]
            return value  # type: ignore[return-value]
        finally:
            if not settled:  # interrupted mid-call: the pipe may still hold an answer meant for this caller
                self._replace(worker)

    def close(self) -> None:
        """Kill every worker, busy ones too (a runaway query ends with the server)."""
        self._closed = True
        for worker in list(self._workers):
            worker.stop()


class QueryExecutor:
    """Killable worker processes answering queries on one store folder."""

    def __init__(self, location: str, *, timeout: float = 10.0, workers: int | None = None,
                 version: Callable[[], int] = lambda: 0) -> None:
        """`version()` is the store's current write count (EmbeddedStore.version), or WRITING while a write is
        under way."""
        self.location = location
        self.version = version
        self.timeout = timeout
        self.verdicts = Verdicts()
        # Workers fork from a clean, single-threaded server process that has already
        # imported pyoxigraph, so a killed worker is replaced in milliseconds.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__, "kg.web.parser_warmup"])
        self.workers = workers or int(os.environ.get("KG_QUERY_WORKERS", DEFAULT_WORKERS))
        self.memory_mb = _memory_mb()
        self._pool = WorkerPool(self.workers, self.memory_mb, context, location, version)
        # The server's own queries (graph API, pages) have workers of their own: /sparql never delays them.
        self._internal = WorkerPool(OWN_WORKERS, self.memory_mb, context, location, version)

    def run(self, job: QueryJob, *, public: bool = False) -> QueryAnswer:
        """Answer `job` or raise QueryFailed (400 bad query, 503 past a limit).

        `public` queries (/sparql) share the pool; the server's own (graph API)
        use their own worker. The time limit counts from the moment a worker
        gets the query; one that cannot even start within QUEUE_GRACE is given
        up. A text the guard passed before is sent with its verdict, so the
        worker skips rdflib's parse; a first pass is kept for the next time.
        A job that carries its pass (OWN_QUERY) is neither looked up nor kept.
        """
        if job.checked is None and (kept := self.verdicts.get(job.query, job.allowed_services)) is not None:
            job = replace(job, checked=kept)
        pool = self._pool if public else self._internal
        outcome = pool.call(_run_in_worker, (self.location, self.version(), job), timeout=self.timeout,
                            what="query")
        if isinstance(outcome, QueryFailed):
            raise outcome
        if job.checked is None and outcome.checked is not None:
            self.verdicts.put(job.query, job.allowed_services, outcome.checked)
        return outcome

    def check_update(self, text: str, allowed: frozenset[str]) -> None:
        """Refuse (QueryFailed) an update that reaches outside or does not parse, deciding in a worker."""
        outcome = self._pool.call(_try_update, (text, allowed), timeout=self.timeout, what="update check")
        if isinstance(outcome, QueryFailed):
            raise outcome

    def call(self, function: Callable[..., T], *args: object, timeout: float = 120.0) -> T:
        """Run a picklable function in a worker: heavy Python work kept off the server's GIL."""
        return self._pool.call(function, args, timeout=timeout, what="call")

    def close(self) -> None:
        for pool in (self._pool, self._internal):
            pool.close()


# A mark every solution after the first begins with in each results syntax; it may also occur inside a
# literal (not in XML, which escapes "<"), so its count bounds the number of solutions from above.
_ROW_MARKS = {
    "application/sparql-results+json": (b"},{", 1),
    "application/sparql-results+xml": (b"<result>", 0),
    "text/csv": (b"\n", 0),
    "text/tab-separated-values": (b"\n", 0),
}


def _rows_at_most(media_type: str, body: bytes) -> int:
    """An upper bound on the solutions in a serialised answer, from one byte count: parsing the answer
    to count exactly is needed only when this bound is over the cap."""
    mark, extra = _ROW_MARKS.get(media_type.split(";")[0].strip().lower(), (None, 0))
    return body.count(mark) + extra if mark is not None else len(body)


def _count_rows(media_type: str, body: bytes) -> tuple[str, int]:
    """(kind, number of results) of an endpoint's answer, read the way the embedded path counts."""
    media = media_type.split(";")[0].strip().lower()
    if media == "text/csv":  # pyoxigraph writes CSV but cannot read it; the header row is not a result
        return "solutions", max(len(list(csv.reader(io.StringIO(body.decode("utf-8"))))) - 1, 0)
    tabular = ox.QueryResultsFormat.from_media_type(media)
    if tabular is not None:
        results = ox.parse_query_results(body, format=tabular)
        if isinstance(results, ox.QueryBoolean):
            return "boolean", 1
        return "solutions", sum(1 for _ in results)
    rdf_format = ox.RdfFormat.from_media_type(media)
    if rdf_format is None:
        raise QueryFailed(502, f"the SPARQL endpoint answered with an unexpected content type {media!r}")
    return "graph", sum(1 for _ in ox.parse(body, format=rdf_format))


def _shut(sock: socket.socket | None) -> None:
    """End reads blocked on `sock` in other threads (closing alone would not wake them)."""
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


class RemoteQueryExecutor:
    """Answers queries on a remote SPARQL 1.1 endpoint: the same interface as QueryExecutor.

    The remote engine does the work, so no worker pool is needed: the time
    limit covers the whole exchange, from sending the query to the last byte
    of the answer (the client gets the same 503; the endpoint may go on
    evaluating, which only it can stop), the answer is read no further than
    SERIALISED_BUDGET, the endpoint is asked for the negotiated format, and the
    answer is parsed once to apply the same result cap as the embedded path.
    """

    def __init__(self, store: RemoteStore, *, timeout: float = 10.0) -> None:
        self.timeout = timeout
        self.verdicts = Verdicts()
        self.workers = 0  # no local workers: no query borrows beyond its client's share (kg.web.fairness)
        # A handle of its own whose HTTP timeout is the query time limit; writes keep the store's.
        self._remote = RemoteStore(store.query_url, timeout=timeout)
        self._remote.session.headers.update(store.session.headers)

    def _past_limit(self) -> QueryFailed:
        return QueryFailed(503, f"time limit exceeded: the query ran longer than {self.timeout:g} s and was stopped",
                           {"Retry-After": "1"})

    def _read(self, response: requests.Response, deadline: float) -> bytes:
        """The answer's body, given up past the deadline or the size budget.

        A read blocks until its chunk is full, so at the deadline a timer shuts
        the connection's socket: the blocked read ends and the limit applies
        even to an answer that trickles in. (An answer delimited by closing the
        connection has no socket left to shut: its reads keep the per-read timeout.)
        """
        sock = getattr(getattr(response.raw, "connection", None), "sock", None)
        timer = threading.Timer(max(deadline - time.monotonic(), 0.0), _shut, args=(sock,))
        timer.start()
        body = bytearray()
        try:
            for chunk in response.iter_content(chunk_size=1 << 16):
                body += chunk
                if time.monotonic() >= deadline:
                    raise self._past_limit()
                if len(body) > SERIALISED_BUDGET:
                    raise QueryFailed(400, f"the answer is larger than {SERIALISED_BUDGET >> 20} MB; "
                                           "add LIMIT or narrow the query")
        except requests.RequestException:
            if time.monotonic() >= deadline:
                raise self._past_limit() from None
            raise
        finally:
            timer.cancel()
            response.close()
        if time.monotonic() >= deadline:
            raise self._past_limit()
        return bytes(body)

    def check_update(self, text: str, allowed: frozenset[str]) -> None:
        """Refuse an update that reaches outside; the endpoint itself parses and evaluates it."""
        try:
            check_update(text, allowed)
        except Refused as error:
            raise QueryFailed(400, str(error)) from None
        except SyntaxError as error:
            raise QueryFailed(400, f"syntax error: {error}") from None

    def run(self, job: QueryJob, *, public: bool = False) -> QueryAnswer:
        """Answer `job` or raise QueryFailed (400 bad query, 503 past the time limit or endpoint down)."""
        if job.checked is None and self.verdicts.get(job.query, job.allowed_services) is None:
            try:
                self.verdicts.put(job.query, job.allowed_services, check_query(job.query, job.allowed_services))
            except Refused as error:
                raise QueryFailed(400, str(error)) from None
            except SyntaxError as error:
                raise QueryFailed(400, f"syntax error: {error}") from None
        query = f"BASE <{job.base_iri}>\n{job.query}" if job.base_iri else job.query
        accept = f"{job.tabular_format}, {job.graph_format};q=0.9"
        deadline = time.monotonic() + self.timeout
        try:
            response = self._remote.query_response(query, accept, default_graph=job.default_graphs,
                                                   named_graphs=job.named_graphs)
            media = response.headers.get("content-type", "application/octet-stream")
            body = self._read(response, deadline)
        except SyntaxError as error:
            raise QueryFailed(400, f"syntax error: {error}") from None
        except requests.Timeout:
            raise self._past_limit() from None
        except requests.ConnectionError as error:
            raise QueryFailed(503, f"the SPARQL endpoint could not be reached, try again: {error}",
                              {"Retry-After": "1"}) from None
        except RemoteError as error:
            raise QueryFailed(502, f"the SPARQL endpoint refused the query: {error}") from None
        kind, count = _count_rows(media, body)
        if count > job.max_results:
            raise _too_many(job.max_results)
        return QueryAnswer(media.split(";")[0].strip(), body, kind)

    def close(self) -> None:
        self._remote.close()


def own_rows(executor: QueryExecutor | RemoteQueryExecutor, sparql: str) -> list[Row]:
    """The rows of one of the server's own SELECTs (kg.web.graph_view), in Store.query's shape, run where
    /sparql queries run and under the same time limit: a worker of its own on the embedded store (killed past
    the limit), the endpoint for a remote one; QueryFailed (503 "time limit exceeded", ...) when it cannot be
    answered. Uncapped, as the store's own query was: the server's queries bound their answers themselves."""
    job = QueryJob(sparql, tabular_format=JSON_RESULTS, graph_format="application/n-triples",
                   max_results=sys.maxsize, checked=OWN_QUERY)
    found = executor.run(job)
    fmt = ox.QueryResultsFormat.from_media_type(found.media_type)
    if fmt is None:
        raise QueryFailed(502, f"the SPARQL endpoint answered with an unexpected content type {found.media_type!r}")
    rows = to_result(ox.parse_query_results(found.body, format=fmt))
    assert isinstance(rows, list)
    return rows
