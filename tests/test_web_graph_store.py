"""/store (Graph Store Protocol) and /update on the live server: reads open, writes only with the token."""

from __future__ import annotations

import shutil

import pyoxigraph as ox
import pytest
import requests
from conftest import LiveServer

TOKEN = "graph-store-token"
GRAPH = "https://kg.example.org/graph/999_new.txt"
PROGRAM = "https://kg.example.org/program/%E6%96%B0%E9%A1%B9%E7%9B%AE"
BODY = (f"<{PROGRAM}> a <https://kg.example.org/ontology#Program> ; "
        '<http://www.w3.org/2004/02/skos/core#prefLabel> "新项目"@zh .').encode()


@pytest.fixture(scope="module")
def writable(server_factory, sample_store, tmp_path_factory) -> LiveServer:
    store = tmp_path_factory.mktemp("gsp") / "store"
    shutil.copytree(sample_store, store)
    return server_factory(store, update_token=TOKEN)


def _put(server: LiveServer, body: bytes, token: str | None = TOKEN):
    headers = {"Content-Type": "text/turtle", **({"Authorization": f"Bearer {token}"} if token else {})}
    return requests.put(server.url + "/store", params={"graph": GRAPH}, data=body, headers=headers, timeout=30)


def test_writes_need_the_token(writable: LiveServer, live_server: LiveServer) -> None:
    assert _put(live_server, BODY).status_code == 403  # no token configured: read-only
    assert _put(writable, BODY, token=None).status_code == 401
    assert _put(writable, BODY, token="wrong").status_code == 401
    assert writable.get("/store", params={"graph": GRAPH}).status_code == 404


def test_put_get_replace_delete(writable: LiveServer) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert _put(writable, BODY).status_code == 204
    got = writable.get("/store", params={"graph": GRAPH}, headers={"Accept": "application/n-triples"})
    assert len(list(ox.parse(got.content, format=ox.RdfFormat.N_TRIPLES))) == 2
    assert [r["iri"] for r in writable.get("/api/graph/search", params={"q": "新项目"}).json()["results"]] == [PROGRAM]
    renamed = BODY.replace("新项目".encode(), "改名项目".encode())
    assert _put(writable, renamed).status_code == 204
    assert writable.get("/api/graph/search", params={"q": "新项目"}).json()["results"] == []
    dataset = list(ox.parse(writable.get("/store").content, format=ox.RdfFormat.N_QUADS))
    assert {q.graph_name.value for q in dataset if isinstance(q.graph_name, ox.NamedNode)} >= {GRAPH}
    deleted = requests.delete(writable.url + "/store", params={"graph": GRAPH}, headers=auth, timeout=30)
    assert deleted.status_code == 204
    assert writable.get("/store", params={"graph": GRAPH}).status_code == 404
    assert writable.get("/healthz").json()["quads"] == 160


def test_update_path_takes_updates_only(writable: LiveServer) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    done = writable.post("/update", data={"update": f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <{PROGRAM}> a <urn:x> }} }}"},
                         headers=auth)
    assert done.status_code == 204
    assert writable.post("/update", data={"query": "ASK {}"}, headers=auth).status_code == 400
    assert writable.post("/update", data={"update": "CLEAR ALL"}).status_code == 401
    assert writable.post("/update", data={"update": f"DROP GRAPH <{GRAPH}>"}, headers=auth).status_code == 204
    assert writable.post("/store", data=b"<a> <b> <c> .", headers={**auth, "Content-Type": "text/plain"},
                         params={"graph": GRAPH}).status_code == 415
