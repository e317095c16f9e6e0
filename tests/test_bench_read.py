"""The reader benchmark's harness: what it counts and how RESULTS.md shows it (no speed is asserted)."""

from __future__ import annotations

from bench import SEEDS
from bench.__main__ import render
from bench.bench_read import TARGET_MB_S, files_of, measure


def test_measure_counts_every_page_and_best_is_never_below_mean() -> None:
    files = files_of([SEEDS])
    figures = measure(files, rounds=2)
    assert figures.pages == len(files) == 5
    assert figures.mb == sum(f.stat().st_size for f in files) / 1e6
    assert figures.both_best >= figures.both_mean > 0
    assert figures.read_best > figures.both_best and figures.split_best > figures.both_best


def test_results_show_the_reader_target_with_each_corpus() -> None:
    row = {"pages": 5, "mb": 0.1, "rounds": 3, "read_best": 9.0, "split_best": 9.0, "both_best": 4.5,
           "both_mean": 4.0, "calibration_us": 1.0, "calibration_slowest_us": 1.5}
    text = render({"reading": [{"corpus": "seed pages", **row}, {"corpus": "generated", **row, "both_best": 6.0}]})
    target = next(line for line in text.splitlines() if line.startswith(f"| reader ≥ {TARGET_MB_S:.0f} MB/s"))
    assert "seed pages: 4.50 MB/s; generated: 6.00 MB/s" in target and target.endswith("| **not met** |")
    assert "| seed pages (5) | 0.10 | 3 | 9.00 | 9.00 | 4.50 | 4.00 | 1.0-1.5 µs |" in text
