"""`/api/graph/...`: the JSON the graph browser and outside tools read (docs/graph-api.md).

Every answer is read from the store per request by kg.web.graph_view, with work
bounded by what it returns; figures over every claim (the start page's, the
conflicts, a node's claim count) and the claim rows the lists show come from the
summaries the store keeps at ingest (kg.rdf.summaries, kg.rdf.rows), or from
SPARQL on a store that keeps none or is rebuilding them (kg.rdf.store.EmbeddedStore.ready).
No parameter ever becomes query text.
"""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, current_app, request

from kg.rdf.summaries import SPARQL as SUMMARY_SPARQL
from kg.rdf.vocab import KG, SCHEMA, SKOS
from kg.web.errors import ApiError
from kg.web.executor import QueryFailed, QueryJob
from kg.web.graph_view import CLAIM_LINKS, Claim, GraphView, Info, local_name

bp = Blueprint("graph_api", __name__, url_prefix="/api/graph")

MAX_DEPTH = 3
MAX_LIMIT = 1000
MAX_PARAM_CHARS = 2000
CLAIM_LIMIT, MAX_CLAIM_LIMIT = 500, 5000
CONFLICT_LIMIT = 100
CONFLICT_CLAIMS = 5  # claims shown per conflict group (every value among them, up to five)
JSON_RESULTS = "application/sparql-results+json"


def _view() -> GraphView:
    return current_app.extensions["kg.graph_view"]


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


def _known(name: str, light: bool = False) -> Info:
    """The browsable node a parameter names (404 otherwise); `light` reads only its kind and label, which
    is cheaper for a node that many page graphs repeat."""
    iri = _text(name)
    assert iri is not None
    found = _view().node(iri) if light else _view().info(iri)
    if found is None:
        raise ApiError(404, f"no entity {iri!r} in the graph")
    return found


def public(claim: Claim) -> Claim:
    return {k: v for k, v in claim.items() if not k.startswith("_")}


def _elements(nodes: list[Info], edges: list[tuple[str, str, str]]) -> dict[str, list[dict[str, Any]]]:
    """Cytoscape.js elements."""
    return {
        "nodes": [{"data": {"id": n.iri, "label": n.label, "type": n.kind}} for n in nodes],
        "edges": [{"data": {"id": f"{s} {p} {o}", "source": s, "target": o, "label": p.rsplit("/", 1)[-1]
                            .rsplit("#", 1)[-1]}} for s, p, o in edges],
    }


def _claim_page(iri: str | None, predicates: tuple = CLAIM_LINKS, label: str | None = None,
                ) -> tuple[list[Claim], int, bool]:
    """Up to `limit` claims of a node (or of a metric written only as `label`) as rows, how many there are,
    and whether the list is cut; the store stops at the limit however many claims the node has."""
    limit = _int("limit", CLAIM_LIMIT, 1, MAX_CLAIM_LIMIT)
    iris, total = _view().claims_page(iri, predicates, limit, label)
    return _view().claim_rows(iris), total, total > limit


def _parents(found: Info) -> list[dict[str, str]]:
    """The chain of regions above a region, or above the region an agency or program serves."""
    view = _view()
    chain: list[dict[str, str]] = []
    seen = {found.iri}
    current = found
    while len(chain) < 20:
        ups = [o for p, o in current.links() if p in (SCHEMA.containedInPlace.value, SCHEMA.areaServed.value)
               and o not in seen]
        # The first region by IRI, read one at a time: a program can serve thousands of regions (2,673 at 1 GB).
        nearest = next((up for up in (view.describe([i])[i] for i in sorted(ups)) if up.kind == "region"), None)
        if nearest is None:
            break
        current = nearest
        seen.add(current.iri)
        chain.append({"iri": current.iri, "label": current.label})
    return chain


@bp.get("/search")
def search() -> dict[str, Any]:
    q = _text("q")
    assert q is not None
    return {"results": _view().search(q, _int("limit", 20, 1, 200))}


@bp.get("/node")
def node() -> dict[str, Any]:
    found = _known("iri")
    if found.kind == "claim":
        rows, total, capped = _view().claim_rows([found.iri]), 1, False
    else:
        rows, total, capped = _claim_page(found.iri)
    return {
        "iri": found.iri,
        "type": found.kind,
        "label": found.label,
        "aliases": found.all(SKOS.altLabel),
        "code": found.first(SKOS.notation) if found.kind == "region" else None,
        "parents": _parents(found),
        "claims": [public(c) for c in rows],
        "claims_total": total,
        "claims_capped": capped,
    }


@bp.get("/neighborhood")
def neighborhood() -> dict[str, Any]:
    start = _known("iri", light=True)
    depth = _int("depth", 1, 0, MAX_DEPTH)
    limit = _int("limit", 200, 1, MAX_LIMIT)
    hood = _view().neighborhood(start, depth, limit)
    return {"elements": _elements(hood.nodes, hood.edges), "capped": hood.capped, "total": hood.total}


@bp.get("/path")
def path() -> dict[str, Any]:
    source, target = _known("from"), _known("to")
    nodes = _view().path(source, target)
    return {"path": [n.iri for n in nodes], "elements": _elements(nodes, GraphView.edges(nodes))}


@bp.get("/compare")
def compare() -> dict[str, Any]:
    view = _view()
    metric = _text("metric")
    assert metric is not None
    metric_iri = view.metric_named(metric)
    rows, total, capped = _claim_page(metric_iri, (KG.metric,), label=metric)
    out = [{
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
    } for claim in rows]
    out.sort(key=lambda r: (r["region"] or "", r["period"] or "", r["claim"]))
    label = view.labels([metric_iri]).get(metric_iri, metric) if metric_iri else metric
    return {"metric": label, "rows": out, "total": total, "capped": capped}


def _aggregate(name: str, limit: int) -> list[dict[str, str]]:
    """A whole-store aggregate of kg.rdf.summaries.SPARQL, for a store that keeps no summaries (a remote
    endpoint) or is rebuilding them: run where queries run (a worker or the endpoint) under the query
    time limit."""
    settings = current_app.extensions["kg.sparql"]
    job = QueryJob(SUMMARY_SPARQL[name] % limit, tabular_format=JSON_RESULTS, graph_format="application/n-triples",
                   max_results=limit)
    try:
        answer = settings.executor.run(job)
    except QueryFailed as error:
        raise ApiError(error.status, f"{name} could not be computed: {error.message}", error.headers) from None
    return [{key: value["value"] for key, value in b.items()} for b in json.loads(answer.body)["results"]["bindings"]]


def _conflict_groups() -> tuple[list[dict[str, Any]], bool]:
    """Groups of claims on one subject, metric, period and unit with more than one value, as the summaries
    keep them (the first CONFLICT_LIMIT in key order, read in one index range), else one aggregate."""
    summaries = _view().store.summaries()
    if summaries is not None:
        found = summaries.conflicts(CONFLICT_LIMIT + 1, CONFLICT_CLAIMS)
        groups = [{"subject": c.subject, "metric": c.metric, "period": c.period, "unit": c.unit, "claims": c.claims,
                   "total": c.total, "spread": [c.low, c.high] if c.low is not None else None} for c in found]
    else:
        groups = []
        for b in _aggregate("conflicts", CONFLICT_LIMIT + 1):
            claims = sorted(set(b.get("claims", "").split()))
            groups.append({**{k: b.get(k, "") for k in ("subject", "metric", "period", "unit")},
                           "claims": claims, "total": len(claims), "spread": None})
    return groups[:CONFLICT_LIMIT], len(groups) > CONFLICT_LIMIT


@bp.get("/conflicts")
def conflicts() -> dict[str, Any]:
    """Claims on one subject, metric, period and unit that disagree (values in different units never do)."""
    view = _view()
    groups, capped = _conflict_groups()
    claims = sorted({c for g in groups for c in g["claims"]})
    rows = {c["iri"]: c for c in view.claim_rows(claims)}
    labels = view.labels(_iris(groups))
    found = []
    for group in groups:
        members = _shown([rows[c] for c in group["claims"] if c in rows])
        if len({c["value"] for c in members}) > 1:
            found.append({
                "subject": labels.get(group["subject"], group["subject"]),
                "metric": labels.get(group["metric"], group["metric"]),
                "period": group["period"],
                "unit": group["unit"],
                "spread": group["spread"],
                "claims": [public(c) for c in members],
                "claims_total": group["total"],
            })
    return {"conflicts": found, "capped": capped}


@bp.get("/overview")
def overview() -> dict[str, Any]:
    """The start page's figures: the regions, agencies and programs with the most claims, and the metrics that
    two or more regions report. Read from the summaries kept at ingest (no work over the claims), else two
    whole-store aggregates."""
    entities = _int("entities", 15, 0, 200)
    metrics = _int("metrics", 60, 0, 500)
    summaries = _view().store.summaries()
    if summaries is not None:
        return {"entities": [vars(e) for e in summaries.busiest(entities)],
                "metrics": [vars(m) for m in summaries.comparable(metrics)]}
    return {
        "entities": [{"iri": r["entity"], "label": r["label"], "type": local_name(r["class"]).lower(),
                      "claims": int(r["claims"])} for r in _aggregate("busiest", entities)] if entities else [],
        "metrics": [{"iri": r["metric"], "label": r["label"], "regions": int(r["regions"]),
                     "claims": int(r["claims"])} for r in _aggregate("comparable", metrics)] if metrics else [],
    }


def _shown(members: list[Claim]) -> list[Claim]:
    """At most CONFLICT_CLAIMS of a group's claims (sorted by IRI): the first of each value, then the first by
    IRI, so a big group still shows every value it disagrees on (the summaries pick the same way)."""
    if len(members) <= CONFLICT_CLAIMS:
        return members
    first: dict[Any, Claim] = {}
    for claim in members:
        first.setdefault(claim["value"], claim)
    chosen = {c["iri"] for c in list(first.values())[:CONFLICT_CLAIMS]}
    for claim in members:
        if len(chosen) >= CONFLICT_CLAIMS:
            break
        chosen.add(claim["iri"])
    return [c for c in members if c["iri"] in chosen]


def _iris(groups: list[dict[str, Any]]) -> set[str]:
    """The group keys that are IRIs (linked subjects and metrics), not names written on claims."""
    return {g[k] for g in groups for k in ("subject", "metric") if _is_iri(g[k])}


def _is_iri(text: str) -> bool:
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


@bp.get("/programs")
def programs() -> dict[str, Any]:
    view = _view()
    found = _known("iri")
    if found.kind != "program":
        raise ApiError(404, f"{found.iri!r} is not a program")
    rows, total, capped = _claim_page(found.iri, (KG.program,))
    regions = {o for p, o in found.links() if p == SCHEMA.areaServed.value}
    regions |= {c["_links"]["region"] for c in rows if c["_links"]["region"]}
    agencies = {c["_links"]["agency"] for c in rows if c["_links"]["agency"]}
    labels = view.labels(regions | agencies)
    return {
        "program": {"iri": found.iri, "label": found.label},
        "regions": [{"iri": r, "label": labels.get(r)} for r in sorted(regions)],
        "agencies": [{"iri": a, "label": labels.get(a)} for a in sorted(agencies)],
        "claims": [public(c) for c in rows],
        "claims_total": total,
        "claims_capped": capped,
    }
