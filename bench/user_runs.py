"""What users run, each figure beside its anchor measured in the same run (issue 17).

`python -m bench.user_runs --size 5MB` generates (or reuses) a corpus, then:

* extraction: `process_file` over a sample of its pages vs jieba's precise cut
  (`jieba.lcut`) of the same text, both in CPU seconds of this process;
* ingest: `kg ingest --jobs N` wall time and peak RSS vs `pyoxigraph`
  `Store.bulk_load` of the very quads it stored (exported to N-Quads first),
  store size on disk vs the text, quads per claim;
* queries: the SPARQL editor's examples (kg/web/static/queries/*.rq) and the
  two queries the browser sends itself (read out of kg/web/static/js/api.js)
  through `kg serve`'s /sparql vs `oxigraph serve-read-only` on the same store
  (union default graph); every graph-API call the browser makes
  (js/app.js through js/api.js, with the limits it sends) for the busiest
  region, agency, program and metric, on `kg serve`; 16 clients sending a
  light query to both servers.

Runs alternate between the two servers so both meet the same machine load. Each
figure is appended to a JSON lines file (`--log`) and printed the moment it is
measured, and a request with no answer within `--timeout` is recorded as such
and the run goes on, so a size where some call falls off a cliff still reports
everything else. At the end it prints a JSON report and a Markdown section for
bench/RESULTS.md. `--parts` times only some of it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import pyoxigraph as ox

from bench import ROOT, PeakRSS, bulk_load_anchor, load_average, machine, median, percentile
from bench.corpus import parse_size
from bench.extraction_speed import extraction_vs_jieba, sample
from bench.ingest_scale import corpus_of
from bench.load import stop_process

QUERIES = ROOT / "kg" / "web" / "static" / "queries"
RESULTS = ROOT / "bench" / "RESULTS.md"
API_JS = ROOT / "kg" / "web" / "static" / "js" / "api.js"
JSON_RESULTS = "application/sparql-results+json"
LIGHT = "SELECT ?s WHERE { ?s a <https://kg.example.org/ontology#Region> } LIMIT 1"
BUSY = """SELECT ?x (COUNT(?c) AS ?n) WHERE {
  { SELECT ?c WHERE { ?c a <https://kg.example.org/ontology#Claim> } LIMIT 2000 }
  ?c <https://kg.example.org/ontology#%s> ?x } GROUP BY ?x ORDER BY DESC(?n) LIMIT 1"""


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Client:
    """One keep-alive connection (standard library), so the figures hold the server's cost."""

    def __init__(self, port: int, timeout: float = 120, source: str | None = None) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                                     source_address=(source, 0) if source else None)

    def get(self, path: str, params: dict[str, Any], accept: str = "application/json") -> tuple[float, bytes, int]:
        started = time.perf_counter()
        self.connection.request("GET", f"{path}?{urllib.parse.urlencode(params)}", headers={"Accept": accept})
        response = self.connection.getresponse()
        body = response.read()
        return time.perf_counter() - started, body, response.status


class Log:
    """Each figure written as soon as it is measured: one JSON line appended to `path` (flushed) and printed to
    stderr, so a run that dies, or a call that never answers, still leaves every figure measured before it."""

    def __init__(self, path: Path | None, size: str) -> None:
        self.path, self.size = path, size
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)

    def write(self, section: str, name: str, figures: dict[str, Any]) -> dict[str, Any]:
        line = json.dumps({"when": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), "size": self.size,
                           "section": section, "name": name, **figures, "load_average": load_average()},
                          ensure_ascii=False)
        if self.path is not None:
            with self.path.open("a", encoding="utf-8") as out:
                out.write(line + "\n")
        print(line, file=sys.stderr, flush=True)
        return figures


def no_answer(error: Exception, timeout: float, who: str = "") -> dict[str, Any]:
    """The record of a request that got no answer: the client's timeout, or the connection dropped."""
    prefix = f"{who}: " if who else ""
    if isinstance(error, TimeoutError):
        return {"status": "timeout", "error": f"{prefix}no answer within {timeout:g} s"}
    return {"status": "failed", "error": f"{prefix}{type(error).__name__}: {error}"}


NO_ANSWER = (OSError, http.client.HTTPException)  # a timeout is an OSError too


def _wait(port: int, path: str, process: subprocess.Popen, params: dict[str, str]) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            if Client(port, 5).get(path, params)[2] == 200:
                return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"server on port {port} did not start")
        time.sleep(0.3)


@contextmanager
def servers(store: Path, kg_env: dict[str, str] | None = None, started: list[subprocess.Popen] | None = None):
    """`kg serve` (with `kg_env` added to its environment) and `oxigraph serve-read-only` on the same store
    folder: yields (kg port, oxigraph port); their processes are appended to `started` when given."""
    kg_port, ox_port = free_port(), free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KG_STORE": str(store), **(kg_env or {})}
    command = [sys.executable, "-m", "kg.cli", "serve", "--store", str(store), "--port", str(kg_port),
               "--timeout", "60"]
    if any(name.startswith("GRANIAN_") for name in kg_env or {}):
        command = [str(Path(sys.executable).parent / "granian"), "--interface", "wsgi", "--factory", "--no-ws",
                   "--port", str(kg_port), "bench.user_runs:granian_app"]
    kg = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    oxi = subprocess.Popen([binary, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{ox_port}"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if started is not None:
        started += [kg, oxi]
    try:
        _wait(kg_port, "/sparql", kg, {"query": "ASK {}"})
        _wait(ox_port, "/query", oxi, {"query": "ASK {}"})
        yield kg_port, ox_port
    finally:
        for process in (kg, oxi):
            stop_process(process)


def granian_app():
    """The app as `kg serve` serves it ($KG_STORE, the lean /sparql path in front), for granian (a Rust HTTP
    server on PyPI) to serve in a comparison: a variant with a GRANIAN_* setting runs it. Bench only: waitress's
    body limits by path and security headers on its own error answers (kg.web.serving) are not carried over."""
    from kg.rdf.store import open_store
    from kg.web.app import create_app
    from kg.web.sparql_lean import LeanSparql

    store = open_store(os.environ["KG_STORE"])
    store.flush_writes = True  # type: ignore[attr-defined]
    return LeanSparql(create_app(store, query_timeout=60.0))


def editor_queries() -> dict[str, str]:
    """The SPARQL editor's examples and any SELECT the browser sends itself (from js/api.js), by name."""
    found = {path.stem: path.read_text(encoding="utf-8") for path in sorted(QUERIES.glob("*.rq"))}
    for name, text in re.findall(r"const (\w+) = `([^`]*)`", API_JS.read_text(encoding="utf-8")):
        found[f"browser: {name}"] = text
    return found


def aggregate_queries() -> dict[str, str]:
    """The whole-store aggregates the summaries kept at ingest replace (kg.rdf.summaries.SPARQL: the start
    page's and the conflicts view's figures), by name: they grow with the store by design."""
    from kg.rdf.summaries import SPARQL

    return {f"aggregate: {name} (what the summaries replace)": SPARQL[name] % limit
            for name, limit in (("busiest", 15), ("comparable", 60), ("conflicts", 101))}


def _rows(body: bytes) -> list[dict]:
    return json.loads(body)["results"]["bindings"]


def time_sparql(kg_port: int, ox_port: int, sparql: str, runs: int, timeout: float) -> dict[str, Any]:
    """p50/p95 of one query on both servers, alternating; a server that does not answer within `timeout`
    (or drops the connection) is reported as such, and the next query gets fresh connections."""
    kg, oxi = Client(kg_port, timeout), Client(ox_port, timeout)
    kg_times, ox_times, rows = [], [], 0
    for run in range(runs + 1):  # the first run warms the caches and is not counted
        try:
            seconds, body, status = kg.get("/sparql", {"query": sparql}, JSON_RESULTS)
        except NO_ANSWER as error:
            return no_answer(error, timeout, "kg serve")
        if status != 200:
            return {"status": status, "error": body[:300].decode(errors="replace")}
        try:
            ox_seconds, _, _ = oxi.get("/query", {"query": sparql, "union-default-graph": ""}, JSON_RESULTS)
        except NO_ANSWER as error:
            return no_answer(error, timeout, f"oxigraph (kg serve: {seconds * 1e3:.0f} ms)")
        rows = len(_rows(body))
        if run:
            kg_times.append(seconds)
            ox_times.append(ox_seconds)
    return {"rows": rows, "kg_p50": median(kg_times), "kg_p95": percentile(kg_times, 95),
            "ox_p50": median(ox_times), "ox_p95": percentile(ox_times, 95)}


Params = dict[str, Any]


@dataclass
class Call:
    """One graph-API request as the browser sends it. `params` may be a function of a client that works them
    out from another answer (a node's largest group, a claim of a node): it is asked when the call is timed, so
    its failure is that call's failure, not the run's."""

    path: str
    params: Params | Callable[[Client], Params] = field(default_factory=dict)


def _answer(kg: Client, path: str, params: Params) -> Any:
    seconds, body, status = kg.get(path, params)
    if status != 200:
        raise RuntimeError(f"{path} answered HTTP {status}: {body[:200].decode(errors='replace')}")
    return json.loads(body)


def busiest(kg: Client) -> dict[str, str]:
    """The busiest region, agency, program and metric among a sample of claims (a bounded query, so the pick
    costs the same at every size); a link no claim has is left out."""
    busy = {}
    for link in ("region", "agency", "program", "metric"):
        rows = _rows(kg.get("/sparql", {"query": BUSY % link}, JSON_RESULTS)[1])
        if rows:
            busy[link] = rows[0]["x"]["value"]
    return busy


def graph_calls(busy: dict[str, str]) -> dict[str, Call]:
    """The browser's graph-API calls (js/app.js through js/api.js, with its limits) for the busiest region,
    agency, program and metric: opening one (its first 20 groups, its panel's head and first 500 claims), its
    next 20 groups, expanding its largest group (40 claims, then the panel's 500), a claim and an article of it
    (neighbourhood and panel); a metric's comparison and map claims; a program's page; and the start, search
    and conflicts views, which take no node."""
    calls = {
        "search 县 (one character)": Call("/api/graph/search", {"q": "县", "limit": 20}),
        "search 教育局": Call("/api/graph/search", {"q": "教育局", "limit": 20}),
        "overview: busiest entities (start page)": Call("/api/graph/overview", {"metrics": 0}),
        "overview: comparable metrics (start page)": Call("/api/graph/overview", {"entities": 0}),
        "conflicts, dated (the browser's conflicts view)": Call("/api/graph/conflicts/dated"),
    }
    for kind, iri in busy.items():
        calls |= {
            f"groups (busy {kind}: 40 neighbours, 20 groups)": Call("/api/graph/groups",
                                                                    {"iri": iri, "limit": 40, "groups": 20}),
            f"groups page (busy {kind}: the next 20 groups)": Call("/api/graph/groups/page",
                                                                  {"iri": iri, "offset": 20, "groups": 20}),
            f"node (busy {kind}, panel head)": Call("/api/graph/node", {"iri": iri, "limit": 1}),
            f"claims (busy {kind}, 500)": Call("/api/graph/claims", {"iri": iri, "limit": 500}),
            f"claims of its largest group (busy {kind}, 40)": Call("/api/graph/claims", largest_group(iri, 40)),
            f"claims of its largest group (busy {kind}, 500)": Call("/api/graph/claims", largest_group(iri, 500)),
        }
    if "region" in busy:
        claim, article = first_claim(busy["region"], "iri"), first_claim(busy["region"], "article_iri")
        calls |= {
            "neighborhood (a claim of the busy region, depth 1, 300)": Call("/api/graph/neighborhood",
                                                                            _hood(claim)),
            "node (a claim of the busy region)": Call("/api/graph/node", claim),
            "neighborhood (its article, depth 1, 300)": Call("/api/graph/neighborhood", _hood(article)),
            "node (its article)": Call("/api/graph/node", article),
        }
    if "metric" in busy:
        calls |= {
            "compare (busy metric, 500)": Call("/api/graph/compare", {"metric": busy["metric"], "limit": 500}),
            "claims (busy metric, 2000: the map)": Call("/api/graph/claims", {"iri": busy["metric"], "limit": 2000}),
        }
    if "program" in busy:
        calls["programs (busy program)"] = Call("/api/graph/programs", {"iri": busy["program"]})
    return calls


def largest_group(iri: str, limit: int) -> Callable[[Client], Params]:
    """The parameters the browser sends when the largest claim group of a node is opened."""
    def params(kg: Client) -> Params:
        found = _answer(kg, "/api/graph/groups", {"iri": iri, "groups": 1})["groups"]
        return {"iri": iri, "key": found[0]["key"], "year": found[0]["year"], "limit": limit} if found else \
            {"iri": iri, "limit": limit}
    return params


def first_claim(iri: str, field_name: str) -> Callable[[Client], Params]:
    """`{"iri": …}` of the node's first claim by IRI (or of that claim's article)."""
    def params(kg: Client) -> Params:
        claims = _answer(kg, "/api/graph/claims", {"iri": iri, "limit": 1})["claims"]
        if not claims or not claims[0].get(field_name):
            raise RuntimeError(f"{iri} has no claim with {field_name}")
        return {"iri": claims[0][field_name]}
    return params


def _hood(params: Callable[[Client], Params]) -> Callable[[Client], Params]:
    return lambda kg: {**params(kg), "depth": 1, "limit": 300}


def time_calls(port: int, calls: dict[str, Call], runs: int, timeout: float,
               log: Log | None = None) -> dict[str, Any]:
    """p50/p95 of each call over `runs` (after one warm-up), each written to `log` as it is measured; a call
    with no answer within `timeout` (or whose parameters could not be worked out) is recorded as such and the
    next call goes on, on a fresh connection."""
    found: dict[str, Any] = {}
    for name, call in calls.items():
        client, times, record = Client(port, timeout), [], None
        try:
            params = call.params(client) if callable(call.params) else call.params
        except NO_ANSWER as error:
            record = no_answer(error, timeout, "working out its parameters")
        except (RuntimeError, KeyError, IndexError, ValueError) as error:
            record = {"status": "failed", "error": f"working out its parameters: {error}"}
        for run in range(runs + 1 if record is None else 0):
            try:
                seconds, body, status = client.get(call.path, params)
            except NO_ANSWER as error:
                record = no_answer(error, timeout)
                break
            if status != 200:
                record = {"status": status, "error": body[:300].decode(errors="replace")}
                break
            if run:
                times.append(seconds)
        if record is None:
            record = {"p50": median(times), "p95": percentile(times, 95), "bytes": len(body), "runs": runs}
        found[name] = log.write("graph_api", name, record) if log else record
    return found


def throughput(port: int, path: str, params: dict[str, str], clients: int, seconds: float,
               distinct: bool = False) -> float:
    """Requests per second answered for `clients` threads, each on its own keep-alive connection.

    All from 127.0.0.1, the clients share one client's fair share of /sparql
    (kg.web.fairness: two queries at a time); `distinct` gives each its own
    source address (127.0.0.2, 127.0.0.3, ...: Linux routes all of 127/8 to
    loopback), as users on different machines would be.
    """
    stop = time.monotonic() + seconds
    counts = [0] * clients

    def run(n: int) -> None:
        client = Client(port, source=f"127.0.0.{n + 2}" if distinct else None)
        while time.monotonic() < stop:
            if client.get(path, params, JSON_RESULTS)[2] == 200:
                counts[n] += 1

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / seconds


def cpu_seconds(pid: int) -> tuple[float, float]:
    """(user + system CPU seconds of process `pid`, of its live descendants: kg serve's query workers)."""
    root = psutil.Process(pid)
    below = 0.0
    for child in root.children(recursive=True):
        try:
            below += sum(child.cpu_times()[:2])
        except psutil.Error:
            continue
    return sum(root.cpu_times()[:2]), below


def serving(store: Path, variants: list[str], clients: int, seconds: float, rounds: int) -> list[dict[str, Any]]:
    """The light query's latency and `clients`' throughput on `kg serve` beside `oxigraph serve-read-only`, for
    each variant of the server's settings ("name" or "name:VAR=value,VAR=value"), each variant's servers
    started afresh and measured in `rounds` turns (kg, oxigraph, kg, oxigraph …) with the load average."""
    found = []
    for variant in variants:
        name, _, settings = variant.partition(":")
        env = dict(pair.split("=", 1) for pair in settings.split(",") if pair)
        started: list[subprocess.Popen] = []
        with servers(store, env, started) as (kg_port, ox_port):
            kg_pid, ox_pid = (process.pid for process in started)
            for _ in range(rounds):
                light = time_sparql(kg_port, ox_port, LIGHT, 200, 60)
                row: dict[str, Any] = {"variant": name, "env": env, "kg_p50": light["kg_p50"],
                                       "ox_p50": light["ox_p50"]}
                for distinct in (False, True):
                    suffix = " distinct" if distinct else ""
                    before = cpu_seconds(kg_pid)
                    row["kg" + suffix] = throughput(kg_port, "/sparql", {"query": LIGHT}, clients, seconds, distinct)
                    after = cpu_seconds(kg_pid)
                    ox_before = cpu_seconds(ox_pid)[0]
                    row["oxigraph" + suffix] = throughput(ox_port, "/query", {"query": LIGHT,
                                                                              "union-default-graph": ""},
                                                          clients, seconds, distinct)
                    ox_cpu = cpu_seconds(ox_pid)[0] - ox_before
                requests = {"kg": row["kg distinct"] * seconds, "oxigraph": row["oxigraph distinct"] * seconds}
                row["kg_cpu_ms"] = (after[0] - before[0]) / requests["kg"] * 1e3
                row["kg_workers_cpu_ms"] = (after[1] - before[1]) / requests["kg"] * 1e3
                row["ox_cpu_ms"] = ox_cpu / requests["oxigraph"] * 1e3
                row["load_average"] = load_average()
                print(json.dumps(row), file=sys.stderr)
                found.append(row)
    return found


def render_serving(rows: list[dict[str, Any]], clients: int, when: str) -> str:
    lines = [f"Light query `{LIGHT}` ({when}); each row one turn, `kg serve` and `oxigraph serve-read-only` "
             "measured in turn on the same store.", "",
             f"| kg serve variant | light p50 kg / oxigraph ms | {clients} clients, one address, req/s kg / oxigraph "
             f"(ratio) | {clients} clients, own addresses (ratio) | CPU ms per request (own addresses): kg server "
             "process + its workers / oxigraph | load average |", "|---|---|---|---|---|---|"]
    for r in rows:
        settings = ", ".join(f"{k}={v}" for k, v in r["env"].items()) or "defaults"
        lines.append(f"| {r['variant']} ({settings}) | {ms(r['kg_p50'])} / {ms(r['ox_p50'])} | "
                     f"{r['kg']:.0f} / {r['oxigraph']:.0f} ({r['kg'] / r['oxigraph']:.2f}×) | "
                     f"{r['kg distinct']:.0f} / {r['oxigraph distinct']:.0f} "
                     f"({r['kg distinct'] / r['oxigraph distinct']:.2f}×) | {r['kg_cpu_ms']:.2f} + "
                     f"{r['kg_workers_cpu_ms']:.2f} / {r['ox_cpu_ms']:.2f} | {r['load_average']:.1f} |")
    return "\n".join(lines)


def ingest(corpus: Path, store: Path, jobs: int) -> dict[str, Any]:
    """`kg ingest` into a fresh store, then bulk_load of the quads it stored into another fresh store."""
    shutil.rmtree(store, ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "kg.cli", "ingest", str(corpus), "--store", str(store),
                                "--jobs", str(jobs)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    with PeakRSS(process.pid, interval=0.5) as rss:
        _, err = process.communicate()
    wall = time.perf_counter() - started
    if process.returncode not in (0, 2):
        raise RuntimeError(f"kg ingest failed: {err[-2000:]!r}")
    text = sum(p.stat().st_size for p in corpus.rglob("*.txt"))
    store_bytes = sum(p.stat().st_size for p in store.rglob("*") if p.is_file())
    db = ox.Store.read_only(str(store))
    quads = len(db)
    claims = int(next(iter(db.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?c a "
                                     "<https://kg.example.org/ontology#Claim> } }")))["n"].value)
    dump = store.parent / "anchor.nq"
    with dump.open("wb") as out:
        db.dump(out, format=ox.RdfFormat.N_QUADS)
    del db
    bulk, _ = bulk_load_anchor(dump, store.parent / "anchor-store")
    dump.unlink()
    return {"wall_s": wall, "bulk_load_s": bulk, "text_mb": text / 1e6, "store_mb": store_bytes / 1e6,
            "quads": quads, "claims": claims, "peak_rss_mib": rss.mib, "jobs": jobs}


def ms(seconds: float) -> str:
    """Milliseconds, with a decimal below 10 ms."""
    return f"{seconds * 1e3:.1f}" if seconds < 0.01 else f"{seconds * 1e3:.0f}"


def failure(record: dict[str, Any]) -> str:
    """A call or query that gave no figure, as a table cell: its HTTP status, or why there was no answer."""
    status = record["status"]
    head = f"HTTP {status}: " if isinstance(status, int) else ""
    return head + " ".join(record["error"].split())[:80]


def write_section(path: Path, size: str, section: str) -> None:
    """Replace (or append) the section for this size between its markers in RESULTS.md."""
    start, end = f"<!-- user-runs {size} -->", f"<!-- /user-runs {size} -->"
    text = path.read_text(encoding="utf-8")
    block = f"{start}\n{section}\n{end}"
    if start in text and end in text:
        text = text[:text.index(start)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def replicated_nquads(source: Path, factor: int, nquads: Path) -> int:
    """Write `source`'s quads with its page graphs copied `factor` times under new document names (page,
    article, claim and graph IRIs change), its shared graph once, as years of the same papers would name
    the same places; returns the number of pages copied."""
    from kg.rdf import iris

    shared = iris.shared_graph_iri()
    db = ox.Store.read_only(str(source))
    docs = {q.object.value: q.graph_name.value for q in db.quads_for_pattern(
        None, ox.NamedNode("https://schema.org/name"), None, None)
        if q.subject.value.startswith(iris.base() + "page/")}
    with nquads.open("wb") as stream:
        stream.write(ox.serialize(db.quads_for_pattern(None, None, None, ox.NamedNode(shared)),
                                  format=ox.RdfFormat.N_QUADS))
        for doc, graph in docs.items():
            page = ox.serialize(db.quads_for_pattern(None, None, None, ox.NamedNode(graph)),
                                format=ox.RdfFormat.N_QUADS)
            for copy in range(factor):
                stream.write(page.replace(doc.encode(), f"r{copy:03d}-{doc}".encode()) if copy else page)
    return len(docs)


def replicated_store(source: Path, factor: int, out: Path) -> dict[str, Any]:
    """A store `factor` times the size of `source` (replicated_nquads), bulk-loaded and compacted: for query
    figures at a size extraction here cannot reach."""
    from kg.rdf.store import EmbeddedStore

    nquads = out.with_suffix(".nq")
    shutil.rmtree(out, ignore_errors=True)
    pages = replicated_nquads(source, factor, nquads)
    started = time.perf_counter()
    with PeakRSS(interval=0.5) as rss:
        with EmbeddedStore(out) as store:
            store.load_nquads(nquads)
            store.optimize()
            store.rebuild_labels()
            store.rebuild_summaries()
            quads = len(store)
    seconds = time.perf_counter() - started
    nquads.unlink()
    return {"factor": factor, "pages": pages * factor, "quads": quads, "load_s": seconds,
            "peak_rss_mib": rss.mib, "store_mb": sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 1e6}


def render(report: dict[str, Any]) -> str:
    size = report["size"]
    lines = [f"### {size} ({report['when']}, load average {report['load_average']:.1f})", ""]
    if "replicated" in report:
        r = report["replicated"]
        lines += [f"Store built by replication, not extraction: the {report['source']} store's page graphs copied "
                  f"{r['factor']}× under new document names ({r['pages']:,} pages, {r['quads']:,} quads, "
                  f"{r['store_mb']:,.0f} MB on disk), bulk-loaded, compacted and indexed in {r['load_s']:.0f} s "
                  f"(peak RSS {r['peak_rss_mib']:.0f} MiB).", ""]
    if "ingest" in report:
        i = report["ingest"]
        lines += [
            "| figure | this project | anchor, same run |", "|---|---|---|",
            f"| `kg ingest --jobs {i['jobs']}`, text → queryable store | {i['wall_s']:.1f} s "
            f"({i['text_mb'] / i['wall_s']:.2f} MB of text/s; {i['quads'] / i['wall_s'] / 1e3:.0f} k quads/s) | "
            f"`bulk_load` of its {i['quads']:,} quads: {i['bulk_load_s']:.1f} s "
            f"(ingest = {i['wall_s'] / i['bulk_load_s']:.1f}×) |",
            f"| store on disk | {i['store_mb']:.0f} MB for {i['text_mb']:.1f} MB of text "
            f"({i['store_mb'] / i['text_mb']:.0f}×); {i['quads'] / i['claims']:.1f} quads per claim "
            f"({i['claims']:,} claims) | target ≤ 20× |",
            f"| ingest peak RSS (process tree) | {i['peak_rss_mib']:.0f} MiB | target ≤ 2 GiB |",
        ]
    if "extraction" in report:
        e = report["extraction"]
        lines.append(f"| extraction, text → claims ({e['mb']:.1f} MB sample) | {e['extract_mb_per_cpu_s']:.2f} MB per "
                     f"CPU-second | jieba precise cut: {e['jieba_mb_per_cpu_s']:.2f} MB/CPU-s "
                     f"(extraction = {e['extract_mb_per_cpu_s'] / e['jieba_mb_per_cpu_s']:.2f}×) |")
    if "sparql" in report:
        lines += ["", "| query (SPARQL editor / browser) | rows | `kg serve` /sparql p50 / p95 ms | "
                  "`oxigraph serve-read-only` p50 / p95 ms | ratio (p50) |", "|---|---|---|---|---|"]
        for name, q in report["sparql"].items():
            if "error" in q:
                lines.append(f"| {name} | — | {failure(q)} | — | — |")
                continue
            lines.append(f"| {name} | {q['rows']} | {ms(q['kg_p50'])} / {ms(q['kg_p95'])} | "
                         f"{ms(q['ox_p50'])} / {ms(q['ox_p95'])} | {q['kg_p50'] / q['ox_p50']:.2f}× |")
    if "graph_api" in report:
        lines += ["", "| graph-API call (as the browser sends it) | p50 / p95 ms | answer bytes |", "|---|---|---|"]
        for name, c in report["graph_api"].items():
            if "error" in c:
                lines.append(f"| {name} | {failure(c)} | — |")
                continue
            lines.append(f"| {name} | {ms(c['p50'])} / {ms(c['p95'])} | {c['bytes']:,} |")
    if "throughput" in report:
        t = report["throughput"]
        lines += ["", f"{report['clients']} clients, a light query (`{LIGHT}`), requests/s: from one address "
                  f"(127.0.0.1, so one client's fair share of /sparql, two at a time): `kg serve` {t['kg']:.0f}, "
                  f"`oxigraph serve-read-only` {t['oxigraph']:.0f} ({t['kg'] / t['oxigraph']:.2f}×); each from its "
                  f"own address (127.0.0.2 …): `kg serve` {t['kg distinct']:.0f}, `oxigraph serve-read-only` "
                  f"{t['oxigraph distinct']:.0f} ({t['kg distinct'] / t['oxigraph distinct']:.2f}×).", ""]
    return "\n".join(lines)


PARTS = ("sparql", "aggregates", "graph", "throughput")


def measure(report: dict[str, Any], parts: set[str], kg_port: int, ox_port: int, args: argparse.Namespace,
            log: Log) -> None:
    """The chosen parts of the run on the servers started, each figure logged as it is measured."""
    queries = {**(editor_queries() if "sparql" in parts else {}),
               **(aggregate_queries() if "aggregates" in parts else {})}
    if "sparql" in parts:
        queries["a light query (per-request overhead)"] = LIGHT
    if queries:
        report["sparql"] = {name: log.write("sparql", name, time_sparql(
            kg_port, ox_port, text, 20 if text == LIGHT else args.runs, 60 if text == LIGHT else args.timeout))
            for name, text in queries.items()}
    if "graph" in parts:
        try:
            busy = busiest(Client(kg_port, args.timeout))
        except NO_ANSWER as error:
            log.write("graph_api", "picking the busiest nodes", no_answer(error, args.timeout))
            busy = {}
        report["busy"] = log.write("graph_api", "busiest nodes (sample of 2,000 claims)", busy)
        report["graph_api"] = time_calls(kg_port, graph_calls(busy), args.runs, args.timeout, log)
    if "throughput" in parts:
        report["throughput"] = {}
        for distinct in (False, True):
            suffix = " distinct" if distinct else ""
            report["throughput"]["kg" + suffix] = throughput(kg_port, "/sparql", {"query": LIGHT}, args.clients,
                                                             args.seconds, distinct)
            report["throughput"]["oxigraph" + suffix] = throughput(
                ox_port, "/query", {"query": LIGHT, "union-default-graph": ""}, args.clients, args.seconds, distinct)
        log.write("throughput", f"{args.clients} clients, a light query", report["throughput"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.user_runs", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="5MB")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each throughput run")
    parser.add_argument("--timeout", type=float, default=120.0, help="longest wait for one answer")
    parser.add_argument("--cache", default=str(ROOT / "data" / "bench"))
    parser.add_argument("--store", help="store folder (default: under --cache, rebuilt by ingest)")
    parser.add_argument("--reuse", action="store_true", help="query the store as it is: no ingest, no extraction")
    parser.add_argument("--replicate", type=int, help="build the store by copying --size's store this many times")
    parser.add_argument("--serving", action="store_true",
                        help="time only the light query's latency and the clients' throughput (on --store as it is)")
    parser.add_argument("--variant", action="append",
                        help="with --serving: a kg serve setting to measure, 'name:VAR=value,…' (repeatable)")
    parser.add_argument("--rounds", type=int, default=2, help="with --serving: turns per variant")
    parser.add_argument("--write", action="store_true",
                        help="put the Markdown section into bench/RESULTS.md (replacing this size's last one)")
    parser.add_argument("--log", help="JSON lines file each figure is appended to as it is measured "
                                      "(default: bench/out/user-runs-SIZE.jsonl)")
    parser.add_argument("--parts", default=",".join(PARTS),
                        help=f"what to time, comma-separated among {', '.join(PARTS)} (default: all)")
    args = parser.parse_args(argv)
    parts = set(args.parts.split(","))
    if not parts <= set(PARTS):
        parser.error(f"--parts: unknown {', '.join(sorted(parts - set(PARTS)))}")
    cache = Path(args.cache)
    if args.serving:
        store = Path(args.store) if args.store else cache / f"store-{args.size}"
        when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        print(render_serving(serving(store, args.variant or ["lean"], args.clients, args.seconds, args.rounds),
                             args.clients, when))
        return
    corpus = corpus_of(parse_size(args.size), args.seed, cache)
    store = Path(args.store) if args.store else cache / f"store-{args.size}"
    report: dict[str, Any] = {"size": args.size, "machine": machine(), "clients": args.clients,
                              "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    if args.replicate:
        report["source"], report["size"] = args.size, f"{args.size} × {args.replicate} (replicated)"
        store = cache / f"store-{args.size}x{args.replicate}"
    slug = re.sub(r"\W+", "-", report["size"]).strip("-")
    log = Log(Path(args.log) if args.log else ROOT / "bench" / "out" / f"user-runs-{slug}.jsonl", report["size"])
    if args.replicate and not args.reuse:
        report["replicated"] = log.write("store", "replicated", replicated_store(cache / f"store-{args.size}",
                                                                                 args.replicate, store))
    elif not args.reuse and not args.replicate:
        report["ingest"] = log.write("store", "ingest", ingest(corpus, store, args.jobs))
        report["extraction"] = log.write("store", "extraction", extraction_vs_jieba(sample(corpus)))
    with servers(store) as (kg_port, ox_port):
        measure(report, parts, kg_port, ox_port, args, log)
    report["load_average"] = load_average()
    print(json.dumps(report, indent=2, ensure_ascii=False))
    section = render(report)
    print(section)
    if args.write:
        write_section(RESULTS, report["size"], section)


if __name__ == "__main__":
    main()
