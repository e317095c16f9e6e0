"""Reading, extraction and ingest speed over a generated corpus, and ingest of a large corpus in bounded memory.

Each stage is timed alone on the same pages so a slow stage is named:
reading (decode + normalise + split into articles) in MB/s, extraction (the
whole `process_file`) in KB/s on one core and on every core, mapping to quads,
and loading into the embedded store both ways the project loads: page by page
with `replace_graph` (what `kg ingest` does) and bulk-loading N-Quads
partitions (what the Dask job does). The scale run ingests a corpus of the
chosen size end to end with `python -m kg.distributed` in a child process and
samples the resident memory of its whole process tree.

    python -m bench.ingest_scale --size 10MB --runs 3
    python -m bench.ingest_scale --scale 1GB
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox

from bench import ROOT, PeakRSS, cpu_timed, load_average, median, timed
from bench.corpus import parse_size, write_corpus


@dataclass
class StageFigures:
    corpus_mb: float
    pages: int
    claims: int
    triples: int
    read_mb_s: float
    extract_kb_s_core: float
    extract_kb_s_cpu: float
    extract_kb_s_all: float
    extract_kb_s_all_cpu: float
    workers: int
    map_triples_s: float
    replace_claims_s: float
    replace_triples_s: float
    bulk_triples_s: float
    peak_rss_mib: float
    load_average: float
    pool: str = "warm"  # the parallel figure is timed on a pool whose workers have loaded the dictionaries


@dataclass
class ScaleFigures:
    corpus_mb: float
    pages: int
    claims: int
    triples: int
    seconds: float
    text_mb_s: float
    claims_s: float
    triples_s: float
    peak_rss_mib: float
    workers: int
    load_average: float
    store_gib: float


def _files(folder: Path) -> list[str]:
    from kg.pipeline import iter_sources

    return [str(p) for p in iter_sources([folder])]


def _read(paths: list[str]) -> None:
    from kg.text import read_page, split_articles

    for path in paths:
        split_articles(read_page(path))


def _extract(paths: list[str]) -> list:
    from kg.pipeline import process_file

    return [process_file(path) for path in paths]


def _extract_chunk(paths: list[str]) -> int:
    return sum(len(e.claims) for e in _extract(paths))


def _warm(path: str) -> None:
    """Load the dictionaries in a pool worker, then hold it a moment so each worker takes one."""
    _extract([path])
    time.sleep(1.0)


def _extract_parallel(pool: ProcessPoolExecutor, paths: list[str], workers: int) -> None:
    chunks = [paths[i::workers * 4] for i in range(workers * 4)]
    list(pool.map(_extract_chunk, chunks))


def _replace_all(location: Path, pages: list[tuple[str, list[ox.Quad]]]) -> None:
    from kg.rdf.store import open_store

    with open_store(str(location)) as store:
        for graph, quads in pages:
            store.replace_graph(graph, quads)


def _bulk_all(location: Path, nquads: Path) -> None:
    store = ox.Store(str(location))
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store


def stages(corpus: Path, runs: int, workers: int) -> StageFigures:
    """Time every stage on the pages in `corpus` (median of `runs` runs each)."""
    from kg.rdf.iris import graph_iri
    from kg.rdf.mapping import to_quads

    paths = _files(corpus)
    size = sum(os.path.getsize(p) for p in paths)
    with PeakRSS() as rss:
        _read(paths[:3])  # warm-up: dictionaries and gazetteer load once per process
        _extract(paths[:3])
        read_s = median(timed(lambda: _read(paths), runs))
        load = load_average()
        extract = cpu_timed(lambda: _extract_chunk(paths), runs)  # each page dropped once read, as ingest does
        with ProcessPoolExecutor(max_workers=workers) as pool:
            list(pool.map(_warm, paths[:workers]))
            parallel = cpu_timed(lambda: _extract_parallel(pool, paths, workers), runs)
        extract_s, extract_cpu = median([w for w, _ in extract]), median([c for _, c in extract])
        parallel_s, parallel_cpu = median([w for w, _ in parallel]), median([c for _, c in parallel])
        extractions = _extract(paths)
        claims = sum(len(e.claims) for e in extractions)
        map_s = median(timed(lambda: [to_quads(e) for e in extractions], runs))
        pages = [(graph_iri(e.page.doc), to_quads(e)) for e in extractions]
        triples = sum(len(q) for _, q in pages)
        with tempfile.TemporaryDirectory(prefix="kg-bench-") as scratch:
            nquads = Path(scratch) / "all.nq"
            with open(nquads, "wb") as out:
                for _, quads in pages:
                    ox.serialize(quads, out, format=ox.RdfFormat.N_QUADS)
            replace_times, bulk_times = [], []
            for run in range(runs):
                replace_times += timed(lambda run=run: _replace_all(Path(scratch) / f"replace{run}", pages), 1)
                bulk_times += timed(lambda run=run: _bulk_all(Path(scratch) / f"bulk{run}", nquads), 1)
    replace_s, bulk_s = median(replace_times), median(bulk_times)
    return StageFigures(
        corpus_mb=size / 1e6, pages=len(paths), claims=claims, triples=triples,
        read_mb_s=size / 1e6 / read_s,
        extract_kb_s_core=size / 1e3 / extract_s, extract_kb_s_cpu=size / 1e3 / extract_cpu,
        extract_kb_s_all=size / 1e3 / parallel_s, extract_kb_s_all_cpu=size / 1e3 / parallel_cpu,
        workers=workers,
        map_triples_s=triples / map_s,
        replace_claims_s=claims / replace_s, replace_triples_s=triples / replace_s,
        bulk_triples_s=triples / bulk_s,
        peak_rss_mib=rss.mib, load_average=max(load, load_average()),
    )


def scale(corpus: Path, workers: int) -> ScaleFigures:
    """Ingest the whole corpus with the Dask job in a child process, sampling its memory."""
    size = sum(p.stat().st_size for p in corpus.rglob("*.txt"))
    with tempfile.TemporaryDirectory(prefix="kg-scale-") as scratch:
        # No --parts: the job's own temporary folder, each partition deleted once loaded.
        command = [sys.executable, "-m", "kg.distributed", str(corpus), "--store", f"{scratch}/store",
                   "--workers", str(workers)]
        started = time.perf_counter()
        load = load_average()
        child = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True,
                                 env={**os.environ, "PYTHONPATH": str(ROOT), "TQDM_DISABLE": "1"})
        with PeakRSS(child.pid, interval=0.5) as rss:
            _, err = child.communicate()
        seconds = time.perf_counter() - started
        store_gib = sum(f.stat().st_size for f in Path(scratch, "store").rglob("*") if f.is_file()) / 2**30
    summary = next((line for line in err.splitlines() if line.startswith("ingested ")), err[-500:])
    numbers = [int(w) for w in summary.replace(",", "").split() if w.isdigit()]
    if len(numbers) < 3:
        raise RuntimeError(f"distributed ingest failed: {err[-1000:]}")
    pages, claims, triples = numbers[:3]
    return ScaleFigures(
        corpus_mb=size / 1e6, pages=pages, claims=claims, triples=triples, seconds=seconds,
        text_mb_s=size / 1e6 / seconds, claims_s=claims / seconds, triples_s=triples / seconds,
        peak_rss_mib=rss.mib, workers=workers, load_average=max(load, load_average()), store_gib=store_gib,
    )


def corpus_of(size: int, seed: int, cache: Path) -> Path:
    """The generated corpus of this size and seed, written once into `cache`."""
    folder = cache / f"corpus-{size}-{seed}"
    done = folder / ".complete"
    if not done.exists():
        write_corpus(folder, size, seed)
        done.write_text("ok")
    return folder


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest_scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="10MB", help="corpus for the stage figures")
    parser.add_argument("--scale", help="also ingest a corpus of this size end to end (100MB, 1GB)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cache", default=str(ROOT / "data" / "bench"), help="where generated corpora are kept")
    args = parser.parse_args(argv)
    cache = Path(args.cache)
    result: dict = {"stages": asdict(stages(corpus_of(parse_size(args.size), args.seed, cache), args.runs,
                                            args.workers))}
    if args.scale:
        result["scale"] = asdict(scale(corpus_of(parse_size(args.scale), args.seed, cache), args.workers))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
