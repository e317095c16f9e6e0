"""SPARQL latency through the served `/sparql`, beside the same queries on pyoxigraph directly.

A store of the asked size (1 M, 10 M triples) is built the fast way: the seed
pages and some generated pages are extracted and mapped once, and their page
graphs are replicated under new document names (every IRI and literal that
names the document changes; regions, agencies, programs and metrics stay
shared, as they are across a real paper's years) into one N-Quads file that
the store bulk-loads. Five realistic queries are then timed on a pyoxigraph
handle of that store (query + JSON serialisation, the reference) and over
HTTP against `kg serve` on a loopback port, run after run alternately, so
both see the same machine load; the graph view's neighborhood call is timed
over HTTP too.

    python -m bench.sparql_latency --triples 1000000 --runs 30
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox
import requests

from bench import ROOT, SEEDS, PeakRSS, load_average, median, percentile
from bench.corpus import write_corpus

PREFIXES = """PREFIX kg: <https://kg.example.org/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
JSON_RESULTS = "application/sparql-results+json"


@dataclass
class Timing:
    name: str
    direct_p50_ms: float
    direct_p95_ms: float
    http_p50_ms: float
    http_p95_ms: float
    rows: int

    @property
    def ratio(self) -> float:
        return self.http_p50_ms / self.direct_p50_ms if self.direct_p50_ms else float("inf")


@dataclass
class LatencyFigures:
    triples: int
    pages: int
    base_pages: int
    build_seconds: float
    build_triples_s: float
    build_peak_rss_mib: float
    built: str
    server_peak_rss_mib: float
    queries: list[Timing]
    neighborhood_p50_ms: float | None
    neighborhood_p95_ms: float | None
    neighborhood_first_ms: float | None
    load_average: float


def base_pages(generated_bytes: int, seed: int) -> list[tuple[str, bytes]]:
    """(doc, N-Quads of its page graph) for the seed pages and a generated corpus of the given size."""
    from kg.pipeline import iter_sources, process_file
    from kg.rdf.mapping import to_quads

    with tempfile.TemporaryDirectory(prefix="kg-base-") as scratch:
        write_corpus(scratch, generated_bytes, seed)
        pages = []
        for path in iter_sources([SEEDS, scratch]):
            extraction = process_file(path)
            pages.append((extraction.page.doc, ox.serialize(to_quads(extraction), format=ox.RdfFormat.N_QUADS)))
    return pages


def replicate(pages: list[tuple[str, bytes]], target_triples: int, out: Path) -> tuple[int, int]:
    """Write copies of the page graphs under new document names until `target_triples`; (pages, triples)."""
    written = copies = 0
    with open(out, "wb") as stream:
        while written < target_triples:
            for doc, nquads in pages:
                stream.write(nquads.replace(doc.encode(), f"r{copies // len(pages):05d}-{doc}".encode()))
                written += nquads.count(b"\n")
                copies += 1
                if written >= target_triples:
                    break
    return copies, written


def build_store(location: Path, pages: list[tuple[str, bytes]], target_triples: int) -> tuple[int, int, float, float]:
    """Bulk-load the replicated graphs into an embedded store: (pages, triples, seconds, peak RSS MiB)."""
    nquads = location.with_suffix(".nq")
    copies, triples = replicate(pages, target_triples, nquads)
    with PeakRSS() as rss:
        started = time.perf_counter()
        store = ox.Store(str(location))
        store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
        store.flush()
        seconds = time.perf_counter() - started
        del store
    nquads.unlink()
    return copies, triples, seconds, rss.mib


def _first(store: ox.Store, sparql: str) -> str | None:
    for row in store.query(PREFIXES + sparql, use_default_graph_as_union=True):
        return row[0].value
    return None


def pick_subjects(pages: list[tuple[str, bytes]]) -> dict[str, str]:
    """The busiest county, metric, program and agency of the base pages, and a label fragment to search."""
    store = ox.Store()
    for _, nquads in pages:
        store.load(nquads, format=ox.RdfFormat.N_QUADS)
    county = _first(store, """SELECT ?county (COUNT(?claim) AS ?n) WHERE {
        ?claim kg:region ?place . ?place schema:containedInPlace* ?county . ?county kg:level kg:CountyLevel }
        GROUP BY ?county ORDER BY DESC(?n) LIMIT 1""") or _first(store, """SELECT ?r (COUNT(?c) AS ?n)
        WHERE { ?c kg:region ?r } GROUP BY ?r ORDER BY DESC(?n) LIMIT 1""")
    busiest = "SELECT ?x (COUNT(?c) AS ?n) WHERE {{ ?c kg:{} ?x }} GROUP BY ?x ORDER BY DESC(?n) LIMIT 1"
    metric, program, agency = (_first(store, busiest.format(p)) for p in ("metric", "program", "agency"))
    missing = [name for name, iri in (("county", county), ("metric", metric), ("program", program),
                                      ("agency", agency)) if iri is None]
    if missing:
        raise RuntimeError(f"the base pages yield no claims with a {', '.join(missing)}: is the extractor wired?")
    label = _first(store, f"SELECT ?l WHERE {{ <{county}> skos:prefLabel ?l }}") or "县"
    return {"county": county, "metric": metric, "program": program, "agency": agency,
            "search": label[:2]}  # type: ignore[dict-item]


def queries(subjects: dict[str, str]) -> dict[str, str]:
    """The five queries a reader of the service asks, written as the UI writes them (DISTINCT where the
    union of page graphs repeats a shared node once per page)."""
    return {
        "county claims with sub-regions": f"""SELECT ?claim ?place ?value ?unit WHERE {{
            ?place schema:containedInPlace* <{subjects['county']}> .
            ?claim kg:region ?place ; schema:value ?value ; schema:unitText ?unit .
        }} ORDER BY DESC(?value) LIMIT 200""",
        "one metric across regions": f"""SELECT DISTINCT ?region ?name ?claims ?total WHERE {{
            {{ SELECT ?region (COUNT(?claim) AS ?claims) (SUM(?value) AS ?total) WHERE {{
                ?claim kg:metric <{subjects['metric']}> ; kg:region ?region ; schema:value ?value .
            }} GROUP BY ?region ORDER BY DESC(?total) LIMIT 100 }}
            ?region skos:prefLabel ?name .
        }} ORDER BY DESC(?total)""",
        "a program's claims": f"""SELECT ?claim ?value ?unit ?article ?headline WHERE {{
            ?claim kg:program <{subjects['program']}> ; schema:value ?value ; schema:unitText ?unit ;
                   prov:wasDerivedFrom ?article .
            OPTIONAL {{ ?article schema:headline ?headline }}
        }} ORDER BY DESC(?value) LIMIT 200""",
        "claims per agency": """SELECT DISTINCT ?agency ?name ?claims WHERE {
            { SELECT ?agency (COUNT(?claim) AS ?claims) WHERE { ?claim kg:agency ?agency }
              GROUP BY ?agency ORDER BY DESC(?claims) LIMIT 50 }
            ?agency skos:prefLabel ?name .
        } ORDER BY DESC(?claims)""",
        "label search": f"""SELECT DISTINCT ?entity ?label WHERE {{
            ?entity skos:prefLabel ?label . FILTER(CONTAINS(STR(?label), "{subjects['search']}"))
        }} LIMIT 50""",
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Client:
    """One keep-alive connection from the standard library's HTTP client: the figures then hold the
    server's cost, not a client library's (requests adds about 1.3 ms per call on this machine)."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)

    def get(self, path: str, params: dict, accept: str = "application/json", timeout: float = 300) -> float:
        """Seconds from sending the request to the last byte of the answer."""
        self.connection.timeout = timeout
        started = time.perf_counter()
        self.connection.request("GET", f"{path}?{urllib.parse.urlencode(params)}", headers={"Accept": accept})
        response = self.connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status}")
        return time.perf_counter() - started


def _direct(store: ox.Store, sparql: str) -> tuple[float, int]:
    """One query on an open pyoxigraph handle, serialised to SPARQL JSON as the server does: (seconds, rows)."""
    started = time.perf_counter()
    body = store.query(PREFIXES + sparql, use_default_graph_as_union=True).serialize(
        format=ox.QueryResultsFormat.JSON)
    seconds = time.perf_counter() - started
    return seconds, len(json.loads(body)["results"]["bindings"])


def time_queries(location: Path, named: dict[str, str], subjects: dict[str, str], runs: int,
                 first_call_timeout: float) -> tuple[dict[str, tuple[list[float], list[float], int]], list[float],
                                                     float | None, float]:
    """Each query on pyoxigraph directly and through `kg serve`, run alternately so both see the same machine
    load; then the neighborhood of each subject. Returns ({query: (direct times, HTTP times, rows)},
    neighborhood times, the first neighborhood call (cold caches; None past `first_call_timeout`), server peak
    RSS MiB). The direct handle is a read-only view opened beside the server's, as its query workers use."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--store", str(location), "--port",
                               str(port), "--timeout", "120"], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)})
    base = f"http://127.0.0.1:{port}"
    client = Client(port)
    try:
        with PeakRSS(server.pid, interval=0.2) as rss:
            deadline = time.monotonic() + 120
            while True:
                try:
                    requests.get(f"{base}/sparql", params={"query": "ASK {}"}, timeout=5).raise_for_status()
                    break
                except requests.RequestException:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise RuntimeError("kg serve did not start") from None
                    time.sleep(0.3)
            direct_store = ox.Store.read_only(str(location))
            found = {}
            for name, sparql in named.items():
                direct, http, rows = [], [], 0
                for run in range(runs + 1):  # the first run of each warms the caches and is not counted
                    seconds, rows = _direct(direct_store, sparql)
                    over_http = client.get("/sparql", {"query": PREFIXES + sparql}, JSON_RESULTS)
                    if run:
                        direct.append(seconds)
                        http.append(over_http)
                found[name] = (direct, http, rows)
            del direct_store
            neighborhood: list[float] = []
            try:
                cold: float | None = client.get("/api/graph/neighborhood", {"iri": subjects["county"]},
                                                timeout=first_call_timeout)
            except TimeoutError:
                cold = None  # not answered in the time allowed: no warm figures either
            for kind in ("county", "metric", "program", "agency") if cold is not None else ():
                params = {"iri": subjects[kind], "depth": 1, "limit": 200}
                times = [client.get("/api/graph/neighborhood", params) for _ in range(runs + 1)]
                neighborhood += times[1:]
    finally:
        server.terminate()
        server.wait(timeout=30)
    return found, neighborhood, cold, rss.mib


@dataclass
class BuiltStore:
    """A latency store as built: kept beside it so later runs can reuse it (`--cache`)."""

    pages: int
    triples: int
    base_pages: int
    build_seconds: float
    build_peak_rss_mib: float
    subjects: dict[str, str]
    built: str


def built_store(location: Path, target_triples: int, generated_bytes: int, seed: int, reuse: bool) -> BuiltStore:
    """Build the store at `location` (or, with `reuse`, take the one built there before)."""
    record = location.with_suffix(".json")
    if reuse and record.is_file() and location.is_dir():
        return BuiltStore(**json.loads(record.read_text(encoding="utf-8")))
    if location.exists():
        shutil.rmtree(location)
    pages = base_pages(generated_bytes, seed)
    copies, triples, build_s, build_rss = build_store(location, pages, target_triples)
    built = BuiltStore(copies, triples, len(pages), build_s, build_rss, pick_subjects(pages),
                       time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
    record.write_text(json.dumps(asdict(built), ensure_ascii=False), encoding="utf-8")
    return built


def measure(target_triples: int, runs: int, generated_bytes: int, seed: int,
            first_call_timeout: float = 600, cache: Path | None = None) -> LatencyFigures:
    """Build (or, given a `cache` folder holding it, reuse) the store, then time every query both ways."""
    with tempfile.TemporaryDirectory(prefix="kg-latency-") as scratch:
        folder = cache or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        location = folder / f"latency-{target_triples}-{generated_bytes}-{seed}"
        built = built_store(location, target_triples, generated_bytes, seed, reuse=cache is not None)
        named = queries(built.subjects)
        load = load_average()
        timed, neighborhood, cold, server_rss = time_queries(location, named, built.subjects, runs,
                                                             first_call_timeout)
    copies, triples, build_s, build_rss = built.pages, built.triples, built.build_seconds, built.build_peak_rss_mib
    ms = 1000.0
    return LatencyFigures(
        triples=triples, pages=copies, base_pages=built.base_pages, build_seconds=build_s, built=built.built,
        build_triples_s=triples / build_s, build_peak_rss_mib=build_rss, server_peak_rss_mib=server_rss,
        queries=[Timing(name, median(direct) * ms, percentile(direct, 95) * ms, median(http) * ms,
                        percentile(http, 95) * ms, rows) for name, (direct, http, rows) in timed.items()],
        neighborhood_p50_ms=median(neighborhood) * ms if neighborhood else None,
        neighborhood_p95_ms=percentile(neighborhood, 95) * ms if neighborhood else None,
        neighborhood_first_ms=cold * ms if cold is not None else None, load_average=max(load, load_average()),
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.sparql_latency", description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--base-bytes", type=int, default=2_000_000, help="generated text extracted for the base")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--first-call-timeout", type=float, default=600,
                        help="seconds the first (cold) neighborhood call may take")
    parser.add_argument("--cache", type=Path, help="keep the built store in this folder and reuse it next time")
    args = parser.parse_args(argv)
    figures = measure(args.triples, args.runs, args.base_bytes, args.seed, args.first_call_timeout, args.cache)
    result = asdict(figures)
    for row, timing in zip(result["queries"], figures.queries, strict=True):
        row["ratio"] = timing.ratio
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
