"""Extraction against jieba's precise cut of the same text, in CPU seconds of one process (issue 17).

usage: python -m bench.extraction_speed [--size 1MB] [--rounds 3] [--profile N]

Takes the first `--size` bytes of pages of the generated corpus (`bench.corpus`,
5 MB, seed 0: the sample `bench.user_runs` times), then alternates rounds of
`process_file` (read → split → extract) and `jieba.lcut` over the same text, so
both meet the same machine load; CPU time, not wall time, since the machine is
shared. Prints MB per CPU-second of each and their ratio per round and the median.
Extraction runs as this process loads it: the mypyc build where one is whole and
fresh (kg/compiled.py), and each round also runs it from source (KG_PURE=1) in a
child process, timed there after its own warm-up, so the speed-up is measured in turn.
`--profile N` runs extraction once more under cProfile and prints the N most
expensive functions by cumulative and by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import ROOT, load_average, median
from bench.corpus import parse_size
from bench.ingest_scale import corpus_of

SAMPLE_BYTES = 1_000_000


def sample(corpus: Path, size: int = SAMPLE_BYTES) -> list[Path]:
    """The corpus's first pages, in sorted order, until they hold `size` bytes."""
    paths, total = [], 0
    for path in sorted(corpus.rglob("*.txt")):
        paths.append(path)
        total += path.stat().st_size
        if total >= size:
            break
    return paths


def _extract_cpu(paths: list[Path]) -> float:
    from kg.pipeline import process_file

    started = time.process_time()
    for path in paths:
        process_file(path)
    return time.process_time() - started


_PURE_CHILD = """
import sys
from pathlib import Path
from bench.extraction_speed import _extract_cpu
from kg.pipeline import process_file
paths = [Path(p) for p in sys.argv[1:]]
process_file(paths[0])
print(_extract_cpu(paths))
"""


def _pure_cpu(paths: list[Path]) -> float:
    """CPU seconds of extraction from source, in a child process (a process holds one build or the other)."""
    run = subprocess.run([sys.executable, "-c", _PURE_CHILD, *map(str, paths)], cwd=ROOT, check=True,
                         env={**os.environ, "KG_PURE": "1"}, capture_output=True, text=True)
    return float(run.stdout.split()[-1])


def _jieba_cpu(texts: list[str]) -> float:
    import jieba

    started = time.process_time()
    for text in texts:
        jieba.lcut(text)
    return time.process_time() - started


def extraction_vs_jieba(paths: list[Path], rounds: int = 1, pure: bool = False) -> dict[str, Any]:
    """MB per CPU-second of extraction and of jieba's precise cut over the same pages, rounds alternating
    (the median round of each); the dictionaries of both are loaded before the timing. With `pure`, each
    round also times extraction from source in a child process (only meaningful when this one is compiled)."""
    import jieba

    from kg.pipeline import process_file
    from kg.text import read_page

    texts = [read_page(p).raw for p in paths]
    jieba.lcut(texts[0])
    process_file(paths[0])
    mb = sum(p.stat().st_size for p in paths) / 1e6
    jieba_runs, extract_runs, pure_runs = [], [], []
    for _ in range(rounds):
        jieba_runs.append(_jieba_cpu(texts))
        extract_runs.append(_extract_cpu(paths))
        if pure:
            pure_runs.append(_pure_cpu(paths))
    result = {
        "mb": mb,
        "extract_mb_per_cpu_s": mb / median(extract_runs),
        "jieba_mb_per_cpu_s": mb / median(jieba_runs),
        "ratios": [j / e for j, e in zip(jieba_runs, extract_runs, strict=True)],
    }
    if pure:
        result["pure_mb_per_cpu_s"] = mb / median(pure_runs)
        result["pure_ratios"] = [j / p for j, p in zip(jieba_runs, pure_runs, strict=True)]
        result["speedups"] = [p / e for p, e in zip(pure_runs, extract_runs, strict=True)]
    return result


def profile(paths: list[Path], top: int) -> None:
    """Extraction once under cProfile: the `top` functions by cumulative and by own time."""
    profiler = cProfile.Profile()
    profiler.runcall(_extract_cpu, paths)
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.extraction_speed", description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="1MB", help="text of the sample")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--profile", type=int, default=0, metavar="N", help="also print the N hottest functions")
    ap.add_argument("--cache", default=str(ROOT / "data" / "bench"), help="where generated corpora are kept")
    a = ap.parse_args()
    paths = sample(corpus_of(parse_size("5MB"), 0, Path(a.cache)), parse_size(a.size))
    from kg.compiled import compiled

    build = compiled()
    r = extraction_vs_jieba(paths, a.rounds, pure=build)
    print(f"{len(paths)} pages, {r['mb']:.2f} MB, load average {load_average():.1f}")
    kind = "compiled" if build else "from source (no usable build)"
    print(f"extraction {kind}: {r['extract_mb_per_cpu_s']:.2f} MB per CPU-second (median of {a.rounds})")
    if build:
        print(f"extraction from source: {r['pure_mb_per_cpu_s']:.2f} MB per CPU-second")
    print(f"jieba.lcut: {r['jieba_mb_per_cpu_s']:.2f} MB per CPU-second")
    print("extraction / jieba per round: " + ", ".join(f"{x:.2f}×" for x in r["ratios"])
          + f" (median {median(r['ratios']):.2f}×)")
    if build:
        print("from source / jieba per round: " + ", ".join(f"{x:.2f}×" for x in r["pure_ratios"])
              + f" (median {median(r['pure_ratios']):.2f}×)")
        print("compiled speed-up over source per round: " + ", ".join(f"{x:.2f}×" for x in r["speedups"])
              + f" (median {median(r['speedups']):.2f}×)")
    if a.profile:
        profile(paths, a.profile)


if __name__ == "__main__":
    main()
