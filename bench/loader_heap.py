"""RSS of repeated `bulk_load`s into one store, with and without giving the freed heap back (kg.rdf.heap).

    python -m bench.loader_heap DIR [--loads 6] [--quads 400000] [--mode trim|none]

Each load is `--quads` synthetic N-Quads lines (a claim IRI, 30 predicates, a Chinese literal, a graph per 3,000
lines) into the store in DIR; a thread samples RSS every 0.2 s. Printed per load: seconds, the peak during the
load, RSS after it and, with `--mode trim`, after `kg.rdf.heap.give_back()`. Run the two modes side by side.
"""

from __future__ import annotations

import argparse
import io
import shutil
import threading
import time
from pathlib import Path

import psutil
import pyoxigraph as ox

from kg.rdf import heap


def _segment(lines: int, seed: int) -> bytes:
    out = io.BytesIO()
    for i in range(lines):
        graph = f"<https://kg.example.org/page/{seed}-{i // 3000}>"
        subject = f"<https://kg.example.org/claim/{seed}-{i // 30}>"
        literal = f'"第{seed}段 数值 {i} 亿元 县人民政府"@zh'
        out.write(f"{subject} <https://kg.example.org/p{i % 30}> {literal} {graph} .\n".encode())
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--loads", type=int, default=6)
    parser.add_argument("--quads", type=int, default=400_000)
    parser.add_argument("--mode", choices=("trim", "none"), default="trim")
    args = parser.parse_args()
    shutil.rmtree(args.folder, ignore_errors=True)
    store = ox.Store(str(args.folder))
    process = psutil.Process()
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], process.memory_info().rss)
            stop.wait(0.2)

    threading.Thread(target=sample, daemon=True).start()
    for number in range(args.loads):
        data = _segment(args.quads, number)
        peak[0] = 0
        started = time.perf_counter()
        store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
        del data
        after = process.memory_info().rss
        if args.mode == "trim":
            heap.give_back()
        print(f"{args.mode} load {number}: {time.perf_counter() - started:.0f} s, peak {peak[0] / 2**20:.0f} MiB, "
              f"after {after / 2**20:.0f} MiB, then {process.memory_info().rss / 2**20:.0f} MiB", flush=True)
    stop.set()
    del store
    shutil.rmtree(args.folder, ignore_errors=True)


if __name__ == "__main__":
    main()
