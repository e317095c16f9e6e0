"""Reading speed: page files to `Page` (decode + normalise) and to articles, on one core.

usage: python bench/bench_read.py [PAGE_OR_FOLDER ...] [--rounds N]

Times `read_page` (bytes from disk, encoding detection, OCR clean-up with the
offset map) and then `split_articles` on the pages it read, each over N
rounds, and prints MB of page text (UTF-8 bytes) per second of CPU time of
this process (one core; time spent waiting for a busy machine is not counted)
for each and for both together. The layout cache is cleared before every page
so nothing is reused between rounds. A pure-Python calibration loop is timed as
well: the figures scale with it on a slower or throttled core.

Measured on the five seed pages (2026-11-23, 2-core container shared with
other jobs), CPU time of one core:
- load ~14, calibration 3.4 µs: read_page 5.9-6.9 MB/s, split_articles 4.0-4.2 MB/s;
- load ~8-11, calibration 4.8-5.1 µs (final code): read_page 3.4-4.1 MB/s,
  split_articles 2.7-3.0 MB/s, both 1.5-1.7 MB/s.
An idle desktop core runs the calibration in about 0.7 µs. Wall-clock figures on
the loaded machine were 3-4x lower than CPU time.
"""

from __future__ import annotations

import argparse
import time
import timeit
from pathlib import Path

from kg.text import read_page, split_articles
from kg.text.normalise import folded_layout

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _files(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for p in map(Path, paths):
        found.extend(sorted(p.rglob("*.txt")) if p.is_dir() else [p])
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*", default=[str(SEEDS)])
    ap.add_argument("--rounds", type=int, default=10)
    a = ap.parse_args()
    files = _files(a.paths)
    size_mb = sum(f.stat().st_size for f in files) / 1e6
    pages = [read_page(f) for f in files]  # warm-up (imports, regex compilation)
    split_articles(pages[0])

    read_time = split_time = 0.0
    for _ in range(a.rounds):
        for f in files:
            folded_layout.cache_clear()
            started = time.process_time()
            page = read_page(f)
            read_time += time.process_time() - started
            started = time.process_time()
            split_articles(page)
            split_time += time.process_time() - started
    calibration = timeit.timeit("sum(range(100))", number=20000) / 20000 * 1e6
    total = size_mb * a.rounds
    print(f"{len(files)} pages, {size_mb:.3f} MB, {a.rounds} rounds; calibration {calibration:.1f} µs")
    print(f"read_page:           {total / read_time:6.2f} MB/s")
    print(f"split_articles:      {total / split_time:6.2f} MB/s")
    print(f"read + split:        {total / (read_time + split_time):6.2f} MB/s")


if __name__ == "__main__":
    main()
