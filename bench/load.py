"""Load run: concurrent SPARQL and graph-view clients against a real server while pages are rewritten.

`python -m bench.load --duration 60 --clients 32` ingests the seed pages into a
fresh store, starts `kg serve` on a loopback port with an update token and then,
for the given time, runs the clients beside one writer that re-ingests the seed
pages through the server (a Graph Store Protocol PUT per page with the token, as
`kg ingest --store URL` sends it). Every answer is compared with the answer the
server gave before the load began: a page replaced with identical content must
never be seen half-written, so any difference is a wrong answer. It prints a
JSON report (requests, 5xx, wrong answers, latency p50/p95/max per kind) and
exits 1 when any request failed. tests/test_load.py runs a short form in CI.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SPARQL_JSON = "application/sparql-results+json"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kg_command(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=timeout,
    )


@dataclass
class Server:
    """A server to load: its root URL and the update token the writer sends."""

    url: str
    token: str

    def healthy(self) -> bool:
        try:
            return requests.get(self.url + "/healthz", timeout=5).status_code == 200
        except requests.RequestException:
            return False


@contextmanager
def serve(store: Path, *, timeout: float = 10.0, token: str = "load-token") -> Iterator[Server]:
    """Run `kg serve` on `store` until the block ends; its log goes next to the store."""
    port = free_port()
    log = store.parent / f"server-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "kg.cli", "serve", "--store", str(store), "--port", str(port),
             "--timeout", str(timeout)],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(ROOT), "KG_UPDATE_TOKEN": token},
        )
    server = Server(f"http://127.0.0.1:{port}", token)
    try:
        deadline = time.monotonic() + 90
        while not server.healthy():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"kg serve did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.3)
        yield server
    finally:
        stop_process(process)


def stop_process(process: subprocess.Popen[Any]) -> None:
    """Ask a server to stop, and kill it if it has not within 20 s."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def ingest_seeds(store: Path) -> None:
    result = kg_command("ingest", str(SEEDS), "--store", str(store))
    if result.returncode != 0:
        raise RuntimeError(f"kg ingest failed ({result.returncode}):\n{result.stderr[-3000:]}")


def canonical(value: Any) -> Any:
    """JSON with every list sorted, so answers compare regardless of order."""
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((canonical(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


@dataclass
class Probe:
    """One request the clients repeat, and the answer it must keep giving."""

    kind: str
    method: str
    path: str
    params: dict[str, str]
    expected: Any = None

    def send(self, session: requests.Session, base: str) -> requests.Response:
        headers = {"Accept": SPARQL_JSON} if self.kind == "sparql" else {}
        if self.method == "POST":
            return session.post(base + self.path, data=self.params, headers=headers, timeout=60)
        return session.get(base + self.path, params=self.params, headers=headers, timeout=60)

    @staticmethod
    def answer(response: requests.Response) -> Any:
        return canonical(response.json())


def _sparql(query: str, method: str = "POST") -> Probe:
    return Probe("sparql", method, "/sparql", {"query": query})


def build_probes(server: Server, session: requests.Session) -> list[Probe]:
    """Requests over every seed page graph and the entities in them, with their current answers."""
    graphs_query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    graphs = [b["g"]["value"] for b in _sparql(graphs_query).send(session, server.url).json()["results"]["bindings"]]
    probes: list[Probe] = [
        _sparql("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"),
        _sparql(graphs_query, "GET"),
    ]
    for g in graphs:
        probes.append(_sparql(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}"))
        probes.append(_sparql(f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }} GROUP BY ?p", "GET"))
    labels = session.post(server.url + "/sparql", headers={"Accept": SPARQL_JSON}, data={"query": (
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT DISTINCT ?e ?label WHERE { ?e skos:prefLabel ?label } ORDER BY ?e LIMIT 400")}).json()
    rng = random.Random(1)
    rows = labels["results"]["bindings"]
    for row in rng.sample(rows, min(12, len(rows))):
        iri, label = row["e"]["value"], row["label"]["value"]
        probes.append(Probe("graph", "GET", "/api/graph/search", {"q": label[:4]}))
        probes.append(Probe("graph", "GET", "/api/graph/node", {"iri": iri}))
        probes.append(Probe("graph", "GET", "/api/graph/neighborhood", {"iri": iri, "depth": "1", "limit": "1000"}))
    probes.append(Probe("graph", "GET", "/api/graph/conflicts", {}))
    for probe in probes:
        response = probe.send(session, server.url)
        if response.status_code != 200 and probe.path != "/api/graph/node":
            raise RuntimeError(f"baseline {probe.path} {probe.params}: {response.status_code} {response.text[:300]}")
        probe.expected = (response.status_code, probe.answer(response) if response.ok else None)
    return probes


def page_writes(paths: list[Path]) -> list[tuple[str, bytes]]:
    """(graph IRI, N-Triples) per page: the Graph Store Protocol PUT `kg ingest --store URL` sends."""
    import pyoxigraph as ox

    from kg.pipeline import process_file
    from kg.rdf.iris import graph_iri
    from kg.rdf.mapping import to_quads

    writes = []
    for path in paths:
        extraction = process_file(path)
        triples = [q.triple for q in to_quads(extraction)]
        writes.append((graph_iri(extraction.page.doc), ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)))
    return writes


@dataclass
class Report:
    requests: int = 0
    server_errors: int = 0
    wrong: int = 0
    other_errors: int = 0
    writes: int = 0
    write_failures: int = 0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)

    def note(self, problem: str) -> None:
        if len(self.samples) < 20:
            self.samples.append(problem[:500])

    def summary(self) -> dict[str, Any]:
        def stats(values: list[float]) -> dict[str, float]:
            if not values:
                return {}
            ordered = sorted(values)
            return {"n": len(ordered), "p50_ms": round(statistics.median(ordered) * 1000, 1),
                    "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1),
                    "max_ms": round(ordered[-1] * 1000, 1)}

        every = [v for values in self.latencies.values() for v in values]
        return {
            "requests": self.requests, "server_errors_5xx": self.server_errors, "wrong_answers": self.wrong,
            "other_errors": self.other_errors, "writes": self.writes, "write_failures": self.write_failures,
            "latency": {"all": stats(every), **{k: stats(v) for k, v in sorted(self.latencies.items())}},
            "problems": self.samples,
        }

    @property
    def failed(self) -> bool:
        return bool(self.server_errors or self.wrong or self.other_errors or self.write_failures)


def _client(server: Server, probes: list[Probe], stop: threading.Event, report: Report, lock: threading.Lock,
            seed: int) -> None:
    rng = random.Random(seed)
    session = requests.Session()
    while not stop.is_set():
        probe = rng.choice(probes)
        began = time.perf_counter()
        try:
            response = probe.send(session, server.url)
            elapsed = time.perf_counter() - began
            answer = (response.status_code, probe.answer(response) if response.ok else None)
        except (requests.RequestException, ValueError) as error:
            with lock:
                report.requests += 1
                report.other_errors += 1
                report.note(f"{probe.path} {probe.params}: {type(error).__name__}: {error}")
            continue
        with lock:
            report.requests += 1
            report.latencies.setdefault(probe.kind, []).append(elapsed)
            if response.status_code >= 500:
                report.server_errors += 1
                report.note(f"{response.status_code} {probe.path} {probe.params}: {response.text[:200]}")
            elif answer != probe.expected:
                report.wrong += 1
                report.note(f"wrong answer {probe.path} {probe.params}: {response.status_code} {response.text[:200]}")


def put_graph(session: requests.Session, server: Server, write: tuple[str, bytes]) -> requests.Response:
    """Replace one page graph in one transaction, with the operator's token."""
    graph, body = write
    headers = {"Authorization": f"Bearer {server.token}", "Content-Type": "application/n-triples"}
    return session.put(server.url + "/store", params={"graph": graph}, data=body, headers=headers, timeout=120)


def _writer(server: Server, writes: list[tuple[str, bytes]], stop: threading.Event, report: Report,
            lock: threading.Lock) -> None:
    session = requests.Session()
    n = 0
    while not stop.is_set():
        response = put_graph(session, server, writes[n % len(writes)])
        n += 1
        with lock:
            report.writes += 1
            if response.status_code not in (200, 201, 204):
                report.write_failures += 1
                report.note(f"write {response.status_code}: {response.text[:200]}")


def run_load(server: Server, writes: list[tuple[str, bytes]], *, clients: int = 32,
             duration: float = 60.0) -> Report:
    """Run `clients` readers and one writer (looping over `writes`) against `server` for `duration` seconds.

    The writes are applied once before the answers are recorded, so writing
    them again must leave every answer as it was.
    """
    session = requests.Session()
    for write in writes:
        response = put_graph(session, server, write)
        if response.status_code not in (200, 201, 204):
            raise RuntimeError(f"first write refused: {response.status_code} {response.text[:300]}")
    probes = build_probes(server, session)
    report, lock, stop = Report(), threading.Lock(), threading.Event()
    threads = [threading.Thread(target=_client, args=(server, probes, stop, report, lock, i), daemon=True)
               for i in range(clients)]
    if writes:
        threads.append(threading.Thread(target=_writer, args=(server, writes, stop, report, lock), daemon=True))
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + duration
    while time.monotonic() < deadline:
        time.sleep(0.5)
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent readers (default 32)")
    parser.add_argument("--no-writer", action="store_true", help="readers only")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kg-load-") as tmp:
        store = Path(tmp) / "store"
        ingest_seeds(store)
        writes = [] if args.no_writer else page_writes(sorted(SEEDS.glob("*.txt")))
        with serve(store) as server:
            report = run_load(server, writes, clients=args.clients, duration=args.duration)
            summary = report.summary()
            summary["healthy_after"] = server.healthy()
    summary.update(clients=args.clients, duration_s=args.duration)
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    return 1 if report.failed or not summary["healthy_after"] else 0


if __name__ == "__main__":
    sys.exit(main())
