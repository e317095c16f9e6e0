"""The same store in Virtuoso, through the remote-store path, beside Oxigraph (issue 17, item 5).

`python -m bench.virtuoso_runs --size 5MB` takes the store `bench.user_runs` queries
(`data/bench/store-5MB`, built with `kg ingest` when missing; with `--replicate N` its N×
replicated store, built the same way as `bench.user_runs --replicate N` when missing), then:

* load: the store's quads exported as N-Quads, loaded into a fresh Virtuoso database by its bulk
  loader (`scripts/virtuoso.sh bulk-load`: ld_dir, rdf_loader_run, checkpoint) and into a fresh
  Oxigraph store by pyoxigraph `Store.bulk_load`; each one's size on disk beside the text;
* queries: the SPARQL editor's examples (kg/web/static/queries/*.rq) and the browser's own
  SELECTs on Virtuoso's /sparql with no FROM (its default graph is every graph),
  `oxigraph serve-read-only` (union default graph), `kg serve` on the embedded store and
  `kg serve --store http://…/sparql` (RemoteStore on Virtuoso), alternating, the rows of
  Virtuoso's answer compared with Oxigraph's;
* the graph-API calls the browser makes (bench.user_runs.graph_calls) on both `kg serve`s;
* 16 clients sending a light query to Virtuoso and to `oxigraph serve-read-only`.

Without Virtuoso (`virtuoso-t`, see scripts/virtuoso.sh install) it says so and exits 3.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from bench import ROOT, bulk_load_anchor, folder_mb, load_average, machine, median, percentile
from bench.corpus import parse_size
from bench.ingest_scale import corpus_of
from bench.load import stop_process
from bench.user_runs import (
    JSON_RESULTS,
    LIGHT,
    NO_ANSWER,
    Call,
    Client,
    _wait,
    aggregate_queries,
    busiest,
    editor_queries,
    free_port,
    graph_calls,
    ingest,
    ms,
    replicated_nquads,
    replicated_store,
    throughput,
    write_section,
)

SCRIPT = ROOT / "scripts" / "virtuoso.sh"
RESULTS = ROOT / "bench" / "RESULTS.md"
NUMERIC = ("integer", "decimal", "double", "float", "int", "long", "nonNegativeInteger", "positiveInteger")


def virtuoso_missing() -> str | None:
    """Why Virtuoso cannot run here, or None."""
    binary = os.environ.get("VIRTUOSO") or shutil.which("virtuoso-t") or "/usr/bin/virtuoso-t"
    isql = os.environ.get("ISQL") or shutil.which("isql-vt") or "/usr/bin/isql-vt"
    missing = [name for name in (binary, isql) if not os.access(name, os.X_OK)]
    return f"not installed: {', '.join(missing)} (scripts/virtuoso.sh install)" if missing else None


@contextmanager
def virtuoso(folder: Path):
    """A fresh Virtuoso database in `folder`, on loopback: yields its HTTP port."""
    shutil.rmtree(folder, ignore_errors=True)
    http, sql = free_port(), free_port()
    started = subprocess.run([str(SCRIPT), "start", str(folder), str(http), str(sql)], capture_output=True,
                             text=True, timeout=300)
    if started.returncode != 0:
        raise RuntimeError(f"Virtuoso did not start: {started.stderr.strip()[-500:]}")
    try:
        yield http
    finally:
        subprocess.run([str(SCRIPT), "stop", str(folder)], timeout=120)


def kg_serve(store: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--store", store, "--port", str(port),
                                "--timeout", "60"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=env)
    _wait(port, "/sparql", process, {"query": "ASK {}"})
    return process, port


def oxigraph_read_only(store: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    process = subprocess.Popen([binary, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait(port, "/query", process, {"query": "ASK {}"})
    return process, port


def fetch(client: Client, path: str, params: dict[str, Any], accept: str = "application/json",
          ) -> tuple[float, bytes, int]:
    """One request; asked again on a fresh connection when the server had closed the kept-alive one
    (Virtuoso does after 10 s idle, while the other servers answer a slow query)."""
    try:
        return client.get(path, params, accept)
    except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
        client.connection.close()
        return client.get(path, params, accept)


def count_quads(port: int) -> int:
    """Quads in every named graph, as the endpoint counts them (on a connection of its own: a kept-alive one
    would have been closed by the server during a long load)."""
    _, body, _ = Client(port, 600).get("/sparql", {"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"},
                            JSON_RESULTS)
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def export(store: Path, dump: Path, replicate: tuple[Path, int] | None) -> int:
    """Write `store`'s quads as N-Quads; a replicated store's are written again from its source the way
    it was built (bench.user_runs.replicated_nquads), much faster than dumping 16 M quads. The quad count."""
    if replicate:
        replicated_nquads(*replicate, dump)
        with dump.open("rb") as lines:  # one quad per line: N-Quads escapes newlines in literals
            return sum(chunk.count(b"\n") for chunk in iter(lambda: lines.read(1 << 24), b""))
    db = ox.Store.read_only(str(store))
    with dump.open("wb") as out:
        db.dump(out, format=ox.RdfFormat.N_QUADS)
    return len(db)


def load(store: Path, work: Path, http: int, virtuoso_dir: Path, anchor: bool,
         replicate: tuple[Path, int] | None) -> dict[str, Any]:
    """Export `store` as N-Quads into the Virtuoso folder, bulk-load it there (and, with `anchor`, into a
    fresh Oxigraph store); sizes on disk and times of each."""
    dump = virtuoso_dir / "load" / "store.nq"
    dump.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    quads = export(store, dump, replicate)
    found: dict[str, Any] = {"export_s": time.perf_counter() - started, "quads": quads,
                             "nquads_mb": dump.stat().st_size / 1e6, "kg_store_mb": folder_mb(store)}
    before_quads = count_quads(http)
    database = virtuoso_dir / "virtuoso.db"
    found["virtuoso_empty_db_mb"] = database.stat().st_size / 1e6
    started = time.perf_counter()
    done = subprocess.run([str(SCRIPT), "bulk-load", str(virtuoso_dir), str(dump)], capture_output=True, text=True)
    found["virtuoso_load_s"] = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"Virtuoso's bulk loader failed: {done.stderr.strip()[-1000:]}")
    found["virtuoso_quads"] = count_quads(http) - before_quads
    found["virtuoso_db_mb"] = database.stat().st_size / 1e6
    found["virtuoso_dir_mb"] = (folder_mb(virtuoso_dir) - dump.stat().st_size / 1e6)
    if anchor:
        found["oxigraph_load_s"], found["oxigraph_mb"] = bulk_load_anchor(dump, work / "oxigraph-anchor")
    dump.unlink()
    return found


def _value(term: dict[str, str]) -> Any:
    """One comparable value per term: the engines spell numbers and booleans differently
    (Virtuoso answers 1 for true, and may write 2.0 where Oxigraph writes 2)."""
    datatype = term.get("datatype", "").rsplit("#", 1)[-1]
    if datatype in NUMERIC:
        return round(float(term["value"]), 6)
    if datatype == "boolean":
        return term["value"] in ("1", "true")
    return term["value"]


def answer(body: bytes) -> Counter:
    """The solutions as a multiset of rows, each a sorted tuple of (variable, value)."""
    rows = json.loads(body)["results"]["bindings"]
    return Counter(tuple(sorted((k, _value(v)) for k, v in row.items())) for row in rows)


def time_query(servers: dict[str, tuple[int, str, dict[str, str]]], sparql: str, runs: int,
               timeout: float) -> dict[str, Any]:
    """p50/p95 of one query on every server, alternating run by run; a server past `timeout` or
    refusing is left out of the later runs with its error kept."""
    clients = {name: Client(port, timeout) for name, (port, _, _) in servers.items()}
    times: dict[str, list[float]] = {name: [] for name in servers}
    answers: dict[str, Counter] = {}
    failed: dict[str, str] = {}
    for run in range(runs + 1):  # the first run warms the caches and is not counted
        for name, (_, path, extra) in servers.items():
            if name in failed:
                continue
            try:
                seconds, body, status = fetch(clients[name], path, {"query": sparql, **extra}, JSON_RESULTS)
            except TimeoutError:
                failed[name] = f"no answer within {timeout:g} s"
                clients[name] = Client(servers[name][0], timeout)
                continue
            if status != 200:
                failed[name] = f"HTTP {status}: {' '.join(body[:200].decode(errors='replace').split())}"
                continue
            answers[name] = answer(body)
            if run:
                times[name].append(seconds)
    found: dict[str, Any] = {"failed": failed, "rows": {n: sum(a.values()) for n, a in answers.items()}}
    found["p50"] = {n: median(t) for n, t in times.items() if t and n not in failed}
    found["p95"] = {n: percentile(t, 95) for n, t in times.items() if t and n not in failed}
    if "oxigraph" in answers and "virtuoso" in answers:
        found["virtuoso_differs"] = sum((answers["oxigraph"] - answers["virtuoso"]).values()) + sum(
            (answers["virtuoso"] - answers["oxigraph"]).values())
    return found


def time_calls(ports: dict[str, int], calls: dict[str, Call], runs: int, timeout: float) -> dict[str, Any]:
    """p50/p95 of each graph-API call on every `kg serve`, alternating; answer sizes, and whether the
    answers are the same JSON. Parameters worked out from another answer are asked of the first server."""
    found: dict[str, Any] = {}
    for call, spec in calls.items():
        clients = {name: Client(port, timeout) for name, port in ports.items()}
        times: dict[str, list[float]] = {name: [] for name in ports}
        bodies: dict[str, bytes] = {}
        failed: dict[str, str] = {}
        path = spec.path
        try:
            params = spec.params(next(iter(clients.values()))) if callable(spec.params) else spec.params
        except (*NO_ANSWER, RuntimeError, KeyError, IndexError, ValueError) as error:
            found[call] = {"failed": dict.fromkeys(ports, f"working out its parameters: {error}"), "bytes": {},
                           "p50": {}, "p95": {}, "same": None}
            continue
        for run in range(runs + 1):
            for name in ports:
                if name in failed:
                    continue
                try:
                    seconds, body, status = fetch(clients[name], path, params)
                except NO_ANSWER as error:
                    failed[name] = f"no answer within {timeout:g} s" if isinstance(error, TimeoutError) else \
                        f"{type(error).__name__}: {error}"
                    clients[name] = Client(ports[name], timeout)
                    continue
                if status != 200:
                    failed[name] = f"HTTP {status}: {' '.join(body[:200].decode(errors='replace').split())}"
                    continue
                bodies[name] = body
                if run:
                    times[name].append(seconds)
        found[call] = {"failed": failed, "bytes": {n: len(b) for n, b in bodies.items()},
                       "p50": {n: median(t) for n, t in times.items() if t and n not in failed},
                       "p95": {n: percentile(t, 95) for n, t in times.items() if t and n not in failed},
                       "same": len({json.dumps(json.loads(b), sort_keys=True) for b in bodies.values()}) == 1
                       if len(bodies) == len(ports) else None}
    return found


def source_store(args: argparse.Namespace, cache: Path, report: dict[str, Any]) -> Path:
    """The store to load into Virtuoso, built as bench.user_runs builds it when missing."""
    base = cache / f"store-{args.size}"
    if not (base / "CURRENT").exists():
        corpus = corpus_of(parse_size(args.size), args.seed, cache)
        print(f"{base}: missing, running kg ingest on {corpus}", file=sys.stderr)
        report["ingest"] = ingest(corpus, base, args.jobs)
    if not args.replicate:
        return base
    store = cache / f"store-{args.size}x{args.replicate}"
    if not (store / "CURRENT").exists():
        print(f"{store}: missing, replicating {base} {args.replicate}×", file=sys.stderr)
        report["replicated"] = replicated_store(base, args.replicate, store)
    return store


def run(args: argparse.Namespace) -> dict[str, Any]:
    cache = Path(args.cache)
    label = f"{args.size} × {args.replicate} (replicated)" if args.replicate else args.size
    report: dict[str, Any] = {"size": label, "machine": machine(),
                              "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    store = source_store(args, cache, report)
    corpus = corpus_of(parse_size(args.size), args.seed, cache)
    report["text_mb"] = sum(p.stat().st_size for p in corpus.rglob("*.txt")) / 1e6 * (args.replicate or 1)
    work = cache / f"virtuoso-{args.size}{f'x{args.replicate}' if args.replicate else ''}"
    with virtuoso(work / "db") as http, ExitStack() as running:
        replicate = (cache / f"store-{args.size}", args.replicate) if args.replicate else None
        report["load"] = load(store, work, http, work / "db", not args.no_anchor, replicate)
        report["load_average_after_load"] = load_average()
        print(json.dumps(report["load"]), file=sys.stderr)
        oxi, ox_port = oxigraph_read_only(store)
        running.callback(stop_process, oxi)
        kg, kg_port = kg_serve(str(store))
        running.callback(stop_process, kg)
        remote, remote_port = kg_serve(f"http://127.0.0.1:{http}/sparql")
        running.callback(stop_process, remote)
        servers = {"oxigraph": (ox_port, "/query", {"union-default-graph": ""}), "virtuoso": (http, "/sparql", {}),
                   "kg": (kg_port, "/sparql", {}), "kg-virtuoso": (remote_port, "/sparql", {})}
        # The graph API first: a query a client gives up on goes on running inside Virtuoso, and the
        # browser's whole-store aggregates do time out at 20x (it slowed every later call there ~10x).
        report["graph_api"] = time_calls({"kg": kg_port, "kg-virtuoso": remote_port},
                                         graph_calls(busiest(Client(kg_port, 300))), args.runs, args.timeout)
        report["sparql"] = {}
        for name, text in {**editor_queries(), **aggregate_queries()}.items():
            report["sparql"][name] = time_query(servers, text, args.runs, args.timeout)
            print(name, json.dumps(report["sparql"][name]), file=sys.stderr)
        report["sparql"]["a light query (per-request overhead)"] = time_query(servers, LIGHT, 20, 60)
        report["throughput"] = {
            "oxigraph": throughput(ox_port, "/query", {"query": LIGHT, "union-default-graph": ""}, args.clients,
                                   args.seconds),
            "virtuoso": throughput(http, "/sparql", {"query": LIGHT}, args.clients, args.seconds),
        }
    report["load_average"] = load_average()
    return report


SERVERS = ("oxigraph", "virtuoso", "kg", "kg-virtuoso")


def _times(found: dict[str, Any], name: str) -> str:
    if name in found["failed"]:
        return found["failed"][name][:60]
    if name not in found["p50"]:
        return "—"
    return f"{ms(found['p50'][name])} / {ms(found['p95'][name])}"


def render(report: dict[str, Any]) -> str:
    d = report["load"]
    text = report["text_mb"]
    lines = [f"#### Virtuoso, {report['size']} (started {report['when']}; load average "
             f"{report['load_average_after_load']:.1f} after the loads, {report['load_average']:.1f} at the end)", ""]
    if "replicated" in report:
        r = report["replicated"]
        lines += [f"Oxigraph store built by replication in this run: {r['pages']:,} pages, {r['quads']:,} quads, "
                  f"bulk-loaded, compacted and indexed in {r['load_s']:.0f} s.", ""]
    lines += ["| figure | Virtuoso 7.2 (bulk loader) | Oxigraph |", "|---|---|---|",
              f"| quads loaded | {d['virtuoso_quads']:,} | {d['quads']:,} |",
              f"| load time, N-Quads file ({d['nquads_mb']:,.0f} MB) → store | {d['virtuoso_load_s']:.1f} s "
              f"({d['quads'] / d['virtuoso_load_s'] / 1e3:.0f} k quads/s, checkpoint included) | "
              + (f"`bulk_load`: {d['oxigraph_load_s']:.1f} s ({d['quads'] / d['oxigraph_load_s'] / 1e3:.0f} k "
                 f"quads/s) |" if "oxigraph_load_s" in d else "not measured (--no-anchor) |"),
              f"| on disk, for {text:,.1f} MB of text | database file {d['virtuoso_db_mb']:,.0f} MB, of it "
              f"{d['virtuoso_empty_db_mb']:.0f} MB an empty database's "
              f"({(d['virtuoso_db_mb'] - d['virtuoso_empty_db_mb']) / text:.1f}× the text for the data; "
              f"{d['virtuoso_db_mb'] / text:.1f}× in all; folder with logs {d['virtuoso_dir_mb']:,.0f} MB) | "
              f"`kg` store {d['kg_store_mb']:,.0f} MB ({d['kg_store_mb'] / text:.0f}×)"
              + (f"; fresh `bulk_load` {d['oxigraph_mb']:,.0f} MB ({d['oxigraph_mb'] / text:.0f}×)"
                 if "oxigraph_mb" in d else "") + " |",
              "", "| query (SPARQL editor / browser) | rows Oxigraph / Virtuoso | `oxigraph serve-read-only` "
              "p50 / p95 ms | Virtuoso /sparql | `kg serve` (embedded) | `kg serve` on Virtuoso |",
              "|---|---|---|---|---|---|"]
    for name, q in report["sparql"].items():
        rows = f"{q['rows'].get('oxigraph', '—')} / {q['rows'].get('virtuoso', '—')}"
        if q.get("virtuoso_differs"):
            rows += f" ({q['virtuoso_differs']} rows not in both)"
        lines.append(f"| {name} | {rows} | " + " | ".join(_times(q, s) for s in SERVERS) + " |")
    lines += ["", "| graph-API call (as the browser sends it) | `kg serve` (embedded) p50 / p95 ms | "
              "`kg serve` on Virtuoso p50 / p95 ms | answer bytes (embedded / Virtuoso) |", "|---|---|---|---|"]
    for name, c in report["graph_api"].items():
        sizes = " / ".join(f"{c['bytes'][s]:,}" if s in c["bytes"] else "—" for s in ("kg", "kg-virtuoso"))
        same = " (same JSON)" if c["same"] else ""
        lines.append(f"| {name} | {_times(c, 'kg')} | {_times(c, 'kg-virtuoso')} | {sizes}{same} |")
    t = report["throughput"]
    lines += ["", f"16 clients, a light query: Virtuoso /sparql {t['virtuoso']:.0f} requests/s, "
              f"`oxigraph serve-read-only` {t['oxigraph']:.0f} requests/s.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.virtuoso_runs", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="5MB")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="kg ingest workers, if it runs")
    parser.add_argument("--replicate", type=int, help="use --size's store copied this many times")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each throughput run")
    parser.add_argument("--timeout", type=float, default=120.0, help="longest wait for one answer")
    parser.add_argument("--no-anchor", action="store_true", help="skip pyoxigraph's bulk_load of the same quads")
    parser.add_argument("--cache", default=str(ROOT / "data" / "bench"))
    parser.add_argument("--write", action="store_true",
                        help="put the Markdown section into bench/RESULTS.md (replacing this size's last one)")
    args = parser.parse_args(argv)
    why = virtuoso_missing()
    if why:
        print(f"bench.virtuoso_runs: Virtuoso {why}; nothing measured", file=sys.stderr)
        raise SystemExit(3)
    report = run(args)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    section = render(report)
    print(section)
    if args.write:
        write_section(RESULTS, f"virtuoso {report['size']}", section)


if __name__ == "__main__":
    main()
