"""`/api/graph/...`: the JSON the graph browser and outside tools read (docs/graph-api.md).

Every answer is computed on the networkx projection (kg.web.projection); no
parameter ever becomes query text.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import networkx as nx
from flask import Blueprint, current_app, request

from kg.web.errors import ApiError
from kg.web.projection import ENTITY_TYPES, Claim, Projection

bp = Blueprint("graph_api", __name__, url_prefix="/api/graph")

MAX_DEPTH = 3
MAX_LIMIT = 1000
MAX_PARAM_CHARS = 2000


def _projection() -> Projection:
    return current_app.extensions["kg.projection"].get()


def _text(name: str, required: bool = True) -> str | None:
    value = request.args.get(name)
    if value is None or value == "":
        if required:
            raise ApiError(400, f"parameter {name!r} is required")
        return None
    if len(value) > MAX_PARAM_CHARS:
        raise ApiError(400, f"parameter {name!r} is longer than {MAX_PARAM_CHARS} characters")
    return value


def _int(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"parameter {name!r} must be an integer") from None
    if not low <= value <= high:
        raise ApiError(400, f"parameter {name!r} must be between {low} and {high}")
    return value


def _known(p: Projection, name: str) -> str:
    iri = _text(name)
    assert iri is not None
    if iri not in p.graph:
        raise ApiError(404, f"no entity {iri!r} in the graph")
    return iri


def public(claim: Claim) -> Claim:
    return {k: v for k, v in claim.items() if not k.startswith("_")}


def _elements(p: Projection, nodes: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Cytoscape.js elements for `nodes` and every edge between them."""
    chosen = set(nodes)
    out_nodes = [{"data": {"id": n, "label": p.graph.nodes[n]["label"], "type": p.graph.nodes[n]["type"]}}
                 for n in nodes]
    edges = [
        {"data": {"id": f"{s} {key} {o}", "source": s, "target": o, "label": data["label"]}}
        for s, o, key, data in p.graph.edges(keys=True, data=True)
        if s in chosen and o in chosen
    ]
    return {"nodes": out_nodes, "edges": edges}


def _claims_about(p: Projection, iri: str) -> list[Claim]:
    return [public(c) for c in p.claims.values() if iri in c["_links"].values() or c["iri"] == iri]


def _parents(p: Projection, iri: str) -> list[dict[str, str]]:
    """The chain of regions above a region, or above the region an agency or program serves."""
    chain: list[dict[str, str]] = []
    seen = {iri}
    current = iri
    while True:
        ups = [o for _, o, data in p.graph.out_edges(current, data=True)
               if data["label"] in ("containedInPlace", "areaServed") and p.graph.nodes[o]["type"] == "region"]
        ups = [o for o in ups if o not in seen]
        if not ups:
            return chain
        current = sorted(ups)[0]
        seen.add(current)
        chain.append({"iri": current, "label": p.graph.nodes[current]["label"]})


@bp.get("/search")
def search() -> dict[str, Any]:
    q = _text("q")
    assert q is not None
    limit = _int("limit", 20, 1, 200)
    p = _projection()
    needle = q.casefold()
    found: list[tuple[tuple[int, int, str], dict[str, Any]]] = []
    for iri, data in p.graph.nodes(data=True):
        if data["type"] not in ENTITY_TYPES:
            continue
        names = [("label", data["label"])] + [("alias", a) for a in data["aliases"]]
        if data["code"]:
            names.append(("code", data["code"]))
        best: tuple[int, str] | None = None
        for match, name in names:
            text = name.casefold()
            rank = 0 if text == needle else 1 if text.startswith(needle) else 2 if needle in text else None
            if rank is not None and (best is None or rank < best[0]):
                best = (rank, match)
        if best is not None:
            found.append(((best[0], len(data["label"]), iri), {
                "iri": iri, "label": data["label"], "type": data["type"], "code": data["code"], "match": best[1],
            }))
    found.sort(key=lambda item: item[0])
    return {"results": [item for _, item in found[:limit]]}


@bp.get("/node")
def node() -> dict[str, Any]:
    p = _projection()
    iri = _known(p, "iri")
    data = p.graph.nodes[iri]
    return {
        "iri": iri,
        "type": data["type"],
        "label": data["label"],
        "aliases": data["aliases"],
        "code": data["code"],
        "parents": _parents(p, iri),
        "claims": _claims_about(p, iri),
    }


@bp.get("/neighborhood")
def neighborhood() -> dict[str, Any]:
    p = _projection()
    iri = _known(p, "iri")
    depth = _int("depth", 1, 0, MAX_DEPTH)
    limit = _int("limit", 200, 1, MAX_LIMIT)
    reach = nx.single_source_shortest_path_length(p.graph.to_undirected(as_view=True), iri, cutoff=depth)
    ordered = sorted(reach, key=lambda n: (reach[n], n))
    return {"elements": _elements(p, ordered[:limit]), "capped": len(ordered) > limit, "total": len(ordered)}


@bp.get("/path")
def path() -> dict[str, Any]:
    p = _projection()
    source, target = _known(p, "from"), _known(p, "to")
    try:
        nodes = nx.shortest_path(p.graph.to_undirected(as_view=True), source, target)
    except nx.NetworkXNoPath:
        nodes = []
    return {"path": nodes, "elements": _elements(p, nodes)}


def _metric_iri(p: Projection, metric: str) -> str | None:
    if metric in p.graph and p.graph.nodes[metric]["type"] == "metric":
        return metric
    for iri, data in p.graph.nodes(data=True):
        if data["type"] == "metric" and metric in (data["label"], *data["aliases"]):
            return iri
    return None


@bp.get("/compare")
def compare() -> dict[str, Any]:
    p = _projection()
    metric = _text("metric")
    assert metric is not None
    metric_iri = _metric_iri(p, metric)
    rows = []
    for claim in p.claims.values():
        if (metric_iri and claim["_links"]["metric"] == metric_iri) or (not metric_iri and claim["metric"] == metric):
            rows.append({
                "region": claim["region"],
                "region_iri": claim["_links"]["region"],
                "value": claim["value"],
                "unit": claim["unit"],
                "qualifier": claim["qualifier"],
                "period": claim["period"],
                "claim": claim["iri"],
                "article": claim["article"],
                "article_iri": claim["article_iri"],
                "doc": claim["doc"],
            })
    rows.sort(key=lambda r: (r["region"] or "", r["period"] or "", r["claim"]))
    return {"metric": p.label(metric_iri) if metric_iri else metric, "rows": rows}


@bp.get("/conflicts")
def conflicts() -> dict[str, Any]:
    """Claims on one subject, metric, period and unit that disagree (values in different units never do)."""
    p = _projection()
    groups: dict[tuple[str, str, str, str], list[Claim]] = defaultdict(list)
    for claim in p.claims.values():
        links = claim["_links"]
        subject = links["subject"] or links["region"] or claim["subject"] or claim["region"]
        metric = links["metric"] or claim["metric"]
        if subject and metric and claim["period"]:
            groups[(subject, metric, claim["period"], claim["unit"] or "")].append(claim)
    found = []
    for (subject, metric, period, _), claims in sorted(groups.items()):
        if len({c["value"] for c in claims}) > 1:
            found.append({
                "subject": p.label(subject) or subject,
                "metric": p.label(metric) or metric,
                "period": period,
                "claims": [public(c) for c in sorted(claims, key=lambda c: c["iri"])],
            })
    return {"conflicts": found}


@bp.get("/programs")
def programs() -> dict[str, Any]:
    p = _projection()
    iri = _known(p, "iri")
    if p.graph.nodes[iri]["type"] != "program":
        raise ApiError(404, f"{iri!r} is not a program")
    claims = [c for c in p.claims.values() if c["_links"]["program"] == iri]
    regions = {o for _, o, d in p.graph.out_edges(iri, data=True) if p.graph.nodes[o]["type"] == "region"}
    regions |= {c["_links"]["region"] for c in claims if c["_links"]["region"]}
    agencies = {c["_links"]["agency"] for c in claims if c["_links"]["agency"]}
    return {
        "program": {"iri": iri, "label": p.graph.nodes[iri]["label"]},
        "regions": [{"iri": r, "label": p.label(r)} for r in sorted(regions)],
        "agencies": [{"iri": a, "label": p.label(a)} for a in sorted(agencies)],
        "claims": [public(c) for c in claims],
    }
