"""/api/graph/* on the live server over tests/data/web/sample.trig, in the shapes of docs/graph-api.md."""

from __future__ import annotations

import pytest
from conftest import LiveServer

from kg.rdf.summaries import SPARQL

B = "https://kg.example.org/"
SUXIAN = B + "region/431003"
BEIHU = B + "region/431002"
HUNAN = B + "region/430000"
PROGRAM = B + "program/%E4%BB%A5%E5%B7%A5%E4%BB%A3%E8%B5%88"
CLAIM_KEYS = {"doc", "article", "evidence", "start", "end", "value", "unit", "qualifier", "subject", "region",
              "agency", "program", "metric", "period", "modality", "change", "iri", "article_iri"}


def test_search_by_label_alias_and_code(live_server: LiveServer) -> None:
    hits = live_server.get("/api/graph/search", params={"q": "苏仙区"}).json()["results"]
    assert hits[0] == {"iri": SUXIAN, "label": "苏仙区", "type": "region", "code": "431003", "match": "label"}
    by_alias = live_server.get("/api/graph/search", params={"q": "人社局"}).json()["results"]
    assert [(h["type"], h["match"]) for h in by_alias] == [("agency", "alias")]
    by_code = live_server.get("/api/graph/search", params={"q": "431002"}).json()["results"]
    assert [h["iri"] for h in by_code] == [BEIHU]
    limited = live_server.get("/api/graph/search", params={"q": "4310", "limit": 2}).json()["results"]
    assert len(limited) == 2


def test_search_answers_a_one_character_query_from_the_index(live_server: LiveServer) -> None:
    hits = live_server.get("/api/graph/search", params={"q": "仙"}).json()["results"]
    assert SUXIAN in [h["iri"] for h in hits]
    assert all("仙" in h["label"] or h["match"] != "label" for h in hits)
    assert (live_server.store / "labels.sqlite").exists(), "search reads the FTS5 index beside the store"


def test_node_with_parents_and_claims(live_server: LiveServer) -> None:
    node = live_server.get("/api/graph/node", params={"iri": SUXIAN}).json()
    assert node["type"] == "region" and node["label"] == "苏仙区" and node["aliases"] == ["苏仙"]
    assert [p["label"] for p in node["parents"]] == ["郴州市", "湖南省"]
    assert {c["value"] for c in node["claims"]} == {3280, 3300, 12000000}
    assert all(set(c) == CLAIM_KEYS for c in node["claims"])
    claim = next(c for c in node["claims"] if c["value"] == 3280)
    assert claim["evidence"] == "城镇新增就业3280人" and claim["doc"] == "001_sample.txt"
    assert claim["agency"] == "苏仙区人力资源和社会保障局" and claim["qualifier"] == "exact"
    assert live_server.get("/api/graph/node", params={"iri": B + "region/999999"}).status_code == 404


def test_neighborhood_in_cytoscape_format_and_capped(live_server: LiveServer) -> None:
    body = live_server.get("/api/graph/neighborhood", params={"iri": SUXIAN, "depth": 1}).json()
    ids = {n["data"]["id"] for n in body["elements"]["nodes"]}
    assert SUXIAN in ids and B + "region/431000" in ids
    assert body["capped"] is False and body["total"] == len(ids)
    for edge in body["elements"]["edges"]:
        assert {"id", "source", "target", "label"} <= set(edge["data"])
        assert edge["data"]["source"] in ids and edge["data"]["target"] in ids
    capped = live_server.get("/api/graph/neighborhood", params={"iri": SUXIAN, "depth": 2, "limit": 3}).json()
    assert capped["capped"] is True and len(capped["elements"]["nodes"]) == 3 and capped["total"] > 3


def test_path_between_regions(live_server: LiveServer) -> None:
    body = live_server.get("/api/graph/path", params={"from": BEIHU, "to": HUNAN}).json()
    assert body["path"] == [BEIHU, B + "region/431000", HUNAN]
    assert len(body["elements"]["edges"]) == 2


def test_compare_metric_across_regions(live_server: LiveServer) -> None:
    body = live_server.get("/api/graph/compare", params={"metric": "城镇新增就业人数"}).json()
    assert body["metric"] == "城镇新增就业人数"
    values = sorted((r["region"], r["value"]) for r in body["rows"] if r["unit"] == "人")
    assert values == [("北湖区", 2100), ("苏仙区", 3280), ("苏仙区", 3300)]
    assert all(r["article_iri"].startswith(B + "article/") for r in body["rows"])


def test_conflicts_same_subject_metric_period(live_server: LiveServer) -> None:
    conflicts = live_server.get("/api/graph/conflicts").json()["conflicts"]
    people = [c for c in conflicts if {x["unit"] for x in c["claims"]} == {"人"}]
    assert len(people) == 1
    assert people[0]["subject"] == "苏仙区" and people[0]["period"] == "2023年"
    assert sorted(c["value"] for c in people[0]["claims"]) == [3280, 3300]
    assert people[0]["unit"] == "人" and people[0]["spread"] == [3280, 3300]


def _aggregate(live_server: LiveServer, name: str, limit: int) -> list[dict[str, str]]:
    answer = live_server.get("/sparql", params={"query": SPARQL[name] % limit},
                             headers={"Accept": "application/sparql-results+json"}).json()
    return [{k: v["value"] for k, v in row.items()} for row in answer["results"]["bindings"]]


def test_overview_equals_the_whole_store_aggregates(live_server: LiveServer) -> None:
    """The start page's figures come from the summaries kept beside the store (rebuilt here at first read: the
    sample store was bulk-loaded) and equal the SPARQL aggregates they replace."""
    body = live_server.get("/api/graph/overview", params={"entities": 200, "metrics": 500}).json()
    assert [(e["iri"], e["label"], e["type"], e["claims"]) for e in body["entities"]] == [
        (r["entity"], r["label"], r["class"].rsplit("#", 1)[-1].lower(), int(r["claims"]))
        for r in _aggregate(live_server, "busiest", 200)]
    assert [(m["iri"], m["label"], m["regions"], m["claims"]) for m in body["metrics"]] == [
        (r["metric"], r["label"], int(r["regions"]), int(r["claims"]))
        for r in _aggregate(live_server, "comparable", 500)]
    assert body["entities"] and body["metrics"], "the sample names busy regions and a metric two districts report"
    assert SUXIAN in {e["iri"] for e in body["entities"]}
    short = live_server.get("/api/graph/overview", params={"entities": 1, "metrics": 0}).json()
    assert short == {"entities": body["entities"][:1], "metrics": []}
    assert live_server.get("/api/graph/overview", params={"entities": 201}).status_code == 400


def test_programs(live_server: LiveServer) -> None:
    body = live_server.get("/api/graph/programs", params={"iri": PROGRAM}).json()
    assert body["program"]["label"] == "以工代赈"
    assert [r["iri"] for r in body["regions"]] == [SUXIAN]
    assert [c["value"] for c in body["claims"]] == [12000000]
    assert live_server.get("/api/graph/programs", params={"iri": SUXIAN}).status_code == 404


@pytest.mark.parametrize("hostile", [
    '" } ; DROP ALL ; SELECT * { "',
    "> } UNION { ?s ?p ?o } #",
    "苏仙区' . ?x ?y ?z . FILTER('1",
    "<script>alert(1)</script>",
    "}}}}{{{{",
])
def test_parameters_cannot_change_queries(live_server: LiveServer, hostile: str) -> None:
    hits = live_server.get("/api/graph/search", params={"q": hostile})
    assert hits.status_code == 200 and hits.json()["results"] == []
    for path in ("node", "neighborhood", "programs"):
        response = live_server.get(f"/api/graph/{path}", params={"iri": hostile})
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/json")
    assert live_server.get("/api/graph/compare", params={"metric": hostile}).json()["rows"] == []
    assert live_server.get("/healthz").json()["quads"] == 160


def test_bad_parameters_are_400(live_server: LiveServer) -> None:
    for path, params in [("search", {}), ("search", {"q": "x", "limit": "many"}), ("search", {"q": "x", "limit": 0}),
                         ("neighborhood", {"iri": SUXIAN, "depth": 9}), ("path", {"from": SUXIAN})]:
        response = live_server.get(f"/api/graph/{path}", params=params)
        assert response.status_code == 400, (path, params)
        assert response.json()["status"] == 400


def test_claim_lists_are_capped_and_counted(live_server: LiveServer) -> None:
    full = live_server.get("/api/graph/node", params={"iri": SUXIAN}).json()
    assert full["claims_total"] == 3 and full["claims_capped"] is False
    one = live_server.get("/api/graph/node", params={"iri": SUXIAN, "limit": 1}).json()
    assert len(one["claims"]) == 1 and one["claims_total"] == 3 and one["claims_capped"] is True
    assert one["claims"][0]["iri"] == min(c["iri"] for c in full["claims"])
    compare = live_server.get("/api/graph/compare", params={"metric": "城镇新增就业人数", "limit": 1}).json()
    assert len(compare["rows"]) == 1 and compare["capped"] is True and compare["total"] > 1
    assert live_server.get("/api/graph/node", params={"iri": SUXIAN, "limit": 5001}).status_code == 400
    assert live_server.get("/api/graph/conflicts").json()["capped"] is False


def test_neighborhood_rings_are_ordered_and_edges_stay_among_returned_nodes(live_server: LiveServer) -> None:
    body = live_server.get("/api/graph/neighborhood", params={"iri": SUXIAN, "depth": 2, "limit": 1000}).json()
    ids = [n["data"]["id"] for n in body["elements"]["nodes"]]
    assert ids[0] == SUXIAN and body["capped"] is False and body["total"] == len(ids) == len(set(ids))
    edges = {(e["data"]["source"], e["data"]["label"], e["data"]["target"]) for e in body["elements"]["edges"]}
    assert (SUXIAN, "containedInPlace", B + "region/431000") in edges
    assert all(s in ids and t in ids for s, _, t in edges)
