"""Linked-data pages: every IRI the service mints under KG_BASE dereferences here.

`GET /region/...`, `/claim/...`, ... answer by content negotiation: an HTML
page for a browser, Turtle, JSON-LD, N-Triples or RDF/XML for an RDF client.
`/articles/<id>` shows an article's text with each claim's evidence marked.
Text from pages only ever reaches HTML through autoescaped Jinja templates.
Lookups bind the IRI as a term (GraphView.quads_matching: the embedded store's index ranges, or on a remote
store SPARQL under the query time limit); it is never query text.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request

from kg.rdf import iris
from kg.rdf.export import prefixes
from kg.rdf.layout import PAGE_NAME
from kg.rdf.vocab import DCTERMS, KG, OA, PROV, RDF, SCHEMA, SKOS, VOID
from kg.web.errors import ApiError
from kg.web.graph_api import public
from kg.web.graph_view import NODE_TYPES as NODE_KINDS
from kg.web.graph_view import GraphView, local_name
from kg.web.wording import format_value, metric_name

bp = Blueprint("linked_data", __name__, template_folder="templates")
bp.add_app_template_filter(metric_name, "metric_name")


@bp.app_template_filter("value_text")
def value_text(claim: dict[str, Any]) -> str:
    """A claim's value as the article wrote it (95%以上, 7.88亿元)."""
    return format_value(claim.get("value"), claim.get("unit"), claim.get("qualifier")) or str(claim.get("value", ""))


# What the pages call the ontology's properties and classes (their local names), in Chinese.
PROPERTY_NAMES = {
    "type": "类型", "prefLabel": "名称", "altLabel": "别名", "notation": "代码", "inScheme": "所属体系",
    "containedInPlace": "隶属于", "areaServed": "服务地区", "level": "级别", "name": "名称", "headline": "标题",
    "alternativeHeadline": "副标题", "articleBody": "正文", "text": "正文", "isPartOf": "所在版面",
    "position": "版面顺序",
    "startOffset": "起始位置", "endOffset": "结束位置", "wasDerivedFrom": "出自", "mentions": "提及",
    "datePublished": "发表日期", "dateline": "电头", "value": "数值", "unitText": "单位", "unitCode": "单位代码",
    "unitWritten": "原文单位", "quantityText": "原文数值", "dimension": "量纲", "minValue": "下限", "maxValue": "上限",
    "qualifier": "限定", "modality": "性质", "change": "变化", "temporalCoverage": "时间（原文）",
    "startDate": "起始日期", "endDate": "截止日期", "metric": "指标", "metricLabel": "指标（原文）", "about": "涉及",
    "subjectLabel": "主体（原文）", "region": "地区", "regionLabel": "地区（原文）", "agency": "机构",
    "agencyLabel": "机构（原文）", "program": "项目", "programLabel": "项目（原文）", "encoding": "编码",
    "hasTarget": "原文片段", "hasSource": "来源", "hasSelector": "选择器", "exact": "原文",
    "prefix": "前文", "suffix": "后文", "start": "起点", "end": "终点", "motivatedBy": "目的", "truncated": "截断",
}
CLASS_NAMES = {"Region": "地区", "Agency": "机构", "Program": "项目/行动", "Organization": "组织", "Metric": "指标",
               "Claim": "数据声明", "Article": "文章", "NewspaperPage": "报纸版面", "Annotation": "注释",
               "ConceptScheme": "概念体系", "Concept": "概念"}
# The ontology's named values (levels, qualifiers, modalities, changes) as a reader calls them.
TERM_NAMES = {**CLASS_NAMES, "ProvinceLevel": "省级", "CityLevel": "市级", "CountyLevel": "县级", "TownLevel": "乡镇级",
              "VillageLevel": "村级", "ZoneLevel": "园区", "Exact": "确数", "Approximate": "约数",
              "MoreThan": "以上（余）", "LessThan": "不到", "Achieved": "已实现", "Target": "目标", "Increase": "增加",
              "Decrease": "减少"}

_EVIDENCE = (OA.hasTarget, OA.hasSelector)  # followed from a claim to its quote
KINDS = ("region", "agency", "program", "organization", "metric", "claim", "quote", "article", "page", "graph",
         "scheme", "label")
RDF_MEDIA = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
MAX_INCOMING = 200
MAX_CLAIMS = 500  # claims listed on one page, the first by IRI


def iri_for_path(kind: str, rest: str) -> str:
    """The minted IRI a request path names; `rest` is the path after `/kind/` as sent, still encoded,
    so a `%2F` inside a name (元%2F年) stays part of its segment. Each segment is encoded again the
    way kg.rdf.iris mints it, so `%e5`, `%E5` and a raw UTF-8 character name the same IRI."""
    return iris.base() + kind + "/" + "/".join(quote(unquote(part), safe="") for part in rest.split("/"))


def _raw_rest(prefix: str, decoded: str) -> str:
    """The request path after `prefix` before percent-decoding (the server's REQUEST_URI / RAW_URI);
    the decoded path, encoded again, when the server does not give it."""
    raw = request.environ.get("REQUEST_URI") or request.environ.get("RAW_URI") or ""
    path = urlsplit(raw).path
    if path.startswith(prefix):
        return path[len(prefix):]
    return "/".join(quote(part, safe="") for part in decoded.split("/"))


def local_path(iri: str) -> str | None:
    """Where a minted IRI is served on this server; None for IRIs minted elsewhere."""
    base = iris.base()
    return "/" + iri[len(base):] if iri.startswith(base) else None


def describe(iri: str) -> list[ox.Triple]:
    """Triples about `iri`, its fragment nodes and the evidence it points at (a claim's quoted run of the page
    and its selector), deduplicated. A shared node's SKOS-XL labels are left out: each page graph holds its
    own (one per page naming the node otherwise, so thousands for a busy agency), and the shared graph's
    skos:altLabel already lists every wording."""
    view = _view()
    shared = iris.is_shared(iri)
    subjects = [ox.NamedNode(iri)]
    seen: set[ox.Triple] = set()
    out: list[ox.Triple] = []
    done: set[str] = set()
    while subjects:
        subject = subjects.pop()
        if subject.value in done:
            continue
        done.add(subject.value)
        for quad in view.quads_matching(subject=subject):
            triple = quad.triple
            if shared and triple.predicate == PAGE_NAME:
                continue
            if triple not in seen:
                seen.add(triple)
                out.append(triple)
            obj = triple.object
            if isinstance(obj, ox.NamedNode) and (obj.value.startswith(iri + "#") or triple.predicate in _EVIDENCE):
                subjects.append(obj)
    return out


def graph_content(iri: str) -> list[ox.Triple]:
    """The statements of a named graph (a page graph dereferences to what was read from the page)."""
    node = ox.NamedNode(iri)
    if not _view().has_graph(node.value):
        return []
    return [q.triple for q in _view().quads_matching(graph=node)]


def referring(iri: str) -> list[ox.Triple]:
    """Statements that point at `iri`: the description of a node known only as a value (a scheme)."""
    seen: dict[ox.Triple, None] = {}
    for quad in _view().quads_matching(obj=ox.NamedNode(iri)):
        seen.setdefault(quad.triple, None)
        if len(seen) >= MAX_INCOMING:
            break
    return list(seen)


# `?format=` names an RDF syntax for a link (a browser cannot set Accept on an <a>): the pages' "Turtle" and
# "JSON-LD" links use it.
FORMAT_PARAM = {"ttl": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples",
                "rdf": "application/rdf+xml"}


def _media() -> str:
    named = FORMAT_PARAM.get(request.args.get("format", ""))
    if named:
        return named
    offered = ["text/html", *RDF_MEDIA]
    return request.accept_mimetypes.best_match(offered, default="text/html") or "text/html"


@dataclass
class Value:
    """One property value as a page shows it."""

    text: str
    href: str | None = None
    lang: str | None = None


def _view() -> GraphView:
    return current_app.extensions["kg.graph_view"]


def _value(term: Any, labels: dict[str, str]) -> Value:
    if isinstance(term, ox.NamedNode):
        label = labels.get(term.value)
        if label and term.value.startswith(iris.base() + "metric/"):
            label = metric_name(label)
        if not label and term.value.startswith(KG.Region.value.removesuffix("Region")):
            label = TERM_NAMES.get(local_name(term.value))
        return Value(label or term.value, local_path(term.value) or term.value)
    if isinstance(term, ox.Literal):
        return Value(term.value, lang=term.language)
    return Value(str(term))


def _properties(triples: list[ox.Triple], iri: str, labels: dict[str, str]) -> list[tuple[str, str, list[Value]]]:
    rows: dict[str, list[Value]] = {}
    for t in triples:
        if t.subject.value == iri:
            rows.setdefault(t.predicate.value, []).append(_value(t.object, labels))
    return [(pred, _name(pred), values) for pred, values in sorted(rows.items())]


def _name(predicate: str) -> str:
    return PROPERTY_NAMES.get(local_name(predicate), local_name(predicate))


def _incoming(iri: str) -> list[tuple[str, ox.NamedNode | ox.BlankNode]]:
    seen: set[tuple[str, str]] = set()
    out: list[tuple[str, ox.NamedNode | ox.BlankNode]] = []
    for quad in _view().quads_matching(obj=ox.NamedNode(iri)):
        key = (quad.subject.value, quad.predicate.value)
        if key in seen or quad.subject.value.startswith(iri + "#"):
            continue
        seen.add(key)
        out.append((_name(quad.predicate.value), quad.subject))
        if len(out) >= MAX_INCOMING:
            break
    return out


def _rdf_response(triples: list[ox.Triple], media: str) -> Response:
    fmt = RDF_MEDIA[media]
    body = ox.serialize(triples, format=fmt, prefixes=prefixes() if fmt == ox.RdfFormat.TURTLE else None)
    return Response(body, content_type=f"{media}; charset=utf-8", headers={"Vary": "Accept"})


def _first_literal(triples: list[ox.Triple], iri: str, *predicates: ox.NamedNode) -> str | None:
    for predicate in predicates:
        for t in triples:
            if t.subject.value == iri and t.predicate == predicate and isinstance(t.object, ox.Literal):
                return t.object.value
    return None


def _claims_for(iri: str, kind: str | None) -> list[dict[str, Any]]:
    """The claims a page lists: the claim itself, an entity's claims, or the claims read from an article
    (the first MAX_CLAIMS by IRI)."""
    view = _view()
    if kind == "claim":
        claims = [iri]
    elif kind == "article":
        claims = view.claims_linked(iri, (PROV.wasDerivedFrom,))
    elif kind is not None:
        claims = view.claims_linked(iri)
    else:
        claims = []
    return [public(c) for c in view.claim_rows(claims[:MAX_CLAIMS])]


def _article_link(article_iri: str | None) -> str | None:
    path = local_path(article_iri) if article_iri else None
    return "/articles/" + path[len("/article/"):] if path and path.startswith("/article/") else None


@bp.route("/<any(" + ", ".join(KINDS) + "):kind>/<path:rest>")
def resource(kind: str, rest: str) -> Response:
    iri = iri_for_path(kind, _raw_rest(f"/{kind}/", rest))
    content = graph_content(iri) if kind == "graph" else []
    triples = describe(iri) + content or referring(iri)
    if not triples:
        raise ApiError(404, f"nothing is known about {iri}")
    members = sorted({t.subject.value for t in content if isinstance(t.subject, ox.NamedNode)})[:MAX_INCOMING]
    return _answer(iri, kind, triples, members)


@bp.route("/shared")
def shared_graph() -> Response:
    """The shared graph answers with a bounded VoID description, not its statements: it describes
    every region, body, program and metric the store knows (millions of statements for a province's
    decade); they are in the dumps, and each node dereferences on its own."""
    iri = iris.shared_graph_iri()
    if not _view().has_graph(iri):
        raise ApiError(404, f"nothing is known about {iri}")
    node = ox.NamedNode(iri)
    subjects = (q.subject for q in _view().quads_matching(graph=node) if isinstance(q.subject, ox.NamedNode))
    members = [s.value for s in islice(dict.fromkeys(subjects), MAX_INCOMING)]
    triples = [
        ox.Triple(node, RDF.type, VOID.Dataset),
        ox.Triple(node, DCTERMS.title, ox.Literal("各版面共用的地区、机构、项目、组织与指标", language="zh")),
        ox.Triple(node, VOID.dataDump, ox.NamedNode(request.host_url + "export.trig")),
        *(ox.Triple(node, VOID.exampleResource, ox.NamedNode(m)) for m in members),
    ]
    return _answer(iri, "graph", triples, sorted(members))


def _answer(iri: str, kind: str, triples: list[ox.Triple], members: list[str]) -> Response:
    """A resource's triples as RDF for an RDF client, else its HTML page."""
    media = _media()
    if media != "text/html":
        return _rdf_response(triples, media)
    types = [CLASS_NAMES.get(local_name(t.object.value), local_name(t.object.value))
             for t in triples if t.subject.value == iri and t.predicate == RDF.type]
    names = (SKOS.prefLabel, SCHEMA.headline, SCHEMA.name, DCTERMS.title, KG.quantityText)
    label = _first_literal(triples, iri, *names) or iri
    incoming = _incoming(iri)
    named = {t.object.value for t in triples if t.subject.value == iri and isinstance(t.object, ox.NamedNode)}
    named |= {s.value for _, s in incoming if isinstance(s, ox.NamedNode)} | set(members)
    labels = _view().labels(named)
    own = next((NODE_KINDS[t.object.value] for t in triples
                if t.subject.value == iri and t.predicate == RDF.type and t.object.value in NODE_KINDS), None)
    claims = _claims_for(iri, own)
    html = render_template(
        "ld_resource.html",
        iri=iri,
        path=local_path(iri) or request.path,
        label=metric_name(label) if own == "metric" else label,
        types=types,
        properties=_properties(triples, iri, labels),
        incoming=[(name, _value(s, labels)) for name, s in incoming],
        claims=[(c, local_path(c["iri"]), _article_link(c["article_iri"])) for c in claims],
        article_text_link=_article_link(iri) if kind == "article" else None,
        members=[_value(ox.NamedNode(m), labels) for m in members],
    )
    return Response(html, content_type="text/html; charset=utf-8", headers={"Vary": "Accept"})


@dataclass
class Segment:
    text: str
    claim: dict[str, Any] | None = None
    claim_path: str | None = None


def _segments(text: str, offset: int, claims: list[dict[str, Any]]) -> list[Segment]:
    """Split the article text into plain runs and evidence runs (claims by raw offset, no overlaps)."""
    out: list[Segment] = []
    cursor = 0
    for claim in sorted(claims, key=lambda c: (c["start"] or 0, c["end"] or 0)):
        if claim["start"] is None or claim["end"] is None:
            continue
        start, end = claim["start"] - offset, claim["end"] - offset
        if start < cursor or end > len(text) or start >= end:
            continue
        if start > cursor:
            out.append(Segment(text[cursor:start]))
        out.append(Segment(text[start:end], claim, local_path(claim["iri"])))
        cursor = end
    if cursor < len(text):
        out.append(Segment(text[cursor:]))
    return out


@bp.route("/articles/<path:article_id>")
def article_text(article_id: str) -> Response:
    iri = iri_for_path("article", _raw_rest("/articles/", article_id))
    triples = describe(iri)
    if not triples:
        raise ApiError(404, f"no article {iri}")
    claims = [c for c in _claims_for(iri, "article") if c["article_iri"] == iri]
    body = _first_literal(triples, iri, SCHEMA.articleBody, SCHEMA.text)
    start = _first_literal(triples, iri, KG.startOffset)
    segments = _segments(body, int(start or 0), claims) if body is not None else []
    html = render_template(
        "ld_article.html",
        iri=iri,
        iri_path=local_path(iri),
        headline=_first_literal(triples, iri, SCHEMA.headline) or iri,
        segments=segments,
        claims=[(c, local_path(c["iri"])) for c in claims],
    )
    return Response(html, content_type="text/html; charset=utf-8")


ONTOLOGY = Path(__file__).resolve().parents[2] / "ontology" / "kg.ttl"


@bp.route("/ontology")
def ontology() -> Response:
    """The ontology the instance data uses, so its term IRIs dereference too."""
    if not ONTOLOGY.is_file():
        raise ApiError(404, "the ontology file is not installed")
    return Response(ONTOLOGY.read_bytes(), content_type="text/turtle; charset=utf-8")
