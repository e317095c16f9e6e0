"""The W3C SPARQL 1.1 Protocol test suite, run against the real server.

tests/data/w3c/ holds the suite's manifest and data (W3C test suite licence,
LICENSE.md). Each test describes HTTP requests as RDF (the HTTP vocabulary);
this runner reads the manifest with rdflib, replays each request on a live
server and checks status, result format and ASK value as the manifest says.
Query tests run on a read-only server and on one started with an update
token; update tests run with the token, and are refused without it.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from conftest import LiveServer
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

W3C = Path(__file__).resolve().parent / "data" / "w3c"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
TOKEN = "w3c-suite-token"
TABULAR = {"application/sparql-results+json", "application/sparql-results+xml", "text/csv",
           "text/tab-separated-values"}
RDF_TYPES = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
             "application/rdf+xml": ox.RdfFormat.RDF_XML, "application/ld+json": ox.RdfFormat.JSON_LD}


@dataclass
class HttpRequest:
    method: str
    path: str
    body: bytes | None
    headers: dict[str, str]
    statuses: set[int]  # accepted status classes: 2, 3, 4, 5
    expected_format: str | None
    expected_boolean: bool | None


@dataclass
class ProtocolTest:
    name: str
    label: str
    requests: list[HttpRequest]
    graph_data: list[tuple[Path, str]] = field(default_factory=list)

    @property
    def is_update(self) -> bool:
        return "update" in self.name


def _read_manifest() -> list[ProtocolTest]:
    graph = Graph()
    graph.parse(W3C / "manifest.ttl", format="turtle", publicID=(W3C / "manifest.ttl").as_uri())
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    tests = []
    for entry in Collection(graph, graph.value(manifest, MF.entries)):
        action = graph.value(entry, MF.action)
        reqs = []
        for req in Collection(graph, graph.value(action, HT.requests)):
            body_node = graph.value(req, HT.body)
            body = None
            if body_node is not None:
                encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(graph.value(body_node, CNT.chars)).encode(encoding.lower().replace("utf-16", "utf-16-le"))
            headers = {}
            header_list = graph.value(req, HT.headers)
            if header_list is not None:
                for header in Collection(graph, header_list):
                    headers[str(graph.value(header, HT.fieldName)).lower()] = str(graph.value(header, HT.fieldValue))
            resp = graph.value(req, HT.resp)
            statuses = {int(str(s)[len(HTS)]) for s in graph.objects(resp, MF.expectedStatus)}
            fmt = graph.value(resp, MF.expectedFormat)
            boolean = graph.value(resp, MF.expectedBoolean)
            reqs.append(HttpRequest(str(graph.value(req, HT.methodName)), str(graph.value(req, HT.absolutePath)),
                                    body, headers, statuses, str(fmt) if fmt is not None else None,
                                    boolean.toPython() if boolean is not None else None))
        data = [(W3C / Path(str(graph.value(d, UT.graph))).name, str(graph.value(d, RDFS.label)))
                for d in graph.objects(entry, UT.graphData)]
        name = str(entry).rsplit("#", 1)[-1]
        tests.append(ProtocolTest(name, str(graph.value(entry, MF.name)), reqs, data))
    return tests


TESTS = _read_manifest()


def test_manifest_is_complete() -> None:
    assert len(TESTS) == 34
    assert sum(t.is_update for t in TESTS) == 14


def _media(response: requests.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip()


def _boolean(response: requests.Response) -> bool:
    media = _media(response)
    if media == "application/sparql-results+json":
        return json.loads(response.content)["boolean"]
    if media == "application/sparql-results+xml":
        return bool(ox.parse_query_results(response.content, format=ox.QueryResultsFormat.XML))
    raise AssertionError(f"boolean result in {media}")


def _check(req: HttpRequest, response: requests.Response) -> None:
    assert response.status_code // 100 in req.statuses, (response.status_code, response.text[:500])
    if req.expected_format == "boolean":
        assert isinstance(_boolean(response), bool)
    elif req.expected_format == "tabular":
        assert _media(response) in TABULAR
    elif req.expected_format == "RDF":
        media = _media(response)
        assert media in RDF_TYPES
        list(ox.parse(io.BytesIO(response.content), format=RDF_TYPES[media]))
    if req.expected_boolean is not None:
        assert _boolean(response) is req.expected_boolean


def _send(server: LiveServer, req: HttpRequest, token: str | None) -> requests.Response:
    headers = dict(req.headers)
    if token:
        headers["authorization"] = f"Bearer {token}"
    # requests adds no Content-Type of its own for a bytes body: the suite's missing-type cases stay missing.
    return requests.request(req.method, server.url + req.path, data=req.body, headers=headers, timeout=30)


def _load_data(server: LiveServer, test: ProtocolTest) -> None:
    statements = ["DROP ALL"]
    for path, graph_iri in test.graph_data:
        statements.append(f"INSERT DATA {{ GRAPH <{graph_iri}> {{ {path.read_text()} }} }}")
    response = server.post("/sparql", data=" ;\n".join(statements).encode(),
                           headers={"Content-Type": "application/sparql-update",
                                    "Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 204, response.text


@pytest.fixture(scope="module")
def updatable_server(server_factory: Callable[..., LiveServer], tmp_path_factory: pytest.TempPathFactory):
    return server_factory(tmp_path_factory.mktemp("w3c") / "store", update_token=TOKEN)


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_w3c_protocol_with_update_token(test: ProtocolTest, updatable_server: LiveServer) -> None:
    _load_data(updatable_server, test)
    for req in test.requests:
        _check(req, _send(updatable_server, req, TOKEN))


@pytest.fixture(scope="module")
def read_only_server(server_factory: Callable[..., LiveServer], tmp_path_factory: pytest.TempPathFactory):
    """No token; the suite's data graphs are written into the store folder before the server opens it."""
    folder = tmp_path_factory.mktemp("w3c-ro") / "store"
    store = ox.Store(str(folder))
    for path, graph_iri in {d for t in TESTS for d in t.graph_data}:
        store.load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph_iri))
    store.flush()
    del store
    return server_factory(folder)


@pytest.mark.parametrize("test", [t for t in TESTS if not t.is_update], ids=lambda t: t.name)
def test_w3c_query_tests_on_read_only_server(test: ProtocolTest, read_only_server: LiveServer) -> None:
    for req in test.requests:
        _check(req, _send(read_only_server, req, None))


@pytest.mark.parametrize("test", [t for t in TESTS if t.is_update], ids=lambda t: t.name)
def test_w3c_update_tests_are_refused_without_token(test: ProtocolTest, read_only_server: LiveServer) -> None:
    response = _send(read_only_server, test.requests[0], None)
    assert 400 <= response.status_code < 500
    assert "error" in response.json()



def _service_description_checks(server: LiveServer) -> dict[str, Callable[[], None]]:
    """The suite's three Service Description tests, as checks on the endpoint's answer to a bare GET."""
    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    endpoint = server.url + "/sparql/"

    def description() -> Graph:
        response = requests.get(endpoint, headers={"Accept": "text/turtle"}, timeout=30)
        assert response.status_code == 200 and _media(response) == "text/turtle"
        return Graph().parse(data=response.text, format="turtle")

    def returns_rdf() -> None:
        assert len(description()) > 0

    def has_endpoint_triple() -> None:
        assert (None, sd.endpoint, URIRef(endpoint)) in description()

    def conforms_to_schema() -> None:
        graph = description()
        services = set(graph.subjects(RDF.type, sd.Service))
        assert len(services) == 1
        service = services.pop()
        assert sd.SPARQL11Query in set(graph.objects(service, sd.supportedLanguage))
        dataset = graph.value(service, sd.defaultDataset)
        assert (dataset, RDF.type, sd.Dataset) in graph
        assert (graph.value(dataset, sd.defaultGraph), RDF.type, sd.Graph) in graph

    return {"returns-rdf": returns_rdf, "has-endpoint-triple": has_endpoint_triple,
            "conforms-to-schema": conforms_to_schema}


def test_w3c_service_description(read_only_server: LiveServer) -> None:
    graph = Graph().parse(W3C / "service-description-manifest.ttl", format="turtle")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    names = [str(e).rsplit("#", 1)[-1] for e in Collection(graph, graph.value(manifest, MF.entries))]
    checks = _service_description_checks(read_only_server)
    assert sorted(names) == sorted(checks)
    for name in names:
        checks[name]()
