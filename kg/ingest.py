"""Pages into a store: extraction and mapping in worker processes, one writer.

A worker hands back each page's statements as N-Quads bytes (its own graph and
its shared-graph statements apart), not as Python quad objects: pickling
those cost three times the extraction itself, while the store's bulk loader
parses N-Quads in Rust. The writer keeps at most a window of pages in flight, so memory stays
bounded however many pages are given and however slow the store is. Every
page has a time budget: a page that takes longer is abandoned (pebble kills
its worker and starts another) and reported like an unreadable page, and the
pages stored before it stay stored.
"""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

import pyoxigraph as ox
from pebble import ProcessExpired, ProcessPool

from kg.model import InputError
from kg.pipeline import process_file
from kg.rdf.iris import graph_iri
from kg.rdf.mapping import to_quads
from kg.rdf.summaries import ClaimRecord, records

DEFAULT_PAGE_TIMEOUT = 600.0
# Pages each worker may finish ahead of the writer: while a segment's bulk load sorts and writes its table files
# (after its last page, seconds per million quads) the workers go on extracting into this window instead of
# waiting. A 20 kB page makes ~1 MB of N-Quads, so 2 workers hold at most ~64 MB here.
PAGES_IN_FLIGHT_PER_WORKER = 32


@dataclass(frozen=True)
class PageQuads:
    """One page read and mapped (N-Quads of its graph and of its shared statements), or the reason it was
    refused (`problem`)."""

    path: str
    graph: str | None = None
    nquads: bytes | None = None
    shared: bytes = b""
    count: int = 0  # quads in both
    claims: int = 0
    problem: str | None = None
    records: tuple[ClaimRecord, ...] | None = None  # the page's claims as the store's summaries count them

    def claim_records(self) -> list[ClaimRecord]:
        """The page's claim records: as the worker made them, else read from its N-Quads."""
        if self.records is not None:
            return list(self.records)
        return records(ox.parse(self.nquads or b"", format=ox.RdfFormat.N_QUADS))

    def quads(self) -> list[ox.Quad]:
        """The page's quads as objects (for a backend without a bulk path)."""
        return list(ox.parse(self.nquads or b"", format=ox.RdfFormat.N_QUADS)) + self.shared_quads()

    def shared_quads(self) -> list[ox.Quad]:
        return list(ox.parse(self.shared, format=ox.RdfFormat.N_QUADS)) if self.shared else []


def map_page(path: str) -> PageQuads:
    """Worker: read, extract and map one page; a refusal or a crash is reported, never raised."""
    try:
        extraction = process_file(path)
    except InputError as error:
        return PageQuads(path, problem=error.problem)
    except Exception as error:  # one broken page must not stop the others
        return PageQuads(path, problem=f"internal error while extracting: {type(error).__name__}: {error}")
    graph = graph_iri(extraction.page.doc)
    quads = to_quads(extraction)
    # The page's own quads come first (to_quads), so the split is found in a few probes, not a look at each quad.
    split = bisect.bisect_left(quads, 1, key=lambda q: q.graph_name.value != graph)
    own, shared = quads[:split], quads[split:]
    return PageQuads(path, graph, ox.serialize(own, format=ox.RdfFormat.N_QUADS),
                     ox.serialize(shared, format=ox.RdfFormat.N_QUADS), len(quads), len(extraction.claims),
                     records=tuple(records(own)))


def _outcome(path: str, future: Future, page_timeout: float) -> PageQuads:
    try:
        return future.result()
    except FutureTimeout:
        return PageQuads(path, problem=f"extraction took longer than {page_timeout:g} s and was stopped")
    except ProcessExpired as error:
        return PageQuads(path, problem=f"the extraction worker died ({error})")


def map_pages(paths: Iterable[str], jobs: int = 1,
              page_timeout: float = DEFAULT_PAGE_TIMEOUT) -> Iterator[PageQuads]:
    """Each page's quads in the order given, extracted by `jobs` worker processes."""
    window: deque[tuple[str, Future]] = deque()
    with ProcessPool(max_workers=max(jobs, 1)) as pool:
        for path in paths:
            window.append((path, pool.schedule(map_page, args=(path,), timeout=page_timeout)))
            if len(window) >= max(jobs, 1) * PAGES_IN_FLIGHT_PER_WORKER:
                yield _outcome(*window.popleft(), page_timeout)
        while window:
            yield _outcome(*window.popleft(), page_timeout)
