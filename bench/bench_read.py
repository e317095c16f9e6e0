"""Reading speed: page files to `Page` (decode + normalise) and to articles, on one core.

usage: python bench/bench_read.py [PAGE_OR_FOLDER ...] [--rounds N]

Times `read_page` (bytes from disk, encoding detection, OCR clean-up with the
offset map) and then `split_articles` on the pages it read, each over N
rounds, and prints MB of page text (UTF-8 bytes) per second of CPU time of
this process (one core; time spent waiting for a busy machine is not counted)
for each and for both together. The layout cache is cleared before every page
so nothing is reused between rounds. A pure-Python calibration loop is timed as
well: the figures scale with it on a slower or throttled core.

To time another copy of the code, run this file by path with that copy on
PYTHONPATH (`PYTHONPATH=/tmp/old python bench/bench_read.py`): with `python -m`
the working directory comes first on sys.path and its kg is the one timed.

Measured 2026-11-23 14:30-14:36 UTC, 2-core container shared with other jobs
(load 2-6), CPU time of one core, the code before (53ea37d) and after the second
round of reader speed-ups run alternately in separate processes, seeds at 15
rounds and a generated corpus (`python -m bench.corpus /tmp/rcorpus --size 2MB
--seed 0`, 100 pages) at 3 rounds. A process's figures swing by up to 50% with
the load on the other core, so these are the best three of ten alternating runs of
this loop keeping each phase's best round rather than the sum:
- seeds, before: read_page 10.2-10.6, split_articles 13.0-13.5, both 5.7-5.9 MB/s;
- seeds, after:  read_page 11.8-12.7, split_articles 13.6-14.4, both 6.5-6.7 MB/s;
- generated, before: read_page 6.5-6.7, split_articles 9.6-9.8, both 3.9-4.0 MB/s;
- generated, after:  read_page 8.9-10.1, split_articles 10.5-11.2, both 4.8-5.3 MB/s.
This script itself (sums over all rounds) gave, after, seeds 6.1-6.4 and generated
4.7-5.2 MB/s both while the calibration loop ran in 0.8-0.9 µs, and 4.2-5.6 and
3.8-4.6 MB/s (before: 3.1-5.1 and 2.6-3.3) while it ran in 1.0-1.8 µs; an idle
desktop core runs it in about 0.7 µs. Generated pages cost more per byte than the
seeds: their OCR column lines are short (about 13,500 lines per MB against 8,400).
A page's lines are now classified together (text.pagelines: character counts from
running sums, plain lines decided with array operations); what is left is mostly
per-object Python work: building a Line per printed line, resolving narrow columns,
a Sentence per sentence (about 1.5 µs each), paragraphs and story segmentation.

Third round (2026-11-23 14:50-14:55 UTC, load 1-3.5): old (2d2d4cb) and new code
imported side by side in one process, alternating page by page, each page's best
of 9 rounds summed (the alternating whole-process runs above could not tell them
apart at this load): generated read_page 8.32-8.40 → 8.57-8.71, split_articles
10.62-10.73 → 10.59-10.64, both 4.69 → 4.74-4.78 MB/s; seeds read_page +4-5%,
split_articles within ±5%, both +1-5%. Per 2 MB of generated pages what is left
(CPU ms, quiet core): page_lines ~85 (array pass ~39, a Line per line ~31, make_line
~14), column resolution ~27, the rest of normalise ~40 (the offsets list alone ~25),
split_sentences ~50 (~25 of it building Sentence objects), segmentation ~35-55,
headline matching ~35, paragraphs ~17. None is more than a fifth of the total.
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
