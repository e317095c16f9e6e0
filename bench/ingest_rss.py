"""`kg ingest`'s memory by process over a whole run, for choosing the segment size (issue 17: ≤ 2 GB at 1 GB).

    python -m bench.ingest_rss CORPUS --work DIR [--segment-quads 1000000 500000] [--rounds 1] [--jobs 2]

For each round, in turn for each segment size, it runs `kg ingest CORPUS --store DIR/store-N --jobs J
--segment-quads N` and samples every second the RSS of the writer (the `kg` process) and of each worker (its
children): the peak of the tree's sum, the writer's peak, the workers' RSS after their first and before their
last minute, wall time, the store's size on disk and the load average; then it deletes the store (unless
--keep). A line per minute shows the run as it goes.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil

from bench import folder_mb, load_average


def _rss(process: psutil.Process) -> int:
    try:
        return process.memory_info().rss
    except psutil.NoSuchProcess:
        return 0


def run(corpus: Path, store: Path, jobs: int, segment: int, keep: bool = False,
        interval: float = 1.0) -> dict[str, Any]:
    """One `kg ingest` under the sampler; its figures in MiB, seconds and MB."""
    shutil.rmtree(store, ignore_errors=True)
    command = [sys.executable, "-m", "kg.cli", "ingest", str(corpus), "--store", str(store), "--jobs", str(jobs),
               "--segment-quads", str(segment)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    writer = psutil.Process(process.pid)
    tree_peak = writer_peak = 0
    workers: list[tuple[float, int]] = []  # (seconds, the largest worker's RSS)
    loads = []
    last_line = started
    while process.poll() is None:
        try:
            children = writer.children(recursive=True)
        except psutil.NoSuchProcess:
            break
        own = _rss(writer)
        theirs = [_rss(child) for child in children]
        tree_peak = max(tree_peak, own + sum(theirs))
        writer_peak = max(writer_peak, own)
        now = time.perf_counter()
        if theirs:
            workers.append((now - started, max(theirs)))
        if now - last_line >= 60:
            last_line = now
            loads.append(load_average())
            print(f"  {now - started:5.0f} s: writer {own / 2**20:6.0f} MiB, workers "
                  f"{' '.join(f'{r / 2**20:.0f}' for r in theirs)} MiB, tree peak {tree_peak / 2**20:.0f} MiB, "
                  f"load {loads[-1]:.1f}", file=sys.stderr, flush=True)
        time.sleep(interval)
    _, err = process.communicate()
    wall = time.perf_counter() - started
    if process.returncode not in (0, 2):
        raise RuntimeError(f"kg ingest failed: {err[-2000:]}")
    end = workers[-1][0] if workers else 0.0
    early = [rss for at, rss in workers if 60 <= at <= 120] or [rss for _, rss in workers[:60]]
    late = [rss for at, rss in workers if end - 60 <= at] or [0]
    figures = {"segment_quads": segment, "wall_s": round(wall, 1), "tree_peak_mib": round(tree_peak / 2**20),
               "writer_peak_mib": round(writer_peak / 2**20),
               "worker_early_mib": round(max(early, default=0) / 2**20),
               "worker_late_mib": round(max(late) / 2**20), "store_mb": round(folder_mb(store), 1),
               "load_during": [round(x, 1) for x in loads], "load_end": round(load_average(), 1),
               "summary": err.strip().splitlines()[-1] if err.strip() else ""}
    if not keep:
        shutil.rmtree(store, ignore_errors=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--segment-quads", type=int, nargs="+", default=[1_000_000, 500_000])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the stores (DIR/store-N)")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    for round_number in range(args.rounds):
        for segment in args.segment_quads:
            figures = run(args.corpus, args.work / f"store-{segment}", args.jobs, segment, args.keep)
            print(json.dumps({"round": round_number + 1, **figures}), flush=True)


if __name__ == "__main__":
    main()
