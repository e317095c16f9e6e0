"""How well metric keys line up across documents: the same measure in two places should be one node.

    python -m bench.metric_keys DIR...

Extracts every .txt page of the folders and prints how many claims carry a metric, how many distinct
metric keys they use, and how many keys occur in two or more documents (the measures a comparison
across regions can use).
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

from kg.pipeline import iter_sources, process_file


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dirs", nargs="+", type=Path)
    a = ap.parse_args()
    docs: dict[str, set[str]] = defaultdict(set)
    claims = 0
    for path in iter_sources(a.dirs):
        for claim in process_file(path).claims:
            if claim.metric_key:
                docs[claim.metric_key].add(path.name)
                claims += 1
    shared = sorted(k for k, found in docs.items() if len(found) > 1)
    print(f"claims with a metric {claims}, distinct keys {len(docs)}, keys in 2+ documents {len(shared)}")
    print(" ".join(shared))


if __name__ == "__main__":
    main()
