"""Short form of the load run (bench/load.py): 32 clients for ~10 s against the real server.

Mixed SPARQL and graph-view requests run while a writer re-ingests small
generated pages through the server with the update token; every answer must equal the
one given before the load (a page being replaced is never seen half-written),
no answer may be a 5xx. The report, with latency p95, is printed. The 60 s form
is `python -m bench.load`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.load import Server, ingest_seeds, kg_command, page_updates, run_load, write_pages  # noqa: E402

TOKEN = "load-test-token"


@pytest.fixture(scope="module")
def seeded_server(server_factory: Callable, tmp_path_factory: pytest.TempPathFactory):
    store = tmp_path_factory.mktemp("load") / "store"
    ingest_seeds(store)
    return server_factory(store, update_token=TOKEN)


def test_32_clients_while_pages_are_rewritten(seeded_server, tmp_path: Path) -> None:
    server = Server(seeded_server.url, TOKEN)
    updates = page_updates(write_pages(tmp_path / "pages", 12))
    report = run_load(server, updates, clients=32, duration=10.0)
    summary = report.summary()
    print("\nload report:", json.dumps(summary, ensure_ascii=False))
    assert report.requests >= 32
    assert report.writes > 0
    assert summary["server_errors_5xx"] == 0, summary["problems"]
    assert summary["wrong_answers"] == 0, summary["problems"]
    assert summary["other_errors"] == 0 and summary["write_failures"] == 0, summary["problems"]
    assert server.healthy()


def test_kg_ingest_writes_into_the_running_server(seeded_server, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """`kg ingest --store <server URL>` (token from $KG_UPDATE_TOKEN) writes a live server's store."""
    monkeypatch.setenv("KG_UPDATE_TOKEN", TOKEN)
    page = tmp_path / "live_page.txt"
    page.write_text("县城简讯\n\n全县今年新增就业1200人，完成投资3.5亿元。\n", encoding="utf-8")
    result = kg_command("ingest", str(page), "--store", seeded_server.url + "/sparql")
    assert result.returncode == 0, result.stderr[-1500:]
    answer = seeded_server.post("/sparql", data={"query": "ASK { GRAPH ?g { ?s ?p ?o } "
                                                 "FILTER(CONTAINS(STR(?g), 'live_page.txt')) }"},
                                headers={"Accept": "application/sparql-results+json"})
    assert answer.json()["boolean"] is True
