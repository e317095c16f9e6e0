"""The cycle collector paused while one page is read (issue 17: extraction speed).

Why: extraction allocates millions of short-lived tuples, lists and dataclasses per megabyte,
nearly all freed by reference counting, yet every 700 allocations start a collection that walks
the young objects and, now and then, the gazetteer and dictionaries that live for the whole
run. Pausing it for a page leaves one collection per page instead; the cycles a page makes are
few and live no longer than the next page.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The collector off inside the block, as it was after it (so blocks nest)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
