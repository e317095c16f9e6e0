"""The remote-store path against real servers: Virtuoso Open Source and Oxigraph server.

Each server is started on a free loopback port for this module and stopped
after it. A page's mapped quads go in over the Graph Store Protocol, come back
through SPARQL unchanged, are replaced whole and removed. Virtuoso is skipped,
with the reason, only when it cannot be installed or started here.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from kg.model import Article, Claim, Entity, Extraction, Page, Quantity, Region
from kg.rdf.iris import graph_iri, shared_graph_iri
from kg.rdf.mapping import to_quads
from kg.rdf.store import Store, open_store

ROOT = Path(__file__).resolve().parent.parent
VIRTUOSO_SCRIPT = ROOT / "scripts" / "virtuoso.sh"

XSD = "http://www.w3.org/2001/XMLSchema#"
BOOLEAN = ox.NamedNode(XSD + "boolean")
INTEGERS = {"integer", "nonNegativeInteger", "positiveInteger", "int", "long"}

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, params={"query": "ASK {}"}, timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise TimeoutError(url)


@pytest.fixture(scope="module")
def virtuoso_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the module's Virtuoso keeps its database (and reads bulk-loaded files from)."""
    return tmp_path_factory.mktemp("virtuoso")


@pytest.fixture(scope="module")
def virtuoso(virtuoso_folder: Path) -> Iterator[Store]:
    folder = virtuoso_folder
    install = subprocess.run([str(VIRTUOSO_SCRIPT), "install"], capture_output=True, text=True, timeout=900)
    if install.returncode != 0:
        pytest.skip(f"Virtuoso cannot be installed here: {install.stderr.strip()[-300:]}")
    http = free_port()
    started = subprocess.run([str(VIRTUOSO_SCRIPT), "start", str(folder), str(http), str(free_port())],
                             capture_output=True, text=True, timeout=180)
    if started.returncode != 0:
        pytest.skip(f"Virtuoso did not start: {started.stderr.strip()[-300:]}")
    root = f"http://127.0.0.1:{http}"
    store = open_store(f"{root}/sparql")  # update and Graph Store URLs are Virtuoso's own, found by asking
    assert (store.update_url, store.store_url) == (f"{root}/sparql", f"{root}/sparql-graph-crud")
    try:
        yield store
    finally:
        store.close()
        subprocess.run([str(VIRTUOSO_SCRIPT), "stop", str(folder)], timeout=60)


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    port = free_port()
    server = subprocess.Popen([binary, "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")),
                               "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/query")
        store = open_store(f"http://127.0.0.1:{port}")
        yield store
        store.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(params=["virtuoso", "oxigraph_server"])
def remote(request: pytest.FixtureRequest) -> Store:
    return request.getfixturevalue(request.param)


def sample_extraction(doc: str, amount: float = 1784.61) -> Extraction:
    """One small page read by hand: a county with its parents, an agency, a claim with a period."""
    raw = "郴州市苏仙区自然资源局：截至11月13日，全区整改图斑面积达1784.61亩。\n“引号”与\\反斜杠"
    page = Page(doc=doc, path=doc, raw=raw, encoding="utf-8", text=raw, offsets=list(range(len(raw) + 1)))
    province = Region("430000000000", "湖南省", "province", None, "湖南")
    city = Region("431000000000", "郴州市", "city", "430000000000", "郴州")
    county = Entity("region", "431003000000", "苏仙区", aliases=["苏仙"], parents=[province, city], level="county")
    agency = Entity("agency", "431003000000/自然资源局", "苏仙区自然资源局", region="431003000000")
    article = Article(doc=doc, index=0, headline="苏仙区整改图斑", start=0, end=len(raw), title="苏仙区整改图斑",
                      date="2023-11-16", year=2023, truncated=True)
    start = raw.index("1784.61")
    quantity = Quantity(text="1784.61亩", number_text="1784.61", value=amount, unit="亩", unit_written="亩",
                        dimension="area", qualifier="more_than", lower=amount, start=start, end=start + 8)
    claim = Claim(doc=doc, article=0, evidence=raw[raw.index("全区"):start + 8], start=raw.index("全区"),
                  end=start + 8, quantity=quantity, subject="苏仙区", subject_type="region",
                  subject_key="431003000000", region="苏仙区", region_key="431003000000", agency="苏仙区自然资源局",
                  agency_key="431003000000/自然资源局", metric="整改图斑面积", metric_key="整改图斑面积",
                  period="截至11月13日", period_end="2023-11-13")
    return Extraction(page=page, articles=[article], entities=[county, agency], mentions=[], claims=[claim])


def canonical(term: ox.NamedNode | ox.Literal) -> ox.NamedNode | ox.Literal:
    """One term per value: both servers store xsd:nonNegativeInteger as xsd:integer (Oxigraph's
    embedded store too), and Virtuoso answers "true"^^xsd:boolean as "1"^^xsd:boolean."""
    if isinstance(term, ox.Literal) and term.datatype == BOOLEAN:
        return ox.Literal("true" if term.value in ("true", "1") else "false", datatype=BOOLEAN)
    if isinstance(term, ox.Literal) and term.datatype.value.removeprefix(XSD) in INTEGERS:
        return ox.Literal(str(int(term.value)), datatype=ox.NamedNode(XSD + "integer"))
    return term


def same_triples(triples: Iterable[ox.Triple]) -> set[ox.Triple]:
    return {ox.Triple(t.subject, t.predicate, canonical(t.object)) for t in triples}


def graph_triples(store: Store, graph: str) -> set[ox.Triple]:
    rows = store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", default_graph=[])
    assert isinstance(rows, list)
    return same_triples(ox.Triple(r["s"], r["p"], r["o"]) for r in rows)


def test_page_round_trips_unchanged(remote: Store) -> None:
    quads = to_quads(sample_extraction("rt_page.txt"))
    graph = graph_iri("rt_page.txt")
    remote.replace_graph(graph, quads)
    assert graph_triples(remote, graph) == same_triples(q.triple for q in quads if q.graph_name.value == graph)
    shared = shared_graph_iri()
    assert same_triples(q.triple for q in quads if q.graph_name.value == shared) <= graph_triples(remote, shared)


def test_graph_list_names_each_page(remote: Store) -> None:
    graph = graph_iri("listed_page.txt")
    remote.replace_graph(graph, to_quads(sample_extraction("listed_page.txt")))
    assert graph in remote.graphs()


def test_replacing_a_page_drops_its_old_statements(remote: Store) -> None:
    graph = graph_iri("replaced_page.txt")
    remote.replace_graph(graph, to_quads(sample_extraction("replaced_page.txt", amount=10.0)))
    newer = to_quads(sample_extraction("replaced_page.txt", amount=20.0))
    remote.replace_graph(graph, newer)
    assert graph_triples(remote, graph) == same_triples(q.triple for q in newer if q.graph_name.value == graph)


def test_claims_of_two_pages_meet_in_the_union_graph(remote: Store) -> None:
    docs = ("union_a.txt", "union_b.txt")
    for doc in docs:
        remote.replace_graph(graph_iri(doc), to_quads(sample_extraction(doc)))
    rows = remote.query(
        "SELECT ?claim WHERE { ?claim <https://schema.org/about> ?x ; a <https://kg.example.org/ontology#Claim> }",
        default_graph=[graph_iri(d) for d in docs])
    assert isinstance(rows, list)
    assert len({r["claim"] for r in rows}) == 2


def test_removed_page_is_gone(remote: Store) -> None:
    graph = graph_iri("removed_page.txt")
    remote.replace_graph(graph, to_quads(sample_extraction("removed_page.txt")))
    assert remote.remove_graph(graph)
    assert graph_triples(remote, graph) == set()
    assert graph not in remote.graphs()


def test_union_default_graph_is_asked_in_one_request(remote: Store) -> None:
    """A query naming no graph sees every page's claims, in one request: listing the graphs
    first (a scan of the store) before every query would cost more than most queries."""
    docs = ("one_request_a.txt", "one_request_b.txt")
    claims = set()
    for doc in docs:
        quads = to_quads(sample_extraction(doc))
        remote.replace_graph(graph_iri(doc), quads)
        claims |= {q.subject for q in quads if q.object == ox.NamedNode("https://kg.example.org/ontology#Claim")}
    assert len(claims) == 2
    remote.graphs()  # the server is identified by then, as a long-running client's would be
    sent: list[str] = []
    hook = lambda response, *args, **kwargs: sent.append(response.request.method)  # noqa: E731
    remote.session.hooks["response"].append(hook)  # type: ignore[attr-defined]
    try:
        rows = remote.query("SELECT ?claim WHERE { ?claim a <https://kg.example.org/ontology#Claim> }")
    finally:
        remote.session.hooks["response"].remove(hook)  # type: ignore[attr-defined]
    assert isinstance(rows, list)
    assert claims <= {r["claim"] for r in rows}
    assert sent == ["POST"]


def test_bulk_load_keeps_each_quads_graph_and_names_refused_files(virtuoso: Store, virtuoso_folder: Path,
                                                                  tmp_path: Path) -> None:
    """scripts/virtuoso.sh bulk-load: N-Quads land in their own graphs; a file the loader refuses is named
    with a failing exit, and a file outside the database folder (which the server may not read) is refused."""
    files = virtuoso_folder / "bulk"
    files.mkdir(exist_ok=True)
    good = files / "good.nq"
    good.write_text('<urn:ex:s> <urn:ex:p> "一"@zh <urn:ex:bulk-a> .\n'
                    '<urn:ex:s> <urn:ex:p> "2"^^<http://www.w3.org/2001/XMLSchema#integer> <urn:ex:bulk-b> .\n',
                    encoding="utf-8")
    loaded = subprocess.run([str(VIRTUOSO_SCRIPT), "bulk-load", str(virtuoso_folder), str(good)],
                            capture_output=True, text=True, timeout=120)
    assert loaded.returncode == 0, loaded.stderr
    assert graph_triples(virtuoso, "urn:ex:bulk-a") == {
        ox.Triple(ox.NamedNode("urn:ex:s"), ox.NamedNode("urn:ex:p"), ox.Literal("一", language="zh"))}
    assert len(graph_triples(virtuoso, "urn:ex:bulk-b")) == 1

    bad = files / "bad.nq"
    bad.write_text('<urn:ex:s> <urn:ex:p> "unterminated <urn:ex:bulk-c> .\n', encoding="utf-8")
    refused = subprocess.run([str(VIRTUOSO_SCRIPT), "bulk-load", str(virtuoso_folder), str(bad)],
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode == 5
    assert "bad.nq" in refused.stderr

    outside = tmp_path / "outside.nq"
    outside.write_text(good.read_text(encoding="utf-8"), encoding="utf-8")
    kept_out = subprocess.run([str(VIRTUOSO_SCRIPT), "bulk-load", str(virtuoso_folder), str(outside)],
                              capture_output=True, text=True, timeout=120)
    assert kept_out.returncode == 2
    assert "not inside" in kept_out.stderr
