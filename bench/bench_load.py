"""Load speed of the embedded store: triples per second.

usage: python bench/bench_load.py [--triples N] [--seeds DIR] [--workdir DIR]

1. The seed pages: extracted and mapped first (not timed), then loaded page by
   page with `replace_graph` (the transactional path `kg ingest` takes) and in
   one `bulk_add` (pyoxigraph bulk_extend).
2. A generated corpus of at least N triples (default 1,000,000) from
   kg.rdf.synth: mapped (timed on its own), written to N-Quads, then loaded
   into fresh stores with pyoxigraph's `bulk_load` (from the file) and
   `bulk_extend` (from quads in memory), and page by page with `replace_graph`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from kg.rdf import iris
from kg.rdf.mapping import to_quads
from kg.rdf.store import EmbeddedStore
from kg.rdf.synth import synthetic_extraction

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def timed(label: str, count: int, work: Callable[[], object]) -> float:
    """Run `work`, print wall-clock and CPU rates; return the wall-clock rate.

    CPU time (all threads of this process) is printed too, because on a shared
    machine the wall clock mostly measures the other tenants.
    """
    start, cpu_start = time.perf_counter(), time.process_time()
    work()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    rate = count / seconds if seconds else float("inf")
    cpu_rate = count / cpu if cpu else float("inf")
    print(f"{label:<52} {count:>10,} triples {seconds:8.2f} s {rate:>10,.0f} triples/s "
          f"(CPU {cpu:7.2f} s, {cpu_rate:>10,.0f} triples/CPU-s)")
    return rate


def fresh(workdir: Path, name: str) -> EmbeddedStore:
    path = workdir / name
    shutil.rmtree(path, ignore_errors=True)
    return EmbeddedStore(path)


def bench_seeds(folder: Path, workdir: Path) -> None:
    from kg.pipeline import iter_sources, process_file

    pages = [to_quads(process_file(p)) for p in iter_sources([folder])]
    total = sum(len(q) for q in pages)
    store = fresh(workdir, "seeds-replace")

    def replace_all() -> None:
        for quads in pages:
            store.replace_graph(quads[0].graph_name.value, quads)

    timed(f"seeds ({len(pages)} pages): replace_graph per page", total, replace_all)
    store.close()
    store = fresh(workdir, "seeds-bulk")
    timed(f"seeds ({len(pages)} pages): bulk_add", total, lambda: store.bulk_add(q for p in pages for q in p))
    store.close()


def bench_corpus(target: int, workdir: Path) -> float:
    pages: list[list[ox.Quad]] = []
    total = 0

    def generate() -> None:
        nonlocal total
        while total < target:
            quads = to_quads(synthetic_extraction(f"bench_{len(pages):06d}.txt", articles=20, claims_per_article=8))
            pages.append(quads)
            total += len(quads)

    start = time.perf_counter()
    generate()
    print(f"{'corpus: map synthetic extractions to quads':<52} {total:>10,} triples "
          f"{time.perf_counter() - start:8.2f} s ({len(pages)} pages)")
    nquads = workdir / "corpus.nq"
    with nquads.open("wb") as out:
        ox.serialize((q for p in pages for q in p), out, ox.RdfFormat.N_QUADS)

    store = fresh(workdir, "corpus-bulk-load")
    # lenient: the file is our own serializer's output, valid by construction.
    rate = timed("corpus: bulk_load from N-Quads file (lenient)", total,
                 lambda: store.store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS, lenient=True))
    assert len(store) == total
    store.close()

    store = fresh(workdir, "corpus-bulk-extend")
    timed("corpus: bulk_add (bulk_extend) from quads in memory", total,
          lambda: store.bulk_add(q for p in pages for q in p))
    assert len(store) == total
    store.close()

    store = fresh(workdir, "corpus-replace")

    def replace_all() -> None:
        for quads in pages:
            store.replace_graph(iris.graph_iri(quads[0].graph_name.value.rsplit("/", 1)[1]), quads)

    timed("corpus: replace_graph per page (transactional)", total, replace_all)
    assert len(store) == total
    store.close()
    return rate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--triples", type=int, default=1_000_000, help="size of the generated corpus")
    ap.add_argument("--seeds", type=Path, default=SEEDS, help="folder of seed pages ('' to skip)")
    ap.add_argument("--workdir", type=Path, help="where the stores go (default: a temporary folder)")
    a = ap.parse_args()
    workdir = a.workdir or Path(tempfile.mkdtemp(prefix="kg-bench-load-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        if str(a.seeds) and a.seeds.is_dir():
            bench_seeds(a.seeds, workdir)
        rate = bench_corpus(a.triples, workdir)
        print(f"bulk load into the embedded store: {rate:,.0f} triples/s wall clock (target 150,000); "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    finally:
        if a.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
