"""Extraction speed: page text to claims, the whole pipeline, on one core.

usage: python -m bench.bench_extract [PAGE_OR_FOLDER ...] [--rounds N]

Reads the pages once (decoding is not the thing measured), then times
split_articles → extract (entities, numbers, claims) over them, and extract
alone on articles split beforehand, after one warm-up pass that loads the
dictionaries. Prints KB of page text per second of CPU time (the single-core
figure) and of wall-clock time.

Measured 2026-11-23 on generated pages (`python -m bench.corpus DIR --size 2MB
--seed 0`: 100 pages, 10,686 claims) and the seeds (5 pages, 340 claims), CPU time on
one core, each new run paired with a run of the code before issue 9's work (8de4140)
in the same minute. The machine was shared (load average 2-8), so figures are ranges;
on a quiet machine the old code gave ~420 KB/s on the seeds, ~430 KB/s generated:

    KB/s of CPU time            seeds: before → after     generated: before → after
    extract alone               285-450 → 765-980          360-480 → 480-725 (×1.3-1.9 paired)
    split_articles + extract    260-410 → 710-910          320-410 → 400-610

Best single pass of extract alone at load ~3.5 (less disturbed by the other jobs):
seeds 505 → 1,022 KB/s, generated 418-446 → 738-788 KB/s. (split_articles got
faster at the same time, in kg/text.) A one-line page of
1,000,000 characters (the seed text repeated: one article, 9,534 claims) extracts in
~5-6 s of CPU time, down from ~108 s: the gazetteer scan, the program walk back, the
sole-campaign lookup and the evidence uniqueness check are linear in page length.

Later the same day (16:30 UTC), generated 2 MB, each run paired with one of the code at
31e19d0: extract alone 464-516 → 368-389 KB/s of CPU time, split + extract 370-436 →
339-391. The price of better metric phrases (dev metric_dice 0.576 → 0.731): the phrase
now takes about 55 µs per claim, 15 before, on pages with a claim every 200 bytes.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from kg.extract import extract
from kg.pipeline import iter_sources
from kg.text import read_page, split_articles

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*", default=[str(SEEDS)])
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    pages = [read_page(p) for p in iter_sources(a.paths)]
    size_kb = sum(len(p.raw.encode("utf-8")) for p in pages) / 1024
    split = [split_articles(p) for p in pages]
    claims = sum(len(extract(p, articles).claims) for p, articles in zip(pages, split, strict=True))  # warm-up
    started, cpu_started = time.perf_counter(), time.process_time()
    for _ in range(a.rounds):
        for page in pages:
            extract(page, split_articles(page))
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    cpu_started = time.process_time()
    for _ in range(a.rounds):
        for page, articles in zip(pages, split, strict=True):
            extract(page, articles)
    cpu_alone = time.process_time() - cpu_started
    print(f"{len(pages)} pages, {size_kb:.1f} KB, {claims} claims per pass")
    per_pass = cpu / a.rounds * 1000
    print(f"split + extract: {size_kb * a.rounds / cpu:.0f} KB/s of CPU time on one core ({per_pass:.0f} ms per pass)")
    print(f"                 {size_kb * a.rounds / elapsed:.0f} KB/s wall clock (lower when the machine is busy)")
    print(f"extract alone:   {size_kb * a.rounds / cpu_alone:.0f} KB/s of CPU time on one core")


if __name__ == "__main__":
    main()
