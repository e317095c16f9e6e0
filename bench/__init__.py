"""Benchmarks of speed and scale; `python -m bench` runs them all and writes bench/RESULTS.md.

Shared here: the machine a figure was measured on, medians and percentiles,
and the peak resident memory of a process tree (a run's own peak, sampled
from /proc, since getrusage keeps only the largest single process).
"""

from __future__ import annotations

import os
import platform
import resource
import shutil
import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import pyoxigraph as ox

from kg.rdf.compact import folder_bytes

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def machine() -> str:
    """nproc, CPU model, RAM and OS: what every figure in RESULTS.md was measured on."""
    model = platform.processor() or "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    ram = psutil.virtual_memory().total / 2**30
    return (f"{os.cpu_count()} CPU ({model}), {ram:.1f} GiB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: the smallest value with at least pct % of the values at or below it."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


class PeakRSS:
    """Highest summed RSS of a process and its descendants while the block runs (sampled)."""

    def __init__(self, pid: int | None = None, interval: float = 0.05) -> None:
        self.pid = pid or os.getpid()
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _tree_rss(self) -> int:
        try:
            root = psutil.Process(self.pid)
            processes = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0
        total = 0
        for process in processes:
            try:
                total += process.memory_info().rss
            except psutil.NoSuchProcess:
                continue
        return total

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._tree_rss())
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakRSS:
        self.peak = self._tree_rss()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def mib(self) -> float:
        return self.peak / 2**20


def timed(action: Callable[[], object], runs: int) -> list[float]:
    """Wall seconds of each of `runs` calls."""
    return [wall for wall, _ in cpu_timed(action, runs)]


def cpu_seconds() -> float:
    """CPU time of this process and of its children, finished or running: a rate per core that other
    load on the machine does not distort, unlike wall time."""
    own, done = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    total = own.ru_utime + own.ru_stime + done.ru_utime + done.ru_stime
    for child in psutil.Process().children(recursive=True):
        try:
            times = child.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def cpu_timed(action: Callable[[], object], runs: int) -> list[tuple[float, float]]:
    """(wall seconds, CPU seconds) of each of `runs` calls."""
    found = []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), cpu_seconds()
        action()
        found.append((time.perf_counter() - wall, cpu_seconds() - cpu))
    return found


def load_average() -> float:
    """The 1-minute load average: other work on the machine slows every wall-clock figure."""
    return os.getloadavg()[0]


def folder_mb(folder: Path) -> float:
    """Bytes on disk under `folder` (kg.rdf.compact.folder_bytes, what `kg compact` reports), in MB."""
    return folder_bytes(folder) / 1e6


def bulk_load_anchor(dump: Path, target: Path) -> tuple[float, float]:
    """The ingest anchor: seconds for ONE `bulk_load` of an N-Quads dump into an empty store at `target`
    (flushed), and that store's MB on disk; the store is removed afterwards."""
    shutil.rmtree(target, ignore_errors=True)
    started = time.perf_counter()
    fresh = ox.Store(str(target))
    fresh.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    fresh.flush()
    seconds = time.perf_counter() - started
    del fresh
    size = folder_mb(target)
    shutil.rmtree(target, ignore_errors=True)
    return seconds, size
