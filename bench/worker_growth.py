"""An ingest worker's memory over a long run of pages, in ONE process (issue 17: workers grew at 1 GB).

    python -m bench.worker_growth CORPUS [--pages 5000] [--every 500] [--trace]

Runs `kg.ingest.map_page` (what each `kg ingest` worker does per page) on the corpus's first pages in order and
prints this process's RSS (after a first page that loads the tables) every `--every` pages, with the entries
held by the package's memoised functions (functools caches). With `--trace`, tracemalloc compares the heap at
the first report with the heap at the end and prints the lines whose allocations grew most (slower: tracemalloc
hooks every allocation; allocations in mypyc-compiled code are charged to the Python line that called it).
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import psutil

from bench import load_average
from kg.ingest import map_page
from kg.pipeline import iter_sources


def memoised() -> Iterator[tuple[str, int]]:
    """(module.function, entries) of every functools cache in the loaded kg modules."""
    for name, module in sorted(sys.modules.items()):
        if not name.startswith("kg.") or module is None:
            continue
        for attr, value in vars(module).items():
            info = getattr(value, "cache_info", None)
            if callable(info) and isinstance(value, functools._lru_cache_wrapper) and value.__module__ == name:
                yield f"{name}.{attr}", info().currsize


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--every", type=int, default=500)
    parser.add_argument("--trace", action="store_true")
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    paths = [str(p) for p in iter_sources([str(args.corpus)])][:args.pages]
    process = psutil.Process()
    map_page(paths[0])  # loads the dictionaries and tables first: tracemalloc would slow that tenfold
    if args.trace:
        tracemalloc.start(1)
    first = None
    started = time.perf_counter()
    text = 0
    for number, path in enumerate(paths, 1):
        text += Path(path).stat().st_size
        map_page(path)
        if number % args.every == 0 or number == len(paths):
            caches = sorted(memoised(), key=lambda item: -item[1])[:6]
            print(f"page {number}: {text / 1e6:.1f} MB of text, RSS {process.memory_info().rss / 2**20:.1f} MiB, "
                  f"{time.perf_counter() - started:.0f} s, load {load_average():.1f}; largest caches "
                  + ", ".join(f"{name.removeprefix('kg.')} {size}" for name, size in caches), flush=True)
            if args.trace and first is None:
                first = tracemalloc.take_snapshot()
    if args.trace and first is not None:
        last = tracemalloc.take_snapshot()
        for stat in last.compare_to(first, "lineno")[:args.top]:
            print(stat)


if __name__ == "__main__":
    main()
