"""Short form of the load run (bench/load.py): 32 clients for ~10 s against the real server.

Mixed SPARQL and graph-view requests run while a writer re-ingests the seed
pages through the server (Graph Store Protocol PUT with the update token); every answer must equal the
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

from bench.load import SEEDS, Server, ingest_seeds, kg_command, page_writes, run_load  # noqa: E402

TOKEN = "load-test-token"


@pytest.fixture(scope="module")
def seeded_server(server_factory: Callable, tmp_path_factory: pytest.TempPathFactory):
    store = tmp_path_factory.mktemp("load") / "store"
    ingest_seeds(store)
    return server_factory(store, update_token=TOKEN)


def test_32_clients_while_pages_are_rewritten(seeded_server) -> None:
    server = Server(seeded_server.url, TOKEN)
    report = run_load(server, page_writes(sorted(SEEDS.glob("*.txt"))), clients=32, duration=10.0)
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
    """`kg ingest --store <server URL>` (token from $KG_UPDATE_TOKEN) writes a live server's store,
    real pages included, and the server answers with them at once."""
    monkeypatch.setenv("KG_UPDATE_TOKEN", TOKEN)
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "live_page.txt").write_text("县城简讯\n\n全县今年新增就业1200人，完成投资3.5亿元。\n", encoding="utf-8")
    for seed in sorted((ROOT / "seeds").glob("*.txt")):
        (pages / f"live_{seed.name}").write_bytes(seed.read_bytes())
    result = kg_command("ingest", str(pages), "--store", seeded_server.url + "/sparql")
    assert result.returncode == 0, result.stderr[-1500:]
    query = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(CONTAINS(STR(?g), '/live_')) }"
    answer = seeded_server.post("/sparql", data={"query": query},
                                headers={"Accept": "application/sparql-results+json"})
    assert int(answer.json()["results"]["bindings"][0]["n"]["value"]) == 6
