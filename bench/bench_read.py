"""Reading speed: page files to `Page` (decode + normalise) and to articles, on one core.

usage: python bench/bench_read.py [PAGE_OR_FOLDER ...] [--rounds N]

Times `read_page` (bytes from disk, encoding detection, OCR clean-up with the
offset map) and then `split_articles` on the pages it read, each over N
rounds, and prints MB of page text (UTF-8 bytes) per second of CPU time of
this process (one core; time spent waiting for a busy machine is not counted)
for each and for both together. The layout cache is cleared before every page
so nothing is reused between rounds. A pure-Python calibration loop is timed as
well: the figures scale with it on a slower or throttled core.

Measured 2026-11-23 13:54 UTC, 2-core container shared with other jobs (load 5-7),
CPU time of one core, three alternating runs of the code before (8de4140) and after
the reader speed-ups, seeds at 10 rounds and a generated corpus
(`python -m bench.corpus /tmp/rcorpus --size 2MB --seed 0`, 100 pages) at 2 rounds:
- seeds, before: read_page 3.4-6.8, split_articles 2.9-4.4, both 1.6-2.7 MB/s;
- seeds, after:  read_page 8.6-9.6, split_articles 10.8-12.6, both 4.8-5.5 MB/s;
- generated, before: read_page 4.0-4.5, split_articles 4.9-5.8, both 2.2-2.5 MB/s;
- generated, after:  read_page 3.2-6.3, split_articles 4.9-8.6, both 2.0-3.6 MB/s
  (the low figures in one run that a load spike hit).
The calibration loop ran in 0.9-3.4 µs during these runs; an idle desktop core runs
it in about 0.7 µs. Generated pages cost more per byte than the seeds: their OCR
column lines are short (about 13,500 lines per MB against 8,400), and classifying
a line (lines.make_line) is the largest single cost left, then sentence splitting.
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
