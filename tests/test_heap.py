"""The ingest writer gives the bulk loader's freed heap back after each load (kg.rdf.heap)."""

from __future__ import annotations

import platform
from pathlib import Path

import pytest
from test_store_indexer import PAGES

from kg.rdf import heap
from kg.rdf.store import EmbeddedStore


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc only")
def test_give_back_trims_the_heap_on_glibc() -> None:
    assert heap.give_back()


def test_each_bulk_load_is_followed_by_giving_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[None] = []
    monkeypatch.setattr(heap, "give_back", lambda: calls.append(None) or True)
    with EmbeddedStore(tmp_path / "db") as store:
        store.add_pages(PAGES[:6], segment_quads=1)  # a load per page
        assert len(store.graphs()) >= 6
    assert len(calls) == 6
