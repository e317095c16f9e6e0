"""Fair sharing on the real server: one client's runaway queries leave everyone else answered.

The server runs with a 10 s query limit, two queries at a time per client and
one second of waiting for a client's own slot; another has a low memory
ceiling. Other clients are other loopback source addresses (127.0.0.x), as
Linux routes all of 127/8 to the loopback interface.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "001_559b45379c07a2b0.txt"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
LIGHT = "ASK { ?s ?p ?o }"


@pytest.fixture(scope="module")
def server(server_factory: Callable, tmp_path_factory: pytest.TempPathFactory):
    from test_hostile import kg_ingest

    store = tmp_path_factory.mktemp("fair") / "store"
    kg_ingest([SEED], store)
    return server_factory(store, timeout=10.0, env={"KG_CLIENT_WAIT": "1", "KG_CLIENT_QUERIES": "2"})


@pytest.fixture(scope="module")
def small_server(server_factory: Callable, tmp_path_factory: pytest.TempPathFactory):
    """A 768 MB ceiling per query worker (a read-only view alone maps about 330 MB) and a 60 s limit,
    so the memory ceiling, not the clock, stops the query below."""
    from test_hostile import kg_ingest

    store = tmp_path_factory.mktemp("small") / "store"
    kg_ingest([SEED], store)
    return server_factory(store, timeout=60.0, env={"KG_QUERY_MEMORY_MB": "768"})


def call(server, path: str, *, client: str = "127.0.0.1", query: str | None = None,
         timeout: float = 60) -> tuple[int, dict[str, str], bytes, float]:
    """(status, headers, body, seconds) of one request sent from loopback address `client`."""
    url = urlsplit(server.url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout, source_address=(client, 0))
    began = time.monotonic()
    try:
        if query is None:
            conn.request("GET", path)
        else:
            conn.request("POST", path, body=urlencode({"query": query}),
                         headers={"Content-Type": "application/x-www-form-urlencoded",
                                  "Accept": "application/sparql-results+json"})
        response = conn.getresponse()
        body = response.read()
        return response.status, dict(response.getheaders()), body, time.monotonic() - began
    finally:
        conn.close()


def test_a_light_query_is_answered_within_2_s_while_eight_runaways_run(server) -> None:
    attacks: list[tuple[int, dict[str, str], bytes, float]] = []
    threads = [threading.Thread(target=lambda: attacks.append(call(server, "/sparql", query=RUNAWAY)))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    status, _, body, seconds = call(server, "/sparql", client="127.0.0.2", query=LIGHT)
    print(f"\nlight query under 8 runaways: {status} in {seconds:.2f} s {body[:300]!r}")
    assert status == 200 and json.loads(body)["boolean"] is True
    assert seconds < 2.0
    for path in ("/healthz", "/api/graph/search?q=%E5%8E%BF"):
        status, _, _, seconds = call(server, path, client="127.0.0.3")
        print(f"{path} under 8 runaways: {status} in {seconds:.2f} s")
        assert status == 200 and seconds < 2.0
    for thread in threads:
        thread.join(timeout=120)
    statuses = sorted(a[0] for a in attacks)
    print("runaway answers:", statuses)
    assert len(attacks) == 8 and set(statuses) <= {429, 503}
    limited = [a for a in attacks if a[0] == 429]
    assert limited, "one client ran more than its share"
    assert all(int(a[1]["Retry-After"]) > 0 for a in limited)
    assert "too many concurrent queries" in json.loads(limited[0][2])["error"]


def test_a_query_past_the_memory_ceiling_is_stopped_naming_it(small_server) -> None:
    """Each BIND quadruples a string: 8 characters are 128 M by the 12th, 512 M by the 13th: past 768 MB."""
    binds = 'BIND("abcdefgh" AS ?v0) ' + " ".join(f"BIND(CONCAT(?v{i},?v{i},?v{i},?v{i}) AS ?v{i + 1})"
                                                  for i in range(16))
    status, _, body, seconds = call(small_server, "/sparql", client="127.0.0.4", timeout=120,
                                    query=f"SELECT (STRLEN(?v16) AS ?n) WHERE {{ {binds} }}")
    message = json.loads(body)["error"]
    print(f"\nmemory bomb: {status} in {seconds:.1f} s: {message}")
    assert status == 503 and "memory limit" in message and "768 MB" in message
    status, _, body, _ = call(small_server, "/sparql", client="127.0.0.4", query=LIGHT)
    assert status == 200, body


def _descendants(pid: int) -> set[int]:
    """Every process below `pid` (query workers are children of the server's forkserver), from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_stopping_the_server_stops_the_queries_it_runs(server_factory: Callable,
                                                         tmp_path_factory: pytest.TempPathFactory) -> None:
    """SIGTERM to the server kills its query workers too, a runaway one included (60 s limit here)."""
    from test_hostile import kg_ingest

    store = tmp_path_factory.mktemp("stop") / "store"
    kg_ingest([SEED], store)
    server = server_factory(store, timeout=60.0)
    threading.Thread(target=call, args=(server, "/sparql"), kwargs={"query": RUNAWAY, "client": "127.0.0.5"},
                     daemon=True).start()
    time.sleep(1.5)
    below = _descendants(server.process.pid)
    assert below
    server.process.terminate()
    server.process.wait(timeout=20)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in below) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in below if _alive(pid)]
