"""`kg.ingest.map_pages`: worker processes, page order, the per-page time budget, crashes reported."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from kg import ingest

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _slow_or_real(path: str):
    if Path(path).name.startswith("slow"):
        time.sleep(60)
    if Path(path).name.startswith("crash"):  # dies in the middle of its page, as on a segfault or OOM kill
        time.sleep(1)
        os._exit(9)
    return _real(path)


_real = ingest.process_file


@pytest.fixture
def pages(tmp_path: Path) -> list[str]:
    seed = sorted(SEEDS.glob("*.txt"))[0]
    found = []
    for name in ("a.txt", "slow.txt", "crash.txt", "b.txt"):
        (tmp_path / name).write_bytes(seed.read_bytes())
        found.append(str(tmp_path / name))
    return found


def test_a_slow_page_is_stopped_and_a_dying_worker_reported(pages: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "process_file", _slow_or_real)  # workers fork after this, so they see it
    started = time.monotonic()
    found = list(ingest.map_pages(pages, jobs=2, page_timeout=5))
    assert time.monotonic() - started < 50
    assert [p.path for p in found] == pages  # the order given
    a, slow, crash, b = found
    assert a.nquads and b.nquads and a.claims == b.claims > 0 and a.quads()
    assert a.graph and a.graph.endswith("a.txt")
    assert slow.nquads is None and "longer than 5 s" in (slow.problem or "")
    assert crash.nquads is None and "worker died" in (crash.problem or "")


def test_unreadable_page_is_refused_with_its_reason(tmp_path: Path) -> None:
    binary = tmp_path / "scan.txt"
    binary.write_bytes(bytes(range(256)) * 40)
    (page,) = ingest.map_pages([str(binary)])
    assert page.nquads is None and page.problem
