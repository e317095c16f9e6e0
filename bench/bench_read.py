"""Reading speed: page files to `Page` (decode + normalise) and to articles, on one core.

usage: python bench/bench_read.py [PAGE_OR_FOLDER ...] [--rounds N]
(`python -m bench --only reading` runs it on the seeds and a generated corpus for bench/RESULTS.md)

Times `read_page` (bytes from disk, encoding detection, OCR clean-up with the
offset map) and then `split_articles` on the pages it read, each over N
rounds, in CPU time of this process, and gives MB of page text (UTF-8 bytes)
per second: each page's fastest round summed over the pages, and the mean over
all rounds. The layout cache is cleared before every page so nothing is reused
between rounds. A pure-Python calibration loop is timed too: the figures scale
with it on a slower or throttled core.

To time another copy of the code, run this file by path with that copy on
PYTHONPATH (`PYTHONPATH=/tmp/old python bench/bench_read.py`): with `python -m`
the working directory comes first on sys.path and its kg is the one timed.

Measured 2026-11-23 on the 2-core VM, read + split, best MB/s. Without pauses
(15:55-16:00 UTC, calibration loop 0.9-1.5 µs): seeds 7.0-7.6, generated 2 MB (100
pages) 5.6-6.2; at other times the core ran the loop in 1.7 µs and the seeds read at
3.5-4.5. With pauses between rounds (`python -m bench --only reading`, 16:40 UTC,
loop 0.9-2.3 µs within each run): seeds 6.1-6.4, generated 4.9-5.6. This session's
changes (offsets as a machine-integer array, slotted dataclasses, paragraphs
located with one searchsorted) gave 8-12% in an A/B of the old and new code
imported side by side and run page by page alternately. Generated pages cost more
per byte than the seeds: their OCR column lines are short (about 13,500 lines per
MB against 8,400). What is left is per-object Python work spread thin: a Line per printed
line and the few lines judged one by one (~20% together), column resolution,
a Sentence per sentence (~2.5 µs each with its checks), story segmentation,
headline matching (substring tests in C) and paragraphs; none is more than a
fifth of the total.
"""

from __future__ import annotations

import argparse
import time
import timeit
from dataclasses import dataclass
from pathlib import Path

from kg.text import read_page, split_articles
from kg.text.normalise import folded_layout

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
TARGET_MB_S = 5.0


@dataclass
class ReadFigures:
    """MB of page text (UTF-8 bytes) per CPU-second of one core, for one set of pages."""

    pages: int
    mb: float
    rounds: int
    read_best: float  # read_page, each page's fastest round
    split_best: float  # split_articles, each page's fastest round
    both_best: float
    both_mean: float  # read_page + split_articles over every round
    calibration_us: float  # the pure-Python loop below: its fastest run, one after every round
    calibration_slowest_us: float  # and its slowest: how much the core's own speed moved meanwhile


def files_of(paths: list[str | Path]) -> list[Path]:
    found: list[Path] = []
    for p in map(Path, paths):
        found.extend(sorted(p.rglob("*.txt")) if p.is_dir() else [p])
    return found


def measure(files: list[Path], rounds: int, pause: float = 0.0) -> ReadFigures:
    """Time `read_page` and `split_articles` on every page, `rounds` times, in CPU time of this process.

    Other load only ever adds time, so each page's fastest round is the closest figure for a core of
    its own (timeit's advice); the mean over all rounds is kept beside it. A shared virtual core also
    changes speed by itself for seconds at a time: `pause` seconds between rounds spread them out."""
    pages = [read_page(f) for f in files]  # warm-up (imports, regex compilation)
    split_articles(pages[0])
    best_read = [float("inf")] * len(files)
    best_split = [float("inf")] * len(files)
    total = 0.0
    calibrations: list[float] = []
    for n in range(rounds):
        if n and pause:
            time.sleep(pause)
        for i, f in enumerate(files):
            folded_layout.cache_clear()  # nothing is reused between rounds
            started = time.process_time()
            page = read_page(f)
            read = time.process_time()
            split_articles(page)
            done = time.process_time()
            best_read[i] = min(best_read[i], read - started)
            best_split[i] = min(best_split[i], done - read)
            total += done - started
        calibrations.append(timeit.timeit("sum(range(100))", number=5000) / 5000 * 1e6)
    mb = sum(f.stat().st_size for f in files) / 1e6
    read_s, split_s = sum(best_read), sum(best_split)
    return ReadFigures(len(files), mb, rounds, mb / read_s, mb / split_s, mb / (read_s + split_s),
                       mb * rounds / total, min(calibrations), max(calibrations))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*", default=[str(SEEDS)])
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--pause", type=float, default=0.0, help="seconds between rounds")
    a = ap.parse_args()
    f = measure(files_of(a.paths), a.rounds, a.pause)
    print(f"{f.pages} pages, {f.mb:.3f} MB, {f.rounds} rounds; "
          f"calibration {f.calibration_us:.1f}-{f.calibration_slowest_us:.1f} µs")
    print(f"read_page (best):       {f.read_best:6.2f} MB/s")
    print(f"split_articles (best):  {f.split_best:6.2f} MB/s")
    print(f"read + split (best):    {f.both_best:6.2f} MB/s")
    print(f"read + split (mean):    {f.both_mean:6.2f} MB/s")


if __name__ == "__main__":
    main()
