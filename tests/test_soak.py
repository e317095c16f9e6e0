"""Megabytes of pages written through the running server while clients query it.

`kg ingest pages/ --store http://…/sparql` (the update token in $KG_UPDATE_TOKEN)
sends 15 pages (the seeds three times under other names, about 11 MB of
N-Quads) into a server over the sample store, while eight clients repeat
queries whose answers the writes must not change. Every answer must be the one
given before (no 5xx, nothing wrong), and the server must answer at once
afterwards: each write is flushed, so no query worker replays a growing log.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from conftest import SAMPLE, load_store

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "soak-token"
JSON = {"Accept": "application/sparql-results+json"}
# page graphs only: the shared graph appears with the first page written in the lean layout
PAGE_GRAPH = 'FILTER(STRSTARTS(STR(?g), "https://kg.example.org/graph/"))'
GRAPHS = f"SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {PAGE_GRAPH} }}"


@pytest.fixture(scope="module")
def server(server_factory: Callable, tmp_path_factory: pytest.TempPathFactory):
    store = load_store(tmp_path_factory.mktemp("soak") / "store", SAMPLE)
    return server_factory(store, update_token=TOKEN)


def answer(server, query: str) -> tuple[int, object]:
    response = requests.post(server.url + "/sparql", data={"query": query}, headers=JSON, timeout=60)
    return response.status_code, response.json() if response.ok else response.text[:300]


def test_megabytes_ingested_through_the_server_while_clients_query(server, tmp_path: Path) -> None:
    listed = answer(server, f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {PAGE_GRAPH} }}")[1]
    graphs = [b["g"]["value"] for b in listed["results"]["bindings"]]
    probes = [f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }} GROUP BY ?p ORDER BY ?p"
              for g in graphs] + ["ASK { ?s ?p ?o }"]
    expected = {q: answer(server, q) for q in probes}
    assert all(status == 200 for status, _ in expected.values())
    pages = tmp_path / "pages"
    pages.mkdir()
    for copy in range(3):
        for seed in sorted((ROOT / "seeds").glob("*.txt")):
            shutil.copy(seed, pages / f"soak{copy}_{seed.name}")
    problems: list[str] = []
    counts = {"answers": 0, "server_errors": 0, "wrong": 0}
    done = threading.Event()
    lock = threading.Lock()

    def client(n: int) -> None:
        seen_graphs = 0
        while not done.is_set():
            query = probes[n % len(probes)] if n % 3 else GRAPHS
            n += 1
            status, body = answer(server, query)
            with lock:
                counts["answers"] += 1
                if status >= 500:
                    counts["server_errors"] += 1
                    problems.append(f"{status} {body}")
                elif query == GRAPHS:  # only grows while pages are added
                    now = int(body["results"]["bindings"][0]["n"]["value"]) if status == 200 else -1
                    if now < seen_graphs:
                        counts["wrong"] += 1
                        problems.append(f"graph count fell {seen_graphs} -> {now}")
                    seen_graphs = max(seen_graphs, now)
                elif (status, body) != expected[query]:
                    counts["wrong"] += 1
                    problems.append(f"{query[:80]}: {status} {str(body)[:200]}")

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(8)]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "kg.cli", "ingest", str(pages), "--jobs", "2",
                             "--store", server.url + "/sparql"], capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT), "KG_UPDATE_TOKEN": TOKEN}, timeout=900)
    ingest_seconds = time.monotonic() - began
    done.set()
    for thread in threads:
        thread.join(timeout=120)
    assert result.returncode == 0, result.stderr[-1500:]
    began = time.monotonic()
    status, body = answer(server, GRAPHS)
    after = time.monotonic() - began
    print(f"\nsoak: 15 pages in {ingest_seconds:.0f} s; {counts}; first query after: {after * 1000:.0f} ms")
    assert status == 200 and int(body["results"]["bindings"][0]["n"]["value"]) == len(graphs) + 15
    assert counts["server_errors"] == 0 and counts["wrong"] == 0, problems[:10]
    assert counts["answers"] > 50
    assert after < 2.0
