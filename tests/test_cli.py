"""The `kg` command's contract: names, keys, exit codes, idempotent ingest."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CLAIM_KEYS = {
    "doc", "article", "evidence", "start", "end", "value", "unit", "qualifier", "subject", "region",
    "agency", "program", "metric", "period", "modality", "change", "iri",
}


def kg(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"kg {' '.join(args)} exited {result.returncode}: {result.stderr}")
    return result


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    location = str(tmp_path_factory.mktemp("cli") / "store")
    kg("ingest", str(SEEDS), "--store", location)
    return location


def test_claims_read_back_with_contract_keys(store: str) -> None:
    claims = jsonl(kg("claims", "--store", store, "--format", "jsonl").stdout)
    assert len(claims) > 50
    assert all(set(c) == CLAIM_KEYS for c in claims)
    for claim in claims:
        raw = (SEEDS / claim["doc"]).read_text(encoding="utf-8")
        assert raw[claim["start"]:claim["end"]] == claim["evidence"]
        assert claim["qualifier"] in {"exact", "approx", "more_than", "less_than"}
        assert claim["modality"] in {"achieved", "target"}
        assert claim["change"] in {None, "increase", "decrease"}


def test_money_is_normalised_to_yuan(store: str) -> None:
    claims = jsonl(kg("claims", "--store", store).stdout)
    assert any(c["value"] == 788000000 and c["unit"] == "元" for c in claims)


def test_articles_and_entities(store: str) -> None:
    articles = jsonl(kg("articles", "--store", store, "--format", "jsonl").stdout)
    assert {a["doc"] for a in articles} == {p.name for p in SEEDS.glob("*.txt")}
    assert all({"doc", "headline", "start", "end", "iri"} <= set(a) for a in articles)
    entities = jsonl(kg("entities", "--store", store, "--format", "jsonl").stdout)
    assert {e["type"] for e in entities} >= {"region", "agency", "program"}


def test_reingest_changes_nothing(store: str) -> None:
    before = kg("export", "--store", store, "--format", "nquads").stdout
    kg("ingest", str(SEEDS / "000_310200855c0ad967.txt"), "--store", store)
    after = kg("export", "--store", store, "--format", "nquads").stdout
    assert sorted(before.splitlines()) == sorted(after.splitlines())


def test_query_prints_a_table(store: str) -> None:
    out = kg("query", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", "--store", store).stdout
    lines = out.splitlines()
    assert lines[0].strip() == "?n" or lines[0].strip() == "n"
    assert int(lines[2].split("^^")[0].strip('"')) > 1000


def test_binary_file_is_refused_and_stores_nothing(tmp_path: Path) -> None:
    page = tmp_path / "scan.txt"
    page.write_bytes(bytes(range(256)) * 64)
    location = str(tmp_path / "store")
    result = kg("ingest", str(page), "--store", location, check=False)
    assert result.returncode == 2
    assert "scan.txt" in result.stderr
    assert jsonl(kg("claims", "--store", location).stdout) == []


def test_missing_path_is_named(tmp_path: Path) -> None:
    result = kg("ingest", str(tmp_path / "nope.txt"), "--store", str(tmp_path / "s"), check=False)
    assert result.returncode == 2
    assert "nope.txt" in result.stderr and "Traceback" not in result.stderr


def test_remove_then_reingest_restores_the_graph(tmp_path: Path) -> None:
    location = str(tmp_path / "store")
    first, second = sorted(SEEDS.glob("*.txt"))[:2]
    kg("ingest", str(first), str(second), "--store", location)
    full = sorted(kg("export", "--store", location, "--format", "nquads").stdout.splitlines())
    kg("remove", second.name, "--store", location)
    docs = {c["doc"] for c in jsonl(kg("claims", "--store", location).stdout)}
    assert docs == {first.name}
    kg("ingest", str(second), "--store", location)
    assert sorted(kg("export", "--store", location, "--format", "nquads").stdout.splitlines()) == full


@pytest.mark.parametrize("command", ["ingest", "remove", "claims", "articles", "entities", "export", "query",
                                     "validate", "serve", "compact"])
def test_every_command_explains_itself(command: str) -> None:
    assert "Usage:" in kg(command, "--help").stdout


def test_an_unreachable_remote_store_is_one_line() -> None:
    result = kg("claims", "--store", "http://127.0.0.1:9/sparql", check=False)
    assert result.returncode == 2
    assert "127.0.0.1:9" in result.stderr and "Traceback" not in result.stderr
