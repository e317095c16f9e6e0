"""The web service over a remote store: our server in front of a real `oxigraph serve`.

The sample graph is written into the Oxigraph server through RemoteStore, then
server.py is started with KG_STORE set to the endpoint's URL.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Iterator

import pyoxigraph as ox
import pytest
import rdflib
import requests
from conftest import SAMPLE, LiveServer, running_oxigraph

from kg.rdf.remote import RemoteStore

B = "https://kg.example.org/"
SUXIAN = B + "region/431003"
REGIONS = "PREFIX kg: <https://kg.example.org/ontology#> SELECT ?r WHERE { ?r a kg:Region } ORDER BY ?r"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Oxigraph server on a free loopback port, holding the sample graph."""
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph")) as url:
        remote = RemoteStore(url)
        remote.bulk_add(ox.parse(path=str(SAMPLE), format=ox.RdfFormat.TRIG))
        assert len(remote) > 0
        remote.close()
        yield url


@pytest.fixture(scope="module")
def server(server_factory: Callable[..., LiveServer], endpoint: str) -> LiveServer:
    return server_factory(endpoint)  # type: ignore[arg-type]


def _regions_in_sample() -> list[str]:
    store = ox.Store()
    store.load(path=str(SAMPLE), format=ox.RdfFormat.TRIG)
    return [row["r"].value for row in store.query(REGIONS, use_default_graph_as_union=True)]


def test_select_as_json_matches_the_embedded_answer(server: LiveServer) -> None:
    response = server.get("/sparql", params={"query": REGIONS},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/sparql-results+json")
    rows = [b["r"]["value"] for b in response.json()["results"]["bindings"]]
    assert rows == _regions_in_sample()
    assert SUXIAN in rows


def test_select_as_csv(server: LiveServer) -> None:
    response = server.get("/sparql", params={"query": REGIONS, "format": "csv"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.text)))
    assert table[0] == ["r"]
    assert [row[0] for row in table[1:]] == _regions_in_sample()


def test_construct_is_a_graph_in_the_negotiated_format(server: LiveServer) -> None:
    query = f"CONSTRUCT {{ <{SUXIAN}> ?p ?o }} WHERE {{ <{SUXIAN}> ?p ?o }}"
    response = server.get("/sparql", params={"query": query}, headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/n-triples")
    triples = list(ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES))
    assert triples and all(t.subject == ox.NamedNode(SUXIAN) for t in triples)


def test_syntax_error_is_a_400(server: LiveServer) -> None:
    response = server.get("/sparql", params={"query": "SELECT ?x WHERE { ?x"})
    assert response.status_code == 400
    assert "syntax error" in response.json()["error"]


def test_service_is_refused_before_anything_is_sent(server: LiveServer) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"
    response = server.get("/sparql", params={"query": query})
    assert response.status_code == 400
    assert "SERVICE" in response.json()["error"]


def test_result_cap_applies(server_factory: Callable[..., LiveServer], endpoint: str) -> None:
    capped = server_factory(endpoint, env={"KG_MAX_RESULTS": "2"})  # type: ignore[arg-type]
    over = capped.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert over.status_code == 400
    assert "result limit exceeded" in over.json()["error"]
    under = capped.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 2"})
    assert under.status_code == 200


def test_graph_api_answers_from_the_remote_quads(server: LiveServer) -> None:
    hits = server.get("/api/graph/search", params={"q": "苏仙区"}).json()["results"]
    assert hits and hits[0]["iri"] == SUXIAN
    body = server.get("/api/graph/neighborhood", params={"iri": SUXIAN, "depth": 1}).json()
    ids = {node["data"]["id"] for node in body["elements"]["nodes"]}
    assert SUXIAN in ids and len(ids) > 1


def test_turtle_export_parses(server: LiveServer) -> None:
    response = server.get("/export.ttl")
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    assert (rdflib.URIRef(SUXIAN), None, None) in graph


def test_time_limit_is_a_503(server_factory: Callable[..., LiveServer], endpoint: str) -> None:
    limited = server_factory(endpoint, timeout=1)  # type: ignore[arg-type]
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
    started = time.monotonic()
    response = limited.get("/sparql", params={"query": runaway})
    assert response.status_code == 503
    assert "time limit exceeded" in response.json()["error"]
    assert time.monotonic() - started < 10
    assert limited.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code == 200


def test_graph_store_writes_pass_through_with_the_token(server_factory: Callable[..., LiveServer],
                                                        endpoint: str) -> None:
    writable = server_factory(endpoint, update_token="secret")  # type: ignore[arg-type]
    page, body = "https://kg.example.org/page/remote-test", "<urn:a> <urn:b> <urn:c> ."
    headers = {"Content-Type": "application/n-triples"}
    refused = requests.put(f"{writable.url}/store", params={"graph": page}, data=body,
                           headers=headers, timeout=30)
    assert refused.status_code == 401
    put = requests.put(f"{writable.url}/store", params={"graph": page}, data=body, timeout=30,
                       headers={**headers, "Authorization": "Bearer secret"})
    assert put.status_code == 204
    assert RemoteStore(endpoint).query(f"ASK {{ GRAPH <{page}> {{ <urn:a> <urn:b> <urn:c> }} }}") is True
    gone = requests.delete(f"{writable.url}/store", params={"graph": page}, timeout=30,
                           headers={"Authorization": "Bearer secret"})
    assert gone.status_code == 204
    assert page not in RemoteStore(endpoint).graphs()


def test_updates_graph_reads_and_linked_data_pages_work_on_a_remote_store(
        server_factory: Callable[..., LiveServer], endpoint: str) -> None:
    writable = server_factory(endpoint, update_token="secret")  # type: ignore[arg-type]
    auth = {"Authorization": "Bearer secret"}
    page = "https://kg.example.org/page/remote-update-test"
    update = writable.post("/sparql", data={"update": f"INSERT DATA {{ GRAPH <{page}> {{ <urn:x> <urn:y> 1 }} }}"},
                           headers=auth)
    assert update.status_code == 204, update.text
    merged = writable.post("/store", params={"graph": page}, data="<urn:x> <urn:y> \"2\" .",
                           headers={**auth, "Content-Type": "application/n-triples"})
    assert merged.status_code in (200, 201, 204), merged.text
    graph = writable.get("/store", params={"graph": page}, headers={"Accept": "application/n-triples"})
    assert graph.status_code == 200 and graph.text.count("<urn:x>") == 2
    region = _regions_in_sample()[0]
    html = writable.get(region[len("https://kg.example.org"):], headers={"Accept": "text/html"})
    assert html.status_code == 200 and "<html" in html.text.lower()
    assert writable.get("/store", params={"graph": page + "-none"}).status_code == 404


def _no_samples(answer: dict) -> dict:
    """A groups answer without the quantities, which each store may sample from a different claim."""
    return {**answer, "groups": [{k: v for k, v in g.items() if k != "quantity"} for g in answer["groups"]]}


def test_claim_lists_and_groups_equal_the_embedded_stores_kept_ones(server: LiveServer,
                                                                    live_server: LiveServer) -> None:
    """The remote store keeps no rows or groups (SPARQL reads them); the embedded one reads what it kept."""
    def both(path: str, **params: str) -> tuple[dict, dict]:
        remote, embedded = (s.get(path, params={"iri": SUXIAN, **params}).json() for s in (server, live_server))
        return remote, embedded

    remote, embedded = both("/api/graph/node")
    assert remote == embedded and remote["claims"], "the sample names claims of 苏仙区"
    remote, embedded = both("/api/graph/groups")
    assert _no_samples(remote) == _no_samples(embedded) and remote["groups"]
    remote_page, embedded_page = both("/api/graph/groups/page", offset="1", groups="2")
    assert _no_samples(remote_page) == _no_samples(embedded_page)
    assert _no_samples(remote_page)["groups"] == _no_samples(remote)["groups"][1:3]
    first = remote["groups"][0]
    remote, embedded = both("/api/graph/claims", key=first["key"], year=first["year"])
    assert sorted(remote["claims"], key=lambda c: c["iri"]) == sorted(embedded["claims"], key=lambda c: c["iri"])
    assert remote["total"] == embedded["total"] == first["count"]
