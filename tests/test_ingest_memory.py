"""The ingest writer's memory: the loader's freed heap given back after each load (kg.rdf.heap); the segment size."""

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


def test_the_default_segment_keeps_the_writer_buffer_near_half_a_gigabyte() -> None:
    """The bulk loader holds ~1.1 kB of RSS per quad of a segment (bench/RESULTS.md, "Ingest memory"): the default
    must leave room for two workers under the 2 GB bound, and `kg ingest` must use it."""
    from kg.cli import ingest
    from kg.rdf.store import SEGMENT_QUADS

    assert SEGMENT_QUADS * 1100 <= 600 * 2**20
    assert next(p.default for p in ingest.params if p.name == "segment_quads") == SEGMENT_QUADS
