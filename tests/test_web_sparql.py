"""/sparql against the real server with real clients: SPARQLWrapper, rdflib's SPARQLStore, curl, requests.

Also the hostile cases of issue 10: SERVICE and LOAD, updates without the
token, runaway queries, result floods, huge and deeply nested requests; after
each the server must still answer.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import time

import pyoxigraph as ox
import pytest
import requests
from conftest import LiveServer
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

COUNT_CLAIMS = "PREFIX kg: <https://kg.example.org/ontology#> SELECT (COUNT(?c) AS ?n) WHERE { ?c a kg:Claim }"
CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
TOKEN = "secret-update-token"


def _assert_healthy(server: LiveServer) -> None:
    response = server.get("/sparql", params={"query": COUNT_CLAIMS},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    assert response.json()["results"]["bindings"][0]["n"]["value"] == "4"


def test_sparqlwrapper_select_json_and_xml(live_server: LiveServer) -> None:
    client = SPARQLWrapper(live_server.url + "/sparql")
    client.setQuery(COUNT_CLAIMS)
    client.setReturnFormat(JSON)
    assert client.query().convert()["results"]["bindings"][0]["n"]["value"] == "4"
    client.setReturnFormat(XML)
    xml = client.query().convert()
    assert xml.getElementsByTagName("literal")[0].firstChild.data == "4"
    client.setReturnFormat(CSV)
    rows = list(csv.reader(io.StringIO(client.query().convert().decode())))
    assert rows == [["n"], ["4"]]


def test_sparqlwrapper_post_construct_turtle(live_server: LiveServer) -> None:
    client = SPARQLWrapper(live_server.url + "/sparql")
    client.setMethod("POST")
    client.setQuery("PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
                    "CONSTRUCT { ?r skos:prefLabel ?l } WHERE { ?r skos:notation ?code ; skos:prefLabel ?l }")
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=client.query().convert(), format="turtle")
    labels = {str(o) for o in graph.objects()}
    assert {"苏仙区", "郴州市", "湖南省", "北湖区"} <= labels


def test_rdflib_sparqlstore(live_server: LiveServer) -> None:
    store = SPARQLStore(live_server.url + "/sparql", returnFormat="json")
    graph = Graph(store=store)
    rows = list(graph.query("SELECT ?label WHERE { ?r <http://www.w3.org/2004/02/skos/core#notation> '431003' ; "
                            "<http://www.w3.org/2004/02/skos/core#prefLabel> ?label }"))
    assert {str(r[0]) for r in rows} == {"苏仙区"}
    assert graph.query("ASK { ?s a <https://kg.example.org/ontology#Claim> }").askAnswer is True
    region = URIRef("https://kg.example.org/region/431003")
    assert (region, URIRef("http://www.w3.org/2004/02/skos/core#notation"), None) in graph


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_get_and_post(live_server: LiveServer) -> None:
    out = subprocess.run(["curl", "-sS", "-G", live_server.url + "/sparql", "--data-urlencode", f"query={COUNT_CLAIMS}",
                          "-H", "Accept: text/tab-separated-values"], capture_output=True, check=True, timeout=30)
    assert out.stdout.decode().splitlines()[1].startswith('"4"^^') or out.stdout.decode().splitlines()[1] == "4"
    out = subprocess.run(["curl", "-sS", "-X", "POST", live_server.url + "/sparql", "-H",
                          "Content-Type: application/sparql-query", "-H", "Accept: application/sparql-results+json",
                          "--data-binary", "ASK { ?s ?p ?o }"], capture_output=True, check=True, timeout=30)
    assert json.loads(out.stdout)["boolean"] is True
    out = subprocess.run(["curl", "-sS", "-i", live_server.url + "/sparql?query=ASK%20%7B"], capture_output=True,
                         check=True, timeout=30)
    head, _, body = out.stdout.decode().partition("\r\n\r\n")
    assert head.startswith("HTTP/1.1 400")
    assert "syntax error" in json.loads(body)["error"]


@pytest.mark.parametrize(("fmt", "media"), [
    ("json", "application/sparql-results+json"), ("xml", "application/sparql-results+xml"),
    ("csv", "text/csv"), ("tsv", "text/tab-separated-values"),
])
def test_select_formats_by_parameter(live_server: LiveServer, fmt: str, media: str) -> None:
    response = live_server.get("/sparql", params={"query": COUNT_CLAIMS, "format": fmt})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    if fmt == "csv":  # lossy by design: no term types, so read it as a table
        assert list(csv.reader(io.StringIO(response.text))) == [["n"], ["4"]]
        return
    parsed = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.from_media_type(media))
    assert [s["n"].value for s in parsed] == ["4"]


@pytest.mark.parametrize("media", ["text/turtle", "application/n-triples", "application/ld+json",
                                   "application/rdf+xml"])
def test_construct_formats_by_accept(live_server: LiveServer, media: str) -> None:
    query = ("CONSTRUCT { ?c a <https://kg.example.org/ontology#Claim> } "
             "WHERE { ?c a <https://kg.example.org/ontology#Claim> }")
    response = live_server.get("/sparql", params={"query": query}, headers={"Accept": media})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    triples = list(ox.parse(response.content, format=ox.RdfFormat.from_media_type(media)))
    assert len(triples) == 4


def test_service_description_names_this_endpoint(live_server: LiveServer) -> None:
    response = live_server.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoints = set(graph.objects(None, URIRef(sd + "endpoint")))
    assert endpoints == {URIRef(live_server.url + "/sparql")}
    languages = set(graph.objects(None, URIRef(sd + "supportedLanguage")))
    assert URIRef(sd + "SPARQL11Update") not in languages  # read-only server


def test_cors_preflight_and_headers(live_server: LiveServer) -> None:
    preflight = requests.options(live_server.url + "/sparql", timeout=10, headers={
        "Origin": "http://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    response = live_server.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "http://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_dataset_parameters_select_graphs(live_server: LiveServer) -> None:
    graph = "https://kg.example.org/graph/002_sample.txt"
    response = live_server.get("/sparql", params={"query": COUNT_CLAIMS, "default-graph-uri": graph})
    assert response.json()["results"]["bindings"][0]["n"]["value"] == "2"
    response = live_server.get("/sparql", params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                                                  "named-graph-uri": graph})
    assert [b["g"]["value"] for b in response.json()["results"]["bindings"]] == [graph]


# --- hostile requests -------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE SILENT <http://localhost/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?x ?y ?z . SERVICE ?endpoint { ?s ?p ?o } }",
    "PREFIX e: <http://127.0.0.1/> SELECT * WHERE { service e:x { ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1/sparql> { ?s ?p ?o } }",
])
def test_service_is_refused(live_server: LiveServer, query: str) -> None:
    response = live_server.get("/sparql", params={"query": query})
    assert response.status_code == 400
    assert "not allowed" in response.json()["error"]
    _assert_healthy(live_server)


def test_updates_refused_without_token(live_server: LiveServer) -> None:
    response = live_server.post("/sparql", data="CLEAR ALL", headers={"Content-Type": "application/sparql-update"})
    assert response.status_code == 403
    assert "read-only" in response.json()["error"]
    response = live_server.post("/sparql", data={"update": "LOAD <file:///etc/passwd>"})
    assert response.status_code == 403
    _assert_healthy(live_server)


@pytest.fixture(scope="module")
def guarded_server(server_factory, sample_store, tmp_path_factory) -> LiveServer:
    """A copy of the sample store behind a server with a token, a 2 s time limit and 50 results at most."""
    store = tmp_path_factory.mktemp("guarded") / "store"
    shutil.copytree(sample_store, store)
    return server_factory(store, update_token=TOKEN, timeout=2.0, env={"KG_MAX_RESULTS": "50"})


def test_load_refused_even_with_token(guarded_server: LiveServer) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    for update in ("LOAD <file:///etc/passwd>", "LOAD SILENT <http://127.0.0.1:1/x.ttl> INTO GRAPH <http://g>",
                   "INSERT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"):
        response = guarded_server.post("/sparql", data={"update": update}, headers=auth)
        assert response.status_code == 400, update
        assert "not allowed" in response.json()["error"]
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <http://g> { ?s ?p ?o } }"
    response = guarded_server.get("/sparql", params={"query": count})
    assert response.json()["results"]["bindings"][0]["n"]["value"] == "0"


def test_wrong_token_is_refused(guarded_server: LiveServer) -> None:
    response = guarded_server.post("/sparql", data={"update": "CLEAR ALL"}, headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    _assert_healthy(guarded_server)


@pytest.mark.parametrize("query", [
    CROSS_PRODUCT,
    "SELECT (COUNT(*) AS ?n) WHERE { ?a (<http://x>|!<http://y>)* ?b . ?c (!<http://z>)* ?d . ?e ?f ?g }",
])
def test_runaway_query_is_stopped_and_server_stays_healthy(guarded_server: LiveServer, query: str) -> None:
    started = time.monotonic()
    response = guarded_server.get("/sparql", params={"query": query}, timeout=60)
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert "time limit" in response.json()["error"]
    assert elapsed < 2.0 + 5.0
    _assert_healthy(guarded_server)


def test_concurrent_runaways_do_not_block_health(guarded_server: LiveServer) -> None:
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        futures = [pool.submit(guarded_server.get, "/sparql", params={"query": CROSS_PRODUCT}, timeout=60)
                   for _ in range(6)]
        statuses = [f.result().status_code for f in futures]
    assert set(statuses) == {503}
    _assert_healthy(guarded_server)
    assert guarded_server.get("/healthz").status_code == 200


def test_result_limit(guarded_server: LiveServer) -> None:
    response = guarded_server.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert response.status_code == 400
    assert "result limit" in response.json()["error"]
    response = guarded_server.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 50"})
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == 50


def test_huge_body_and_deep_nesting_refused(guarded_server: LiveServer) -> None:
    huge = "SELECT * WHERE { " + "?s ?p ?o . " * 200_000 + "}"
    response = guarded_server.post("/sparql", data=huge.encode(), headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413
    deep = "SELECT * WHERE " + "{ " * 500 + "?s ?p ?o" + " }" * 500
    response = guarded_server.get("/sparql", params={"query": deep})
    assert response.status_code == 400
    assert "nests" in response.json()["error"]
    expression = "SELECT * WHERE { FILTER(" + "(" * 300 + "1" + ")" * 300 + ") }"
    response = guarded_server.get("/sparql", params={"query": expression})
    assert response.status_code == 400
    _assert_healthy(guarded_server)


def test_update_with_token_changes_graph_api(guarded_server: LiveServer) -> None:
    iri = "https://kg.example.org/program/new-program"
    update = (f"INSERT DATA {{ GRAPH <https://kg.example.org/graph/extra> {{ <{iri}> a "
              "<https://kg.example.org/ontology#Program> ; "
              "<http://www.w3.org/2004/02/skos/core#prefLabel> \"乡村振兴示范\"@zh } }")
    response = guarded_server.post("/sparql", data=update.encode(), headers={
        "Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 204
    found = guarded_server.get("/api/graph/search", params={"q": "乡村振兴"}).json()["results"]
    assert [r["iri"] for r in found] == [iri]


def test_errors_never_carry_tracebacks(live_server: LiveServer) -> None:
    for response in (
        live_server.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"}),
        live_server.post("/sparql", data="ASK {}", headers={"Content-Type": "text/plain"}),
        live_server.get("/sparql", params={"query": "ASK {}", "format": "bogus"}),
        requests.put(live_server.url + "/sparql", timeout=10),
        live_server.get("/no/such/page"),
    ):
        assert 400 <= response.status_code < 500
        assert response.headers["content-type"].startswith("application/json")
        assert "Traceback" not in response.text and 'File "' not in response.text
        assert response.json()["error"]


def test_from_names_the_default_graph(live_server: LiveServer) -> None:
    """FROM was overridden by the union default graph: a missing graph counted the whole store."""
    count = "SELECT (COUNT(*) AS ?n) {from_clause} WHERE {{ ?s ?p ?o }}"
    graph = "https://kg.example.org/graph/002_sample.txt"

    def n(query: str, **params: str) -> int:
        response = live_server.get("/sparql", params={"query": query, **params},
                                   headers={"Accept": "application/sparql-results+json"})
        return int(response.json()["results"]["bindings"][0]["n"]["value"])

    everything, page = n(count.format(from_clause="")), n(count.format(from_clause=f"FROM <{graph}>"))
    assert n(count.format(from_clause="FROM <http://nonexistent/>")) == 0
    assert 0 < page < everything
    assert n(count.format(from_clause="FROM NAMED <http://nonexistent/>")) == 0  # a dataset with no default graph
    # The protocol's parameters take precedence over FROM (SPARQL 1.1 Protocol, 2.1.4).
    assert n(count.format(from_clause="FROM <http://nonexistent/>"), **{"default-graph-uri": graph}) == page
