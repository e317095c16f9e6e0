"""`kg ingest` killed with SIGKILL in the middle of a run leaves a store that is consistent.

The real command runs in its own process. A hook prints each page graph the
moment `replace_graph` returns or `add_pages` reports a segment of the bulk loader committed
(the only change to the process; segments are made small so there are many), so the test
knows which pages were committed when it sends SIGKILL. Afterwards: every page
committed is intact, no graph in the store differs from a clean run's (the page
in flight is absent, never half there), and running the ingest again makes the
store equal to the clean run's. Ingesting the same pages twice changes nothing.
The server, killed the same way while it takes page replacements, keeps every
acknowledged page whole.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.rdf import iris

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
# Crash runs compare stores made by different processes, so they share one hash seed;
# test_ingest_twice_changes_nothing uses two different seeds on purpose.
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "0"}

# `kg ingest` with a print after each committed page; nothing else differs.
HOOKED_KG = """
import sys
from kg.rdf import store
original = store.EmbeddedStore.replace_graph
original_batch = store.EmbeddedStore.add_pages
def replace_graph(self, graph_iri, quads):
    original(self, graph_iri, quads)
    print("committed", graph_iri, flush=True)
def add_pages(self, pages, segment_quads=store.SEGMENT_QUADS, committed=None):
    def tell(graphs):
        for graph in graphs:
            print("committed", graph, flush=True)
    original_batch(self, pages, segment_quads, tell)
store.EmbeddedStore.replace_graph = replace_graph
store.EmbeddedStore.add_pages = add_pages
from kg.cli import main
sys.exit(main())
"""


def kg_ingest(*args: str, hash_seed: str = "0") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kg.cli", "ingest", *args], capture_output=True, text=True,
                          cwd=ROOT, env={**ENV, "PYTHONHASHSEED": hash_seed}, timeout=600)


def graphs_in(store: Path) -> dict[str, frozenset[str]]:
    db = ox.Store(str(store))
    try:
        out: dict[str, set[str]] = {}
        for quad in db.quads_for_pattern(None, None, None, None):
            out.setdefault(quad.graph_name.value, set()).add(str(quad))
        return {g: frozenset(q) for g, q in out.items()}
    finally:
        del db


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed pages (large transactions) among 150 small generated pages."""
    folder = tmp_path_factory.mktemp("corpus")
    rng = random.Random(3)
    for n in range(150):
        (folder / f"p{n:04d}.txt").write_text(
            f"简讯第{n}号\n\n全镇今年新增就业{rng.randint(10, 9999)}人，完成投资{rng.randint(1, 999)}万元，"
            f"同比增长{rng.randint(1, 40)}%。\n", encoding="utf-8")
    for i, seed in enumerate(SEEDS):
        (folder / f"p{30 * i + 15:04d}_{seed.name}").write_bytes(seed.read_bytes())
    return folder


@pytest.fixture(scope="module")
def reference_store(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store a clean, uninterrupted ingest makes."""
    store = tmp_path_factory.mktemp("reference") / "db"
    result = kg_ingest(str(corpus), "--store", str(store))
    assert result.returncode == 0, result.stderr
    return store


@pytest.fixture(scope="module")
def reference(corpus: Path, reference_store: Path) -> dict[str, frozenset[str]]:
    graphs = graphs_in(reference_store)
    assert len(graphs) == len(list(corpus.glob("*.txt"))) + 1  # and the shared graph
    return graphs


def kill_after(corpus: Path, store: Path, commits: int, jobs: int) -> list[str]:
    """Run the hooked ingest, SIGKILL it right after `commits` pages are committed; the graphs it reported."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOOKED_KG, "ingest", str(corpus), "--store", str(store), "--jobs", str(jobs),
         "--segment-quads", "400"],
        cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True,
    )
    committed: list[str] = []
    assert process.stdout is not None
    try:
        for line in process.stdout:
            if line.startswith("committed "):
                committed.append(line.split(" ", 1)[1].strip())
                if len(committed) >= commits:
                    os.kill(process.pid, signal.SIGKILL)
                    break
        process.wait(timeout=60)
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # pool workers orphaned by the kill
        except ProcessLookupError:
            pass
        process.stdout.close()
    assert process.returncode == -signal.SIGKILL, "the ingest ended before it could be killed"
    return committed


@pytest.mark.parametrize(("commits", "jobs"), [(1, 1), (100, 2)])
def test_kill_mid_ingest_then_rerun(corpus: Path, reference: dict[str, frozenset[str]], tmp_path: Path,
                                    commits: int, jobs: int) -> None:
    store = tmp_path / "db"
    committed = kill_after(corpus, store, commits, jobs)
    after_crash = graphs_in(store)
    missing = [g for g in committed if g not in after_crash]
    assert not missing, f"committed pages lost by the crash: {missing[:5]}"
    shared = iris.shared_graph_iri()
    damaged = [g for g, quads in after_crash.items() if g != shared and quads != reference.get(g)]
    assert not damaged, f"graphs that differ from a clean run (half pages): {damaged[:5]}"
    assert after_crash[shared] <= reference[shared], "the shared graph holds only what committed pages brought"
    assert len(after_crash) < len(reference), "the kill came after the last page"

    rerun = kg_ingest(str(corpus), "--store", str(store))
    assert rerun.returncode == 0, rerun.stderr
    assert graphs_in(store) == reference


def test_ingest_twice_changes_nothing(corpus: Path, reference_store: Path,
                                      reference: dict[str, frozenset[str]]) -> None:
    """A second ingest, in a process with another hash seed and two workers, leaves every graph as it was."""
    result = kg_ingest(str(corpus), "--store", str(reference_store), "--jobs", "2", hash_seed="1")
    assert result.returncode == 0, result.stderr
    again = graphs_in(reference_store)
    changed = sorted(g for g in reference if again.get(g) != reference[g])
    assert set(again) == set(reference)
    assert not changed, f"re-ingest changed {len(changed)} page graph(s), e.g. {changed[0]}: " + str(
        sorted(reference[changed[0]] ^ again[changed[0]])[:4])


def replace_update(graph: int, version: int, size: int = 400) -> str:
    triples = " ".join(f'<urn:s{k}> <urn:version> "v{version}" .' for k in range(size))
    return f"DROP SILENT GRAPH <urn:g{graph}> ; INSERT DATA {{ GRAPH <urn:g{graph}> {{ {triples} }} }}"


def test_server_killed_while_writing_keeps_acknowledged_pages_whole(server_factory, tmp_path: Path) -> None:
    """SIGKILL to the server in the middle of a stream of page replacements sent with the token.

    Afterwards each graph is one whole version (never a mix, never a partial
    insert), no older than the last replacement the server acknowledged, and the
    server starts again on the same store.
    """
    import threading

    import requests

    store = tmp_path / "db"
    ox.Store(str(store)).flush()
    token = "crash-token"
    server = server_factory(store, update_token=token)
    acknowledged: dict[int, int] = {}
    stop = threading.Event()

    def write() -> None:
        session = requests.Session()
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/sparql-update"}
        version = 0
        while not stop.is_set():
            graph = version % 4
            try:
                response = session.post(server.url + "/sparql", data=replace_update(graph, version).encode(),
                                        headers=headers, timeout=30)
            except requests.RequestException:
                return
            if response.status_code == 204:
                acknowledged[graph] = version
            version += 1

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < 4 or sum(acknowledged.values()) < 40:
        assert time.monotonic() < deadline, "the server acknowledged too few writes"
        time.sleep(0.05)
    server.process.send_signal(signal.SIGKILL)
    server.process.wait(timeout=30)
    stop.set()
    writer.join(timeout=30)

    db = ox.Store(str(store))
    try:
        for graph, last in acknowledged.items():
            values = [q.object.value for q in db.quads_for_pattern(None, None, None, ox.NamedNode(f"urn:g{graph}"))]
            assert len(values) == 400, f"urn:g{graph} holds {len(values)} triples, not one whole version"
            versions = {int(v[1:]) for v in values}
            assert len(versions) == 1, f"urn:g{graph} mixes versions {sorted(versions)[:5]}"
            assert versions.pop() >= last, f"urn:g{graph} lost acknowledged version {last}"
    finally:
        del db
    again = server_factory(store, update_token=token)
    assert again.get("/healthz").status_code == 200
