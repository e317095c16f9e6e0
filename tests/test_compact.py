"""`kg compact` rewrites a store in one bulk load: the same quads, labels and summaries, no more disk; a failure
leaves the old store as it was; a folder that is no store, a store in use or an endpoint is refused in one line."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.rdf import compact as compact_module
from kg.rdf.compact import compact, folder_bytes
from kg.rdf.store import EmbeddedStore
from kg.rdf.vocab import KG

ROOT = Path(__file__).resolve().parent.parent
TOWNS = ("东篱镇", "西沙乡", "南塘镇", "北岭乡")


def kg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600)


def quads(folder: Path) -> set[str]:
    db = ox.Store.read_only(str(folder))
    try:
        return {str(q) for q in db.quads_for_pattern(None, None, None, None)}
    finally:
        del db


def labels(folder: Path) -> list[tuple[str, str]]:
    with EmbeddedStore(folder) as db:
        return [(h.iri, h.label) for h in db.search_labels("镇")]


def listing(folder: Path) -> list[tuple[str, int]]:
    return sorted((str(p.relative_to(folder)), p.stat().st_size) for p in folder.rglob("*"))


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pages")
    for n in range(40):
        (folder / f"brief{n:03d}.txt").write_text(
            f"{TOWNS[n % 4]}简讯第{n}号\n\n{TOWNS[n % 4]}今年新增就业{100 + 7 * n}人，完成投资{3 + n}万元，"
            f"同比增长{n % 30 + 1}%。\n", encoding="utf-8")
    return folder


@pytest.fixture
def store(pages: Path, tmp_path: Path) -> Path:
    """A store written by many small bulk loads, the way a long ingest writes it."""
    folder = tmp_path / "db"
    result = kg("ingest", str(pages), "--store", str(folder), "--segment-quads", "200")
    assert result.returncode == 0, result.stderr
    return folder


def test_compact_keeps_quads_labels_and_summaries_in_less_disk(store: Path) -> None:
    with EmbeddedStore(store) as db:  # removed pages leave free pages in labels.sqlite
        for graph in [g.value for g in db.store.named_graphs() if "brief00" in g.value]:
            db.remove_graph(graph)
    with sqlite3.connect(store / "labels.sqlite") as index:
        assert index.execute("PRAGMA freelist_count").fetchone()[0] > 0
    with EmbeddedStore(store) as db:
        hits = [(h.iri, h.label) for h in db.search_labels("镇")]
        claims = [db.summaries().claims_of(iri, [KG.metric.value], 100) for iri, _ in hits]
    assert hits and all(found for found, _ in claims)
    before, size = quads(store), folder_bytes(store)

    report = compact(store)
    assert quads(store) == before and report.quads == len(before)
    assert report.bytes_before == size and report.bytes_after == folder_bytes(store) <= size
    assert sorted(p.name for p in store.parent.iterdir()) == ["db"], "the copy and the old store are gone"
    with sqlite3.connect(store / "labels.sqlite") as index:
        assert index.execute("PRAGMA freelist_count").fetchone()[0] == 0, "the side index was vacuumed"
    with EmbeddedStore(store) as db:
        assert not db.labels.stale, "the label index came along, not rebuilt"
        assert [(h.iri, h.label) for h in db.search_labels("镇")] == hits
        assert not db.summaries().stale, "the summaries came along, not recounted"
        assert [db.summaries().claims_of(iri, [KG.metric.value], 100) for iri, _ in hits] == claims


@pytest.mark.parametrize("step", ["_copy_side_files", "_swap"])
def test_a_failure_keeps_the_old_store(store: Path, monkeypatch: pytest.MonkeyPatch, step: str) -> None:
    before, hits = quads(store), labels(store)

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(compact_module, step, fail)
    with pytest.raises(OSError, match="No space left"):
        compact(store)
    assert quads(store) == before and labels(store) == hits
    assert sorted(p.name for p in store.parent.iterdir()) == ["db"], "the half copy is removed"


def test_ingest_then_compact_in_one_command(pages: Path, store: Path, tmp_path: Path) -> None:
    folder = tmp_path / "compacted"
    result = kg("ingest", str(pages), "--store", str(folder), "--segment-quads", "200", "--compact")
    assert result.returncode == 0, result.stderr
    assert "compacted" in result.stderr
    assert quads(folder) == quads(store)
    assert folder_bytes(folder) <= folder_bytes(store)


def test_cli_refuses_what_it_cannot_compact(tmp_path: Path, store: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "todo.md").write_text("buy milk\n", encoding="utf-8")
    cases = [(str(notes), "not a kg store"), (str(tmp_path / "mistyped"), "no store here"),
             ("http://127.0.0.1:9/sparql", "a SPARQL endpoint compacts its own store")]
    for location, reason in cases:
        result = kg("compact", "--store", location)
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 2 and len(lines) == 1 and location in lines[0] and reason in lines[0], result
    assert listing(notes) == [("todo.md", 9)] and not (tmp_path / "mistyped").exists()

    before = quads(store)
    holder = ox.Store(str(store))  # a writer holds the store, as `kg serve` would
    try:
        result = kg("compact", "--store", str(store))
    finally:
        del holder
    assert result.returncode == 2 and "stop the kg serve or ingest using it" in result.stderr, result.stderr
    assert quads(store) == before
