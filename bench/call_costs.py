"""What each graph-API call costs the server, in-process, and where: CPU time, its SPARQL, SQLite and store-index
parts, and the plan of every SQLite statement it runs.

`python -m bench.call_costs STORE [--runs N] [--only TEXT] [--answers FILE] [--plans]` opens the store as
`kg serve` does and sends bench.user_runs' calls (the browser's, for the busiest region, agency, program and
metric) through Flask's test client. The graph API answers in the server process, so its CPU time
(`time.process_time`) is what a call costs whatever else loads the machine, where wall-clock figures on a
shared machine move several times over between runs. `--answers` writes every answer as JSON, to compare two
trees' answers on one store; `--plans` prints `EXPLAIN QUERY PLAN` of each distinct SQLite statement the calls
ran, marking those that scan a table or sort what they read in a temporary B-tree: candidates for growing with
the store rather than with the answer (the rest still need reading: an index read by one column may be long).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import re
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

from bench import median
from bench.user_runs import BUSY, graph_calls

# cProfile's names for the calls into each engine (all C methods: their own time is the engine's).
PARTS = {
    "sparql": ("<method 'query' of 'pyoxigraph.Store' objects>",),
    "sqlite": tuple(f"<method '{m}' of 'sqlite3.{c}' objects>" for m, c in (
        ("execute", "Connection"), ("executemany", "Connection"), ("fetchall", "Cursor"), ("fetchone", "Cursor"))),
    "index": ("<method 'quads_for_pattern' of 'pyoxigraph.Store' objects>",),
}


class TestClient:
    """bench.user_runs.Client's `get`, on Flask's test client."""

    def __init__(self, app: Any) -> None:
        self.client = app.test_client()

    def get(self, path: str, params: dict[str, Any], accept: str = "application/json") -> tuple[float, bytes, int]:
        started = time.perf_counter()
        answer = self.client.get(f"{path}?{urllib.parse.urlencode(params)}", headers={"Accept": accept})
        return time.perf_counter() - started, answer.data, answer.status_code


def _parts(profile: cProfile.Profile) -> dict[str, float]:
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    return {part: sum(own for (_, _, name), (_, _, own, _, _) in stats.items() if name in names)
            for part, names in PARTS.items()}


def measure(store: Any, app: Any, runs: int, only: str = "") -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Per call: CPU and wall medians over `runs` (after a warm-up), the SPARQL, SQLite and index seconds of
    one profiled run, answer bytes and status; and the answers by call name."""
    client = TestClient(app)
    busy = {}
    for link in ("region", "agency", "program", "metric"):
        rows = store.query(BUSY % link)
        if rows:
            busy[link] = rows[0]["x"].value
    found, answers = [], {}
    for name, call in graph_calls(busy).items():
        if only not in name:
            continue
        params = call.params(client) if callable(call.params) else call.params  # type: ignore[arg-type]
        cpu, wall = [], []
        for run in range(runs + 1):
            started = time.process_time()
            seconds, body, status = client.get(call.path, params)
            if run:
                cpu.append(time.process_time() - started)
                wall.append(seconds)
        profile = cProfile.Profile()
        profile.runcall(client.get, call.path, params)
        answers[name] = json.loads(body)
        found.append({"name": name, "status": status, "bytes": len(body), "cpu_ms": median(cpu) * 1e3,
                      "wall_ms": median(wall) * 1e3, **{f"{k}_ms": v * 1e3 for k, v in _parts(profile).items()}})
    return found, answers


def plans(store: Any, app: Any) -> list[tuple[bool, str, list[str]]]:
    """(suspect, statement, plan) for each distinct SELECT the calls send to SQLite, traced with its values."""
    databases = (store.labels._db, store._summaries._db)  # noqa: SLF001 (the bench reads the store's own handles)
    seen: list[str] = []
    for db in databases:
        db.set_trace_callback(seen.append)
    try:
        measure(store, app, 1)
    finally:
        for db in databases:
            db.set_trace_callback(None)
    shapes: dict[str, str] = {}
    for sql in seen:
        if sql.lstrip().upper().startswith("SELECT"):
            shape = re.sub(r"(\?, )+\?", "?…", re.sub(r"'[^']*'|X'[0-9A-Fa-f]*'|\b\d+\b", "?", sql))
            shapes.setdefault(shape, sql)
    out = []
    for shape, sql in shapes.items():
        plan = [row[3] for row in databases[1].execute("EXPLAIN QUERY PLAN " + sql)]
        suspect = any(re.match(r"SCAN (?!\(|grams VIRTUAL|main\.grams_)|USE TEMP B-TREE", step) for step in plan)
        out.append((suspect, shape, plan))
    return out


def main(argv: list[str] | None = None) -> None:
    from kg.rdf.store import open_store
    from kg.web.app import create_app

    parser = argparse.ArgumentParser(prog="python -m bench.call_costs", description=__doc__.split("\n\n")[0])
    parser.add_argument("store", help="an embedded store folder (opened as kg serve opens it: not while served)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default="", help="only the calls whose name holds this text")
    parser.add_argument("--answers", help="write every answer, by call name, to this JSON file")
    parser.add_argument("--plans", action="store_true", help="print the plan of each SQLite statement instead")
    args = parser.parse_args(argv)
    store = open_store(args.store)
    app = create_app(store, query_timeout=600.0)
    started = time.perf_counter()
    store.ready(wait=True)  # a stale store rebuilds them here, so no call is timed on its SPARQL path
    print(f"summaries ready in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if args.plans:
        for suspect, shape, plan in plans(store, app):
            print(("!! " if suspect else "   ") + shape)
            print("\n".join(f"       {step}" for step in plan))
        return
    found, answers = measure(store, app, args.runs, args.only)
    for row in found:
        print(json.dumps(row, ensure_ascii=False), flush=True)
    if args.answers:
        Path(args.answers).write_text(json.dumps(answers, ensure_ascii=False, sort_keys=True), encoding="utf-8")


if __name__ == "__main__":
    main()
