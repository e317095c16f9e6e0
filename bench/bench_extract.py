"""Extraction speed: page text to claims, the whole pipeline, on one core.

usage: python bench/bench_extract.py [PAGE_OR_FOLDER ...] [--rounds N]

Reads the pages once (decoding is not the thing measured), then times
split_articles → extract (entities, numbers, claims) over them, after one
warm-up pass that loads the dictionaries. Prints KB of page text per second of
CPU time (the single-core figure) and of wall-clock time.
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
    claims = sum(len(extract(p, split_articles(p)).claims) for p in pages)  # warm-up
    started, cpu_started = time.perf_counter(), time.process_time()
    for _ in range(a.rounds):
        for page in pages:
            extract(page, split_articles(page))
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    print(f"{len(pages)} pages, {size_kb:.1f} KB, {claims} claims per pass")
    per_pass = cpu / a.rounds * 1000
    print(f"extract: {size_kb * a.rounds / cpu:.0f} KB/s of CPU time on one core ({per_pass:.0f} ms per pass)")
    print(f"         {size_kb * a.rounds / elapsed:.0f} KB/s wall clock (lower when the machine is busy)")


if __name__ == "__main__":
    main()
