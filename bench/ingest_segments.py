"""Ingest in one bulk load per segment, and `kg compact`, beside the code before them (issue 17, round 4).

    python -m bench.ingest_segments CORPUS --work DIR [--before SRC] [--rounds 2] [--jobs 2]

For each round, in turn for each tree (this checkout, then SRC: a copy of the code before, e.g.
`git archive main kg | tar -x -C SRC`), it runs `kg ingest --jobs N` into a fresh store under
`/usr/bin/time -v` (wall, CPU of it and its workers, peak RSS of the largest process) and bench.PeakRSS
(the process tree summed), then `Store.bulk_load` of the very quads it stored into an empty store (the anchor,
timed in this process: wall and CPU), and
the store's size on disk against the text; then this checkout's `kg compact` on each store (wall, peak RSS,
size after). The load average is printed beside every row: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from bench import ROOT, PeakRSS, bulk_load_anchor, folder_mb, load_average


def timed(command: list[str], source: Path) -> dict[str, Any]:
    """Run a kg command with `source` first on the path; wall seconds and peak RSS (time -v and tree sum).
    Exit code 2 passes only for ingest (some pages refused); a refused compact is a failure."""
    env = {**os.environ, "PYTHONPATH": str(source)}
    started = time.perf_counter()
    process = subprocess.Popen(["/usr/bin/time", "-v", sys.executable, "-m", "kg.cli", *command], cwd=source,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    with PeakRSS(process.pid, interval=0.5) as rss:
        _, err = process.communicate()
    wall = time.perf_counter() - started
    if process.returncode not in ((0, 2) if command[0] == "ingest" else (0,)):
        raise RuntimeError(f"kg {command[0]} failed: {err[-2000:]}")
    largest = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
    cpu = [float(m) for m in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", err)]
    return {"wall_s": wall, "cpu_s": sum(cpu) if cpu else None,
            "rss_time_v_mib": int(largest.group(1)) / 1024 if largest else None,
            "rss_tree_mib": rss.mib, "load": load_average()}


def anchor(store: Path, work: Path) -> dict[str, Any]:
    """bulk_load of the store's own quads (dumped to N-Quads first) into an empty store: seconds and MB."""
    db = ox.Store.read_only(str(store))
    quads = len(db)
    dump = work / "anchor.nq"
    with dump.open("wb") as out:
        db.dump(out, format=ox.RdfFormat.N_QUADS)
    del db
    cpu = time.process_time()  # this process's threads: the loader's
    seconds, size = bulk_load_anchor(dump, work / "anchor-store")
    cpu = time.process_time() - cpu
    dump.unlink()
    return {"bulk_load_s": seconds, "bulk_load_cpu_s": cpu, "bulk_load_store_mb": size, "quads": quads,
            "load": load_average()}


def one_tree(name: str, source: Path, corpus: Path, work: Path, jobs: int, text_mb: float) -> dict[str, Any]:
    store = work / f"store-{name}"
    shutil.rmtree(store, ignore_errors=True)
    row: dict[str, Any] = {"tree": name}
    row["ingest"] = timed(["ingest", str(corpus), "--store", str(store), "--jobs", str(jobs)], source)
    row["store_mb"] = folder_mb(store)
    row["store_x_text"] = row["store_mb"] / text_mb
    row["anchor"] = anchor(store, work)
    row["compact"] = timed(["compact", "--store", str(store)], ROOT)
    row["compacted_mb"] = folder_mb(store)
    row["compacted_x_text"] = row["compacted_mb"] / text_mb
    shutil.rmtree(store)
    return row


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest_segments", description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--work", type=Path, required=True, help="scratch folder for the stores")
    parser.add_argument("--before", type=Path, help="a copy of the code before (its kg/ package) to run in turn")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    text_mb = sum(p.stat().st_size for p in args.corpus.rglob("*.txt")) / 1e6
    trees = [("this", ROOT)] + ([("before", args.before.resolve())] if args.before else [])
    rows = []
    for _ in range(args.rounds):
        for name, source in trees:
            rows.append(one_tree(name, source, args.corpus.resolve(), args.work.resolve(), args.jobs, text_mb))
            print(json.dumps(rows[-1]), flush=True)
    print(json.dumps({"text_mb": text_mb, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
