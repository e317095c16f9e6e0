"""`EmbeddedStore.add_pages` writes labels and claim figures in a thread beside the bulk loader; whatever stops
it, no page stays stored without them: the store marks them stale and the next read rebuilds them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from test_summaries import COUNTY, TOWN, assert_equal_to_sparql, page

from kg.ingest import PageQuads
from kg.rdf.store import UNINDEXED, EmbeddedStore
from kg.rdf.summaries import Summaries, records
from kg.rdf.vocab import KG


def _page(doc: str, claims: list[tuple[ox.NamedNode, str, str]]) -> PageQuads:
    graph, quads = page(doc, claims)
    own = [q for q in quads if q.graph_name.value == graph]
    shared = [q for q in quads if q.graph_name.value != graph]
    return PageQuads(doc, graph, ox.serialize(own, format=ox.RdfFormat.N_QUADS),
                     ox.serialize(shared, format=ox.RdfFormat.N_QUADS), len(quads), len(claims),
                     records=tuple(records(own)))  # as kg.ingest.map_page makes them


PAGES = [_page(f"p{n}.txt", [(COUNTY, "2023年", str(100 + n)), (TOWN, "2022年", str(n))]) for n in range(40)]


def test_pages_streamed_and_a_page_given_twice_are_counted_as_the_store_holds_them(tmp_path: Path) -> None:
    again = _page("p3.txt", [(TOWN, "2021年", "5")])  # replaces p3 after its figures were queued
    with EmbeddedStore(tmp_path / "db") as store:
        store.add_pages([*PAGES[:10], again, *PAGES[10:]], segment_quads=50)
        assert not (tmp_path / "db" / UNINDEXED).exists()
        assert not store.labels.stale and not store._summaries.stale, "written as the pages came, not rebuilt"
        summaries = assert_equal_to_sparql(store)
        assert summaries.claims_of(COUNTY.value, [KG.region.value], 100)[1] == 39, "p3 now names the town only"
        assert store.search_labels("青石")


def _failing(after: int) -> Iterator[PageQuads]:
    yield from PAGES[:after]
    raise OSError("disk gone")


def test_a_stream_that_fails_leaves_the_earlier_pages_and_figures_rebuilt_from_them(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "db") as store:
        with pytest.raises(OSError, match="disk gone"):
            store.add_pages(_failing(5), segment_quads=1)  # a segment per page: four loads done
        assert store.labels.stale and store._summaries.stale
        assert {p.graph for p in PAGES[:4]} <= set(store.graphs())
    assert (tmp_path / "db" / UNINDEXED).exists(), "the mark that the figures lag stays for the next open"
    with EmbeddedStore(tmp_path / "db") as store:
        assert not (tmp_path / "db" / UNINDEXED).exists()
        assert_equal_to_sparql(store)
        assert not store.labels.stale and store.search_labels("白沙")


def test_a_failing_summary_write_stops_the_ingest_and_marks_them_stale(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self, pages) -> None:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(Summaries, "add_many", refuse)
    with EmbeddedStore(tmp_path / "db") as store:
        with pytest.raises(RuntimeError, match="database is locked"):
            store.add_pages(PAGES, segment_quads=40)
        assert store._summaries.stale
    monkeypatch.undo()
    with EmbeddedStore(tmp_path / "db") as store:
        assert_equal_to_sparql(store)


def test_a_process_stopped_mid_ingest_is_recounted_at_the_next_open(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "db") as store:
        store.add_pages(PAGES[:3])
    (tmp_path / "db" / UNINDEXED).touch()  # as a killed ingest leaves it
    with EmbeddedStore(tmp_path / "db") as store:
        assert store.labels.stale and store._summaries.stale
        assert_equal_to_sparql(store)
