"""Give the heap the bulk loader freed back to the OS, so the ingest writer's RSS does not ratchet up by load.

A `bulk_load` of N-Quads allocates hundreds of MB in Rust (sorted quads, term
maps) from glibc malloc arenas of its loader threads and frees them at the end;
glibc keeps most of those freed pages mapped. Measured on 1 M-quad loads
(bench/RESULTS.md, "Ingest memory"): 260–390 MiB of RSS stayed after each
load, 33–99 MiB after `malloc_trim(0)`. Other C libraries have no such call:
there this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    return getattr(ctypes.CDLL(name), "malloc_trim", None)


def give_back() -> bool:
    """Return free heap pages to the OS (glibc `malloc_trim`); False where the C library cannot."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
