"""The lean /sparql path (kg.web.sparql_lean) answers exactly as the Flask route does, or leaves it to Flask.

Each request goes once through the Flask app (so the guard's pass on its text
is kept) and then to both the app and the middleware; status, headers and body
must match byte for byte, and a counting wrapper says which path answered.
The last test does the same on the real server, with the lean path on and off.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests
from werkzeug.test import Client

from kg.rdf.store import open_store
from kg.web.app import create_app
from kg.web.sparql_lean import LeanSparql

DATA = """
@prefix ex: <https://example.org/x#> .
<https://example.org/g/one> { ex:lake a ex:Water ; ex:depth 12 ; ex:name "Mirror Lake"@en . }
<https://example.org/g/two> { ex:hill a ex:Land ; ex:height 340 ; ex:name "Quiet Hill"@en . }
"""
SELECT = "SELECT ?s ?n WHERE { ?s <https://example.org/x#name> ?n } ORDER BY ?s"
ASK = "ASK { ?s a <https://example.org/x#Land> }"
CONSTRUCT = "CONSTRUCT { ?s <https://example.org/x#seen> true } WHERE { ?s a ?t }"
RELATIVE = "SELECT (<relative> AS ?r) WHERE {}"
FORMATS = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
           "text/tab-separated-values", "text/turtle", "application/n-triples", "application/ld+json",
           "application/rdf+xml", "*/*", ""]


@pytest.fixture(scope="module")
def apps(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Client, Client, list[str]]]:
    """(Flask client, lean client, log of the requests the lean path passed on to Flask)."""
    import pyoxigraph as ox

    folder = tmp_path_factory.mktemp("lean") / "store"
    writer = ox.Store(str(folder))
    writer.load(DATA.encode(), format=ox.RdfFormat.TRIG)
    writer.flush()
    del writer
    store = open_store(folder)
    app = create_app(store, query_timeout=5.0, query_workers=2)
    passed: list[str] = []
    lean = LeanSparql(app)

    def counted(environ: dict, start_response: Callable) -> object:
        passed.append(environ.get("PATH_INFO", ""))
        return app(environ, start_response)

    lean.app = counted  # type: ignore[assignment]
    yield Client(app), Client(lean), passed
    app.extensions["kg.sparql"].executor.close()


def _both(apps: tuple[Client, Client, list[str]], method: str, path: str,
          **kwargs: object) -> tuple[object, object, int]:
    """(Flask's answer, the lean path's, how many requests the lean one passed to Flask), the text seen once first."""
    flask, lean, passed = apps
    flask.open(path, method=method, **kwargs)  # the guard's pass is now kept for this text
    before = len(passed)
    return flask.open(path, method=method, **kwargs), lean.open(path, method=method, **kwargs), len(passed) - before


def _same(flask: object, lean: object) -> None:
    assert lean.status == flask.status  # type: ignore[attr-defined]
    assert list(lean.headers.items()) == list(flask.headers.items())  # type: ignore[attr-defined]
    assert lean.data == flask.data  # type: ignore[attr-defined]


@pytest.mark.parametrize("accept", FORMATS)
@pytest.mark.parametrize("query", [SELECT, ASK, CONSTRUCT])
def test_get_answers_match_the_flask_route_in_every_format(apps, query: str, accept: str) -> None:
    flask, lean, passed = _both(apps, "GET", "/sparql?" + urlencode({"query": query}), headers={"Accept": accept})
    assert flask.status_code == 200, flask.data
    _same(flask, lean)
    assert passed == 0


@pytest.mark.parametrize("name", ["json", "xml", "csv", "tsv", "turtle", "nt", "jsonld", "rdfxml", "text/csv"])
def test_format_parameter_and_post_bodies_match(apps, name: str) -> None:
    for query in (SELECT, CONSTRUCT):
        form = {"query": query, "format": name}
        cases = [
            ("POST", "/sparql", {"data": urlencode(form), "content_type": "application/x-www-form-urlencoded"}),
            ("POST", "/sparql/?" + urlencode({"format": name}),
             {"data": query.encode(), "content_type": "application/sparql-query; charset=UTF-8"}),
            ("GET", "/sparql?" + urlencode(form), {}),
        ]
        for method, path, kwargs in cases:
            flask, lean, passed = _both(apps, method, path, **kwargs)
            assert flask.status_code == 200, flask.data
            _same(flask, lean)
            assert passed == 0, (method, path)


def test_base_iri_and_dataset_parameters_match(apps) -> None:
    """A relative IRI resolves against the endpoint's own URL; a dataset parameter narrows the answer."""
    seen = []
    for params in ({"query": RELATIVE},
                   {"query": SELECT, "default-graph-uri": "https://example.org/g/one"},
                   {"query": SELECT, "named-graph-uri": "https://example.org/g/two"}):
        flask, lean, passed = _both(apps, "GET", "/sparql?" + urlencode(params), headers={"Accept": "text/csv"})
        assert flask.status_code == 200, flask.data
        _same(flask, lean)
        assert passed == 0
        seen.append(lean.data)
    assert seen[0] == b"r\r\nhttp://localhost/relative\r\n"
    assert b"Mirror Lake" in seen[1] and b"Quiet Hill" not in seen[1]
    assert seen[2] == b"s,n\r\n"  # the named graph alone: nothing in the default graph


def test_errors_match(apps) -> None:
    """An unknown format, a graph IRI that is not one, an answer over the result cap: the same JSON error.
    (The cap is lowered after a first, passing run, so the text's pass is kept and the lean path runs it.)"""
    product = "SELECT ?s WHERE { ?s ?p ?o . ?a ?b ?c }"
    flask_client = apps[0]
    assert flask_client.get("/sparql?" + urlencode({"query": product})).status_code == 200
    conf = flask_client.application.extensions["kg.sparql"]
    conf.max_results = 20  # the product has 36 rows
    try:
        for params in ({"query": SELECT, "format": "yaml"}, {"query": SELECT, "default-graph-uri": "not an iri"},
                       {"query": product}):
            flask, lean, passed = _both(apps, "GET", "/sparql?" + urlencode(params))
            assert flask.status_code == 400 and b'"error"' in flask.data
            _same(flask, lean)
            assert passed == 0
    finally:
        conf.max_results = 10_000


def test_what_the_lean_path_does_not_take_goes_to_flask_unchanged(apps) -> None:
    """First sight of a text, refused texts, syntax errors, updates, the service description, OPTIONS, HEAD,
    a second `query`, a body in another charset or not UTF-8: Flask answers (the same bytes it gives alone)."""
    flask, lean, passed = apps
    fresh = "SELECT ?t WHERE { ?s a ?t } # first sight"
    requests_ = [
        ("GET", "/sparql?" + urlencode({"query": fresh}), {}),
        ("GET", "/sparql?" + urlencode({"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}), {}),
        ("GET", "/sparql?" + urlencode({"query": "SELECT WHERE {"}), {}),
        ("GET", "/sparql?" + urlencode({"update": "CLEAR ALL"}), {}),
        ("POST", "/sparql", {"data": urlencode({"update": "CLEAR ALL"}),
                             "content_type": "application/x-www-form-urlencoded"}),
        ("GET", "/sparql", {"headers": {"Accept": "text/turtle"}}),
        ("OPTIONS", "/sparql", {}),
        ("HEAD", "/sparql?" + urlencode({"query": ASK}), {}),
        ("GET", "/sparql?" + urlencode([("query", ASK), ("query", ASK)]), {}),
        ("POST", "/sparql", {"data": ASK.encode("utf-16"), "content_type": "application/sparql-query; charset=utf-16"}),
        ("POST", "/sparql", {"data": b"ASK {} \xff", "content_type": "application/sparql-query"}),
    ]
    for method, path, kwargs in requests_:
        before = len(passed)
        lean_answer = lean.open(path, method=method, **kwargs)
        assert len(passed) - before == 1, (method, path)
        flask_answer = flask.open(path, method=method, **kwargs)
        assert lean_answer.status == flask_answer.status
        if b"sd:Service" in flask_answer.data:  # the service description's blank nodes are new each time
            assert lean_answer.headers["Content-Type"] == flask_answer.headers["Content-Type"]
            continue
        assert list(lean_answer.headers.items()) == list(flask_answer.headers.items())
        assert lean_answer.data == flask_answer.data
    for method, path, kwargs in requests_[1:3]:  # refused and unparsable texts are never kept: Flask each time
        before = len(passed)
        assert lean.open(path, method=method, **kwargs).status_code == 400
        assert len(passed) - before == 1


def test_the_real_server_answers_the_same_with_the_lean_path_on_and_off(server_factory: Callable,
                                                                         tmp_path: Path) -> None:
    import pyoxigraph as ox

    folders = [tmp_path / "lean", tmp_path / "plain"]  # each server is its store's one writer
    for folder in folders:
        writer = ox.Store(str(folder))
        writer.load(DATA.encode(), format=ox.RdfFormat.TRIG)
        writer.flush()
        del writer
    lean = server_factory(folders[0])
    plain = server_factory(folders[1], env={"KG_LEAN_SPARQL": "0"})
    for query, accept in ((SELECT, "text/csv"), (ASK, "application/sparql-results+xml"), (CONSTRUCT, "text/turtle"),
                          ("SELECT ?x WHERE { ?x ?y }", "application/json")):
        answers = []
        for server in (lean, plain):
            for _ in range(2):  # the second is the lean path's on the first server
                response = requests.get(server.url + "/sparql", params={"query": query}, headers={"Accept": accept},
                                        timeout=30)
                answers.append((response.status_code, response.content,
                                {k: v for k, v in response.headers.items() if k not in ("Date", "Server")}))
        assert all(answer == answers[0] for answer in answers), answers
        assert answers[0][2]["X-Content-Type-Options"] == "nosniff"
        assert answers[0][2]["Access-Control-Allow-Origin"] == "*"


def test_a_client_past_its_share_is_refused_the_same_way(apps) -> None:
    """The lean path runs under the same admission: with the client's slots held (and no worker to borrow),
    both paths answer 429 with the same Retry-After and JSON."""
    from contextlib import ExitStack

    flask_client = apps[0]
    admission = flask_client.application.extensions["kg.sparql"].admission
    path = "/sparql?" + urlencode({"query": ASK})
    assert flask_client.get(path).status_code == 200
    saved = admission.wait, admission.workers
    admission.wait, admission.workers = 0.05, 0
    try:
        with ExitStack() as held:
            for _ in range(admission.per_client):
                held.enter_context(admission.slot("10.1.2.3"))
            flask, lean, passed = _both(apps, "GET", path, environ_base={"REMOTE_ADDR": "10.1.2.3"})
        assert flask.status_code == 429 and "Retry-After" in flask.headers
        _same(flask, lean)
        assert passed == 0
    finally:
        admission.wait, admission.workers = saved
