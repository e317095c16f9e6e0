"""Extraction as a Dask job: many machines read pages, one store bulk-loads what they wrote.

A dask.bag over the page files is cut into partitions; each partition runs the
same `process_file` and `to_quads` as `kg ingest` and streams its pages'
quads to one N-Quads file in a folder every worker can reach (local disk for a
LocalCluster, a shared mount for a real cluster). The driver then bulk-loads
those files into the store, so the graph is the one a single-process ingest
builds: one named graph per page, the same quads. Memory stays bounded: a
worker holds one page at a time and the driver only the partition reports;
each partition is loaded as soon as it is written (and, from a temporary
folder, deleted), so disk holds only the partitions not yet loaded.

    python -m kg.distributed seeds/ --store data/store --workers 4
    python -m kg.distributed corpus/ --store data/store --scheduler tcp://host:8786 --parts /shared/nq
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.model import InputError

PAGES_PER_PARTITION = 64


@dataclass
class PartitionReport:
    """What one partition wrote: its N-Quads file, the pages in it and the pages refused."""

    path: str
    docs: list[str] = field(default_factory=list)
    claims: int = 0
    triples: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class JobReport:
    pages: int
    claims: int
    triples: int
    refused: list[tuple[str, str]]
    partitions: list[str]


def extract_partition(paths: Iterable[str], out_dir: str) -> list[PartitionReport]:
    """Worker side: extract each page and append its quads to this partition's N-Quads file.

    The file is named by a digest of the partition's paths, so re-running a job
    overwrites rather than duplicates, and written under a temporary name first
    so a crashed worker never leaves half a partition for the loader.
    """
    from kg.pipeline import process_file
    from kg.rdf.mapping import to_quads

    paths = list(paths)
    digest = hashlib.sha1("\n".join(paths).encode("utf-8")).hexdigest()[:16]
    final = Path(out_dir) / f"part-{digest}.nq"
    report = PartitionReport(path=str(final))
    partial = final.with_suffix(".nq.partial")
    with open(partial, "wb") as out:
        for path in paths:
            try:
                extraction = process_file(path)
            except InputError as error:
                report.refused.append((path, error.problem))
                continue
            except Exception as error:  # one broken page must not stop the partition
                report.refused.append((path, f"internal error while extracting: {type(error).__name__}: {error}"))
                continue
            quads = to_quads(extraction)
            ox.serialize(quads, out, format=ox.RdfFormat.N_QUADS)
            report.docs.append(extraction.page.doc)
            report.claims += len(extraction.claims)
            report.triples += len(quads)
    os.replace(partial, final)
    return [report]


def load_partition(store, report: PartitionReport, replace: bool) -> None:
    """Bulk-load one partition file; with `replace`, its pages are dropped first, as `kg ingest` replaces them."""
    from kg.rdf.iris import graph_iri

    if replace:
        for doc in report.docs:
            store.remove_graph(graph_iri(doc))
    store.load_nquads(report.path)


def _progress(futures: list, total_pages: int) -> Iterator[PartitionReport]:
    """Reports as partitions finish, with a progress bar (pages, claims, rate, ETA) on a terminal."""
    from distributed import as_completed
    from tqdm import tqdm

    claims = 0
    with tqdm(total=total_pages, unit="page", disable=None, file=sys.stderr) as bar:
        for future in as_completed(futures):
            for report in future.result():
                bar.update(len(report.docs) + len(report.refused))
                claims += report.claims
                bar.set_postfix(claims=claims, refresh=False)
                yield report


def run(paths: Iterable[str | Path], store, parts_dir: str | Path, client=None,
        pages_per_partition: int = PAGES_PER_PARTITION, remove_loaded: bool = False) -> JobReport:
    """Extract `paths` on the Dask cluster behind `client` and bulk-load the result into `store`.

    Without a client, dask.bag's default scheduler (local processes) runs the
    job and the partitions are loaded when all are written; with one, each is
    loaded as it finishes. `remove_loaded` deletes a partition file once loaded.
    """
    import dask.bag as db

    from kg.pipeline import iter_sources

    sources = [str(Path(p).resolve()) for p in iter_sources(paths)]
    Path(parts_dir).mkdir(parents=True, exist_ok=True)
    out = str(Path(parts_dir).resolve())
    partitions = max(1, -(-len(sources) // pages_per_partition))
    bag = db.from_sequence(sources, npartitions=partitions).map_partitions(extract_partition, out)
    replace = len(store) > 0
    if client is None:
        finished: Iterable[PartitionReport] = sorted(bag.compute(scheduler="processes"), key=lambda r: r.path)
    else:
        finished = _progress(client.compute(bag.to_delayed()), len(sources))
    reports = []
    for report in finished:
        load_partition(store, report, replace)
        if remove_loaded:
            Path(report.path).unlink()
        reports.append(report)
    return JobReport(
        pages=sum(len(r.docs) for r in reports),
        claims=sum(r.claims for r in reports),
        triples=sum(r.triples for r in reports),
        refused=[item for r in reports for item in r.refused],
        partitions=[r.path for r in reports],
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m kg.distributed", description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", help="page files or folders of them")
    parser.add_argument("--store", default=os.environ.get("KG_STORE", "data/store"),
                        help="store folder or http(s):// SPARQL endpoint (default $KG_STORE or data/store)")
    parser.add_argument("--scheduler", help="address of a running Dask scheduler; default: a LocalCluster")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="LocalCluster worker processes")
    parser.add_argument("--parts", help="folder for the N-Quads partitions, reachable by every worker "
                                        "(default: a temporary folder, removed after loading)")
    parser.add_argument("--pages-per-partition", type=int, default=PAGES_PER_PARTITION)
    args = parser.parse_args(argv)

    from distributed import Client, LocalCluster

    from kg.rdf.store import open_store

    cluster = None if args.scheduler else LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True)
    client = Client(args.scheduler or cluster)
    store = open_store(args.store)
    try:
        with tempfile.TemporaryDirectory(prefix="kg-parts-") as scratch:
            report = run(args.paths, store, args.parts or scratch, client, args.pages_per_partition,
                         remove_loaded=args.parts is None)
        store.optimize()  # compacted once, so readers do not start by replaying the load
    except InputError as error:
        print(f"kg: {error}", file=sys.stderr)
        sys.exit(2)
    finally:
        store.close()
        client.close()
        if cluster is not None:
            cluster.close()
    for path, problem in report.refused:
        print(f"kg: {path}: {problem}", file=sys.stderr)
    print(f"ingested {report.pages} page(s), {report.claims} claims, {report.triples} triples "
          f"from {len(report.partitions)} partition(s); refused {len(report.refused)}", file=sys.stderr)
    if report.refused:
        sys.exit(2)


if __name__ == "__main__":
    main()
