"""`--store` never turns a folder of other files into a store, and read commands never create one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = "县城简讯\n\n全县今年新增就业1200人，完成投资3.5亿元。\n"


def kg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)


def listing(folder: Path) -> list[tuple[str, int]]:
    return sorted((str(p.relative_to(folder)), p.stat().st_size) for p in folder.rglob("*"))


def test_ingest_refuses_a_folder_of_other_files(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(PAGE, encoding="utf-8")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "todo.md").write_text("buy milk\n", encoding="utf-8")
    before = listing(notes)
    result = kg("ingest", str(page), "--store", str(notes))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(notes) in lines[0] and "not a kg store" in lines[0], result.stderr
    assert listing(notes) == before


def test_ingest_refuses_a_file_and_the_root(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(PAGE, encoding="utf-8")
    for target in (str(page), "/"):
        result = kg("ingest", str(page), "--store", target)
        assert result.returncode == 2 and "not a kg store" in result.stderr, (target, result.stderr)


@pytest.mark.parametrize("command", [["claims"], ["articles"], ["entities"], ["export"], ["query", "ASK {}"],
                                     ["validate"], ["serve", "--port", "1"]])
def test_read_commands_refuse_a_missing_store(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "mistyped"
    result = kg(*command, "--store", str(missing))
    assert result.returncode == 2
    assert str(missing) in result.stderr and "no store here" in result.stderr, result.stderr
    assert not missing.exists()


def test_ingest_creates_a_new_store_and_reads_it_back(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(PAGE, encoding="utf-8")
    store = tmp_path / "new" / "store"
    assert kg("ingest", str(page), "--store", str(store)).returncode == 0
    result = kg("claims", "--store", str(store))
    assert result.returncode == 0 and result.stdout.strip()
