"""The Dask extraction job on a local cluster of several worker processes builds the same graph as `kg ingest`."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from bench.corpus import write_corpus
from kg.distributed import run
from kg.rdf.store import open_store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seed pages, generated pages in sub-folders, and one file no reader accepts."""
    folder = tmp_path_factory.mktemp("pages")
    for seed in SEEDS.glob("*.txt"):
        (folder / seed.name).write_bytes(seed.read_bytes())
    write_corpus(folder / "generated", 60_000, seed=5)
    (folder / "broken.txt").write_bytes(b"\x00\xff\xfe\x00" * 64)
    return folder


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=3, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as dask_client:
        yield dask_client


def single_process_quads(pages: Path, location: Path) -> set[ox.Quad]:
    subprocess.run([sys.executable, "-m", "kg.cli", "ingest", str(pages), "--store", str(location)],
                   cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, timeout=600)
    with open_store(str(location)) as store:
        return set(store.quads())


def test_cluster_job_gives_the_graph_of_a_single_process_ingest(pages: Path, client: object,
                                                                tmp_path: Path) -> None:
    expected = single_process_quads(pages, tmp_path / "single")
    with open_store(str(tmp_path / "dask")) as store:
        report = run([pages], store, tmp_path / "parts", client, pages_per_partition=3)
        got = set(store.quads())
    assert len(report.partitions) >= 3
    assert [Path(p).name for p, _ in report.refused] == ["broken.txt"]
    assert report.pages == len(list(pages.rglob("*.txt"))) - 1
    # Each page's shared statements are written with it and merged by the store, so it holds fewer.
    assert report.triples >= len(got) > 1000
    # The mapping mints no blank nodes, so equal quad sets are isomorphic graphs.
    assert got == expected


def test_rerunning_the_job_replaces_pages_instead_of_doubling_them(pages: Path, client: object,
                                                                   tmp_path: Path) -> None:
    with open_store(str(tmp_path / "store")) as store:
        run([pages], store, tmp_path / "parts", client, pages_per_partition=4)
        first = set(store.quads())
        run([pages], store, tmp_path / "parts", client, pages_per_partition=5)
        assert set(store.quads()) == first
        assert len(store) == len(first)


def test_without_a_cluster_the_bag_runs_on_local_processes(tmp_path: Path) -> None:
    with open_store(str(tmp_path / "store")) as store:
        report = run([SEEDS], store, tmp_path / "parts", pages_per_partition=2)
        assert report.pages == 5 and not report.refused
        assert len(store.graphs()) == 5 + 1  # the pages and the shared graph
