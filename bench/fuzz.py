"""Long fuzz run of the reader, number parser and claim extractor, and their scaling on long pages.

`python -m bench.fuzz --examples 20000` runs the properties of tests/test_fuzz.py
(no crash, offsets inside the text, finite values) with that many examples each
instead of CI's few dozen. `--scaling` times extraction of one-line pages of
growing length, to show whether a long page costs time in proportion to its
length (a page that costs quadratic time stalls `kg ingest`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_properties(examples: int, select: str | None) -> int:
    import pytest

    os.environ["KG_FUZZ_EXAMPLES"] = str(examples)
    args = [str(ROOT / "tests" / "test_fuzz.py"), "-q", "-p", "no:cacheprovider", "--hypothesis-show-statistics"]
    if select:
        args += ["-k", select]
    return int(pytest.main(args))


def scaling(sizes: list[int]) -> list[dict[str, float]]:
    """Seconds to read and extract a page of the seed text on one line, per size in characters."""
    from kg.extract import extract
    from kg.extract.numbers import parse_quantities
    from kg.text import read_page, split_articles

    line = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
    line = line.replace("\n", "").replace("\r", "")
    extract(*_page(read_page, split_articles, line[:2000]))  # warm dictionaries and models
    rows = []
    for size in sizes:
        text = (line * (size // len(line) + 1))[:size]
        began = time.perf_counter()
        parse_quantities(text)
        numbers = time.perf_counter() - began
        page, articles = _page(read_page, split_articles, text)
        began = time.perf_counter()
        extract(page, articles)
        rows.append({"chars": size, "numbers_s": round(numbers, 2), "extract_s": round(time.perf_counter() - began, 2)})
        print(json.dumps(rows[-1]), flush=True)
    return rows


def _page(read_page, split_articles, text: str):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long.txt"
        path.write_text(text, encoding="utf-8")
        page = read_page(path)
    return page, split_articles(page)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=5000, help="examples per property (default 5000)")
    parser.add_argument("-k", dest="select", help="pytest -k expression to pick properties")
    parser.add_argument("--scaling", action="store_true", help="time one-line pages of growing length instead")
    parser.add_argument("--sizes", default="10000,20000,40000,80000", help="page sizes for --scaling")
    args = parser.parse_args(argv)
    if args.scaling:
        scaling([int(s) for s in args.sizes.split(",")])
        return 0
    return run_properties(args.examples, args.select)


if __name__ == "__main__":
    sys.exit(main())
