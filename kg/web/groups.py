"""`/api/graph/groups` and `/api/graph/claims`: neighbourhoods that stay legible for a city or a province.

A city is linked to thousands of claims; drawn one node each they make a hairball.
So an entity's neighbourhood is answered as its entity neighbours (parents,
children, the agencies and programs its claims name), each with a neighbour
count, plus its claims *grouped* by metric (or, for a metric, by region) and by
the year their period starts, with counts; a group's claims are read only when
the reader opens it. The groups, their counts and the neighbours' shared
claims are kept at ingest (kg.rdf.summaries), so an answer reads index ranges
the size of what it shows, not a busy node's thousands of claims; a store that
keeps none (a remote endpoint), or while they are rebuilt, aggregates in SPARQL with the entity's IRI
written by pyoxigraph, so no parameter becomes query text. Every query runs under the query time limit
(GraphView.select); past it the call answers 503 "time limit exceeded".
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from flask import Blueprint, current_app, request

from kg.rdf.summaries import NO_YEAR
from kg.rdf.vocab import KG, SCHEMA, SKOS
from kg.web import graph_api
from kg.web.errors import ApiError
from kg.web.graph_api import MAX_PARAM_CHARS, public
from kg.web.graph_view import CLAIM_LINKS, GraphView, Info, as_term

bp = Blueprint("groups", __name__, url_prefix="/api/graph")

NEIGHBOUR_LIMIT, GROUP_LIMIT, CLAIM_LIMIT = 40, 60, 200
MAX_LIMIT, MAX_OFFSET = 2000, 1_000_000
LEVEL_NAMES = {KG[f"{name.capitalize()}Level"].value: name
               for name in ("province", "city", "county", "town", "village", "zone")}
UP_LINKS = (SCHEMA.containedInPlace, SCHEMA.areaServed)
VIA_CLAIMS = {"region": KG.region, "agency": KG.agency, "program": KG.program, "about": SCHEMA.about}


def _view() -> GraphView:
    return current_app.extensions["kg.graph_view"]


def _arg(name: str, required: bool = False) -> str | None:
    value = request.args.get(name) or None
    if value is None and required:
        raise ApiError(400, f"parameter {name!r} is required")
    if value is not None and len(value) > MAX_PARAM_CHARS:
        raise ApiError(400, f"parameter {name!r} is longer than {MAX_PARAM_CHARS} characters")
    return value


def _limit(default: int, name: str = "limit", least: int = 1, most: int = MAX_LIMIT) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not least <= int(raw) <= most:
        raise ApiError(400, f"parameter {name!r} must be an integer between {least} and {most}")
    return int(raw)


def _entity() -> Info:
    iri = _arg("iri", required=True)
    assert iri is not None
    found = _view().info(iri)
    if found is None:
        raise ApiError(404, f"no entity {iri!r} in the graph")
    if found.kind in ("claim", "article"):
        raise ApiError(404, f"{iri!r} is a {found.kind}: groups are drawn under regions, agencies, programs, "
                            "organisations and metrics")
    return found


def _claims_of(term: ox.NamedNode) -> str:
    return " UNION ".join(f"{{ ?c {p} {term} }}" for p in CLAIM_LINKS)


def _group_by(kind: str | None) -> tuple[ox.NamedNode, ox.NamedNode]:
    """The claim link and its written-label fallback a node's claims are grouped by: a metric's claims by
    region, everyone else's by metric."""
    return (KG.region, KG.regionLabel) if kind == "metric" else (KG.metric, KG.metricLabel)


def _group_name(kind: str | None) -> str:
    """What `_group_by` groups the node's claims by, as the answers name it."""
    return "region" if kind == "metric" else "metric"


def _select(sparql: str) -> list[dict[str, Any]]:
    """Rows of a SELECT run as the graph view runs its own: under the query time limit."""
    return _view().select(sparql)


def _groups(found: Info, limit: int, offset: int = 0) -> tuple[list[dict[str, Any]], int, int]:
    """The entity's `limit` largest claim groups after its `offset` largest (key, key label, year, count),
    largest first, then by label and year; how many groups it has; and the sum of their counts. A group of one
    names its claim, and each group a quantity as written (of its first claim by IRI). From the groups kept at
    ingest (kg.rdf.summaries: the largest read by size from an index), else one aggregate over the entity's
    claims."""
    summaries = _view().store.summaries()
    if summaries is None:
        every = _aggregated_groups(found)
        return every[offset:offset + limit], len(every), sum(g["count"] for g in every)
    rows, total, claims = summaries.groups(found.iri, limit, offset)
    # The keys the label index names come with their labels; the rest are read as the graph view reads them.
    labels = _view().labels({key for key, _, _, _, named in rows if named is None and "://" in key})
    kept = summaries.rows(first for _, _, _, first, _ in rows)
    groups = [{"key": key, "label": named or labels.get(key, key), "year": year, "count": count,
               "claim": first if count == 1 else None, "quantity": kept[first]["quantity"] if first in kept else None}
              for key, year, count, first, named in rows]
    groups.sort(key=lambda g: (-g["count"], g["label"], g["year"]))
    return groups[:limit], total, claims


def _aggregated_groups(found: Info) -> list[dict[str, Any]]:
    """Every claim group of the entity, aggregated over its claims in the store (a store keeping no groups)."""
    link, written = _group_by(found.kind)
    rows = _select(f"""SELECT ?key ?y (COUNT(DISTINCT ?c) AS ?n) (SAMPLE(?c) AS ?one) (SAMPLE(?qt) AS ?quantity)
    WHERE {{
      {_claims_of(ox.NamedNode(found.iri))}
      OPTIONAL {{ ?c {link} ?linked }} OPTIONAL {{ ?c {written} ?text }} OPTIONAL {{ ?c {KG.quantityText} ?qt }}
      OPTIONAL {{ ?c {SCHEMA.startDate} ?s }} OPTIONAL {{ ?c {SCHEMA.endDate} ?e }}
      BIND(COALESCE(?linked, ?text) AS ?key) BIND(SUBSTR(STR(COALESCE(?s, ?e)), 1, 4) AS ?y)
    }} GROUP BY ?key ?y""")
    keys = {r["key"].value for r in rows if isinstance(r["key"], ox.NamedNode)}
    labels = _view().labels(keys)
    groups = []
    for row in rows:
        key = row["key"]
        groups.append({
            "key": key.value if key is not None else "",
            "label": labels.get(key.value, key.value) if key is not None else "",
            "year": row["y"].value if row["y"] is not None else NO_YEAR,
            "count": int(row["n"].value),
            # A group of one is its claim: the page draws the claim itself, labelled with its quantity.
            "claim": row["one"].value if int(row["n"].value) == 1 and row["one"] is not None else None,
            "quantity": row["quantity"].value if row["quantity"] is not None else None,
        })
    groups.sort(key=lambda g: (-g["count"], g["label"], g["year"]))
    return groups


def _neighbours(found: Info) -> list[dict[str, Any]]:
    """Entity nodes next to `found` and how: `parent` (a place above it), `child` (a place inside it),
    `serves` (an agency or program serving it) or `claims` (named by its claims), each with `shared`, how
    many of its claims name both."""
    term = ox.NamedNode(found.iri)
    relation: dict[str, tuple[str, int]] = {}
    for p, target in found.links():
        if p in (UP_LINKS[0].value, UP_LINKS[1].value):
            relation[target] = ("parent", 0)
    ups = " ".join(str(p) for p in UP_LINKS)
    for row in _select(f"SELECT DISTINCT ?n ?p WHERE {{ VALUES ?p {{ {ups} }} ?n ?p {term} }} LIMIT {MAX_LIMIT}"):
        if isinstance(row["n"], ox.NamedNode):
            served = row["p"] == SCHEMA.areaServed
            relation.setdefault(row["n"].value, ("serves" if served else "child", 0))
    named_with, infos = _named_with(found)
    for other, shared in named_with:
        kind, _ = relation.get(other, ("claims", 0))
        relation[other] = (kind, shared)
    infos |= _view().named_nodes(set(relation) - set(infos))
    out = [{"iri": i, "label": info.label, "type": info.kind, "relation": relation[i][0], "shared": relation[i][1]}
           for i, info in infos.items() if info.kind in ("region", "agency", "program", "organization")]
    order = {"parent": 0, "serves": 1, "claims": 2, "child": 3}
    out.sort(key=lambda n: (order[n["relation"]], -n["shared"], n["label"]))
    return out


def _named_with(found: Info) -> tuple[list[tuple[str, int]], dict[str, Info]]:
    """The nodes the entity's claims also name (by VIA_CLAIMS) and how many of them name both: the pairs
    counted at ingest (the MAX_LIMIT most shared), with the kinds and labels the label index gives them as
    GraphView.named_nodes would; else one aggregate over its claims (and no names)."""
    summaries = _view().store.summaries()
    if summaries is not None:
        rows = summaries.neighbours(found.iri, MAX_LIMIT)
        return [(iri, shared) for iri, shared, _, _ in rows], {
            iri: Info(iri, {SKOS.prefLabel.value: [ox.Literal(label)]}, known=kind)
            for iri, _, kind, label in rows if kind is not None and label is not None}
    term = ox.NamedNode(found.iri)
    via = " ".join(str(p) for p in VIA_CLAIMS.values())
    rows = _select(f"""SELECT ?n (COUNT(DISTINCT ?c) AS ?k) WHERE {{
      {_claims_of(term)} VALUES ?p {{ {via} }} ?c ?p ?n FILTER(?n != {term}) }} GROUP BY ?n""")
    return [(r["n"].value, int(r["k"].value)) for r in rows if isinstance(r["n"], ox.NamedNode)], {}


def degrees(iris: list[str]) -> dict[str, int]:
    """How many nodes link to each of `iris` or are linked from it (claims, places above and below):
    the count a node shows before it is opened. Its claims are the count kept at ingest when the store keeps
    one (kg.rdf.summaries), so only the places are counted here."""
    if not iris:
        return {}
    summaries = _view().store.summaries()
    values = " ".join(str(ox.NamedNode(i)) for i in iris)
    ups = " ".join(str(p) for p in UP_LINKS)
    links = ups if summaries is not None else " ".join(str(p) for p in (*CLAIM_LINKS, *UP_LINKS))
    rows = _select(f"""SELECT ?x (COUNT(DISTINCT ?n) AS ?k) WHERE {{ VALUES ?x {{ {values} }}
      {{ VALUES ?p {{ {links} }} ?n ?p ?x }} UNION {{ VALUES ?q {{ {ups} }} ?x ?q ?n }}
    }} GROUP BY ?x""")
    found = {r["x"].value: int(r["k"].value) for r in rows if r["x"] is not None}
    if summaries is not None:
        for iri, claims in summaries.claim_counts(iris).items():
            found[iri] = found.get(iri, 0) + claims
    return found


@bp.get("/groups")
def groups() -> dict[str, Any]:
    """An entity, its entity neighbours (capped) and its claims grouped by metric (or region) and year."""
    found = _entity()
    limit = _limit(NEIGHBOUR_LIMIT)
    group_limit = _limit(GROUP_LIMIT, "groups")
    neighbours = _neighbours(found)
    shown = neighbours[:limit]
    counts = degrees([found.iri, *(n["iri"] for n in shown)])
    for n in shown:
        n["degree"] = counts.get(n["iri"], 0)
    shown_groups, groups_total, claims_total = _groups(found, group_limit)
    return {
        "iri": found.iri,
        "type": found.kind,
        "label": found.label,
        "degree": counts.get(found.iri, 0),
        "group_by": _group_name(found.kind),
        "neighbours": shown,
        "neighbours_total": len(neighbours),
        "groups": shown_groups,
        "groups_total": groups_total,
        "claims_total": claims_total,
    }


@bp.get("/groups/page")
def group_page() -> dict[str, Any]:
    """The next `groups` of an entity's claim groups, `offset` groups in, in the order `groups` gives them: what
    the browser's "N more groups" stub opens, so the first answer carries only the groups it draws."""
    found = _entity()
    group_limit = _limit(GROUP_LIMIT, "groups")
    offset = _limit(0, "offset", least=0, most=MAX_OFFSET)
    shown_groups, groups_total, claims_total = _groups(found, group_limit, offset)
    return {"iri": found.iri, "group_by": _group_name(found.kind), "offset": offset,
            "groups": shown_groups, "groups_total": groups_total, "claims_total": claims_total}


def _key_pattern(kind: str | None, key: str) -> str:
    """Claims whose grouping link is `key` (an IRI) or whose written label is `key` (a name)."""
    link, written = _group_by(kind)
    term = as_term(key) if "://" in key else None
    if term is not None:
        return f"?c {link} {term} ."
    names = " UNION ".join(f"{{ ?c {written} {lit} }}" for lit in (ox.Literal(key), ox.Literal(key, language="zh")))
    return names


def _year_filter(year: str) -> str:
    """Claims whose period starts in `year` (or, with no start, ends in it: "截至11月13日"), or has no date."""
    dated = f"OPTIONAL {{ ?c {SCHEMA.startDate} ?s }} OPTIONAL {{ ?c {SCHEMA.endDate} ?e }}"
    if year == NO_YEAR:
        return f"{dated} FILTER(!BOUND(?s) && !BOUND(?e))"
    return f"{dated} FILTER(SUBSTR(STR(COALESCE(?s, ?e)), 1, 4) = {ox.Literal(year)})"


def dated(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Claim rows with their resolved period (ISO start and end, as the store keeps them) and their
    region's administrative level, so pages filter by date and tell a village from a county."""
    view = _view()
    regions = {r["_links"]["region"] for r in rows if r["_links"]["region"]}
    levels = view.describe(regions, (KG.level, SKOS.notation))
    out = []
    for row in rows:
        start, end = row["_dates"]
        region = levels.get(row["_links"]["region"] or "")
        level = region.first(KG.level) if region else None
        out.append({**public(row), "period_start": start, "period_end": end,
                    "region_iri": row["_links"]["region"], "region_level": LEVEL_NAMES.get(level or ""),
                    "region_code": region.first(SKOS.notation) if region else None})
    return out


@bp.get("/claims")
def claims() -> dict[str, Any]:
    """An entity's claims with resolved periods, optionally one group's (`key` = metric or region, `year`)."""
    found = _entity()
    limit = _limit(CLAIM_LIMIT)
    key, year = _arg("key"), _arg("year")
    if not key and not year:  # the first `limit` by IRI and the count, as the claim lists of `node` (bounded)
        iris, total = _view().claims_page(found.iri, CLAIM_LINKS, limit)
        return {"iri": found.iri, "claims": dated(_view().claim_rows(iris)), "total": total, "capped": total > limit,
                "total_estimated": False}
    if year and year != NO_YEAR and not (len(year) == 4 and year.isdigit()):
        raise ApiError(400, "parameter 'year' must be four digits or 'none'")  # before any read, on every store
    summaries = _view().store.summaries()
    if summaries is not None:  # the group's first `limit` by IRI and its kept count
        iris, total = summaries.group_claims(found.iri, key, year, limit)
        return {"iri": found.iri, "claims": dated(_view().claim_rows(iris)), "total": total, "capped": total > limit,
                "total_estimated": total > limit and not (key and year)}
    where = [_claims_of(ox.NamedNode(found.iri))]
    if key:
        where.append(_key_pattern(found.kind, key))
    if year:
        where.append(_year_filter(year))
    rows = _select(f"SELECT DISTINCT ?c WHERE {{ {' '.join(where)} }}")
    iris = sorted(r["c"].value for r in rows if isinstance(r["c"], ox.NamedNode))
    return {"iri": found.iri, "claims": dated(_view().claim_rows(iris[:limit])), "total": len(iris),
            "capped": len(iris) > limit, "total_estimated": False}


@bp.get("/conflicts/dated")
def conflicts_dated() -> dict[str, Any]:
    """`/api/graph/conflicts` with each claim's resolved period and region level, for the conflicts view."""
    answer = graph_api.conflicts()
    iris = [c["iri"] for group in answer["conflicts"] for c in group["claims"]]
    rows = {row["iri"]: row for row in dated(_view().claim_rows(iris))}
    for group in answer["conflicts"]:
        group["claims"] = [rows.get(c["iri"], c) for c in group["claims"]]
    return answer
