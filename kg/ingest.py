"""Pages into a store: extraction and mapping in worker processes, one writer.

The writer keeps at most a small window of pages in flight, so memory stays
bounded however many pages are given and however slow the store is. Every
page has a time budget: a page that takes longer is abandoned (pebble kills
its worker and starts another) and reported like an unreadable page, and the
pages stored before it stay stored.
"""

from __future__ import annotations

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

DEFAULT_PAGE_TIMEOUT = 600.0
PAGES_IN_FLIGHT_PER_WORKER = 4


@dataclass(frozen=True)
class PageQuads:
    """One page read and mapped, or the reason it was refused (`problem`)."""

    path: str
    graph: str | None = None
    quads: list[ox.Quad] | None = None
    claims: int = 0
    problem: str | None = None


def map_page(path: str) -> PageQuads:
    """Worker: read, extract and map one page; a refusal or a crash is reported, never raised."""
    try:
        extraction = process_file(path)
    except InputError as error:
        return PageQuads(path, problem=error.problem)
    except Exception as error:  # one broken page must not stop the others
        return PageQuads(path, problem=f"internal error while extracting: {type(error).__name__}: {error}")
    return PageQuads(path, graph_iri(extraction.page.doc), to_quads(extraction), len(extraction.claims))


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
