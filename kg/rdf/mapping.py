"""Map one page's `Extraction` to quads in that page's named graph.

Everything read from a page, including copies of the shared nodes it mentions
(regions with their parent chain, agencies, programs, metrics), goes into the
page graph, so replacing or removing one page never touches another page's
statements and a shared node stays while any page still carries it.
Claims are statement nodes with W3C Web Annotation evidence; no blank nodes,
so the same extraction always gives the same quads.
"""

from __future__ import annotations

import re

from pyoxigraph import Literal, NamedNode, Quad

from kg.model import Article, Claim, Entity, Extraction, Region
from kg.rdf import iris
from kg.rdf.vocab import (
    CHANGES,
    ENTITY_CLASSES,
    KG,
    LEVELS,
    MODALITIES,
    OA,
    PROV,
    QUALIFIERS,
    QUDT_UNITS,
    RDF,
    SCHEMA,
    SKOS,
    XSD,
)

_DATE_TYPES = (
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), XSD.date),
    (re.compile(r"^\d{4}-\d{2}$"), XSD.gYearMonth),
    (re.compile(r"^\d{4}$"), XSD.gYear),
)
_CONTEXT_CHARS = 16  # characters of oa:prefix / oa:suffix kept around the evidence


def _zh(text: str) -> Literal:
    return Literal(text, language="zh")


def _int(n: int) -> Literal:
    return Literal(str(n), datatype=XSD.integer)


def _decimal(value: float) -> Literal:
    return Literal(iris.number_text(value), datatype=XSD.decimal)


def _date(text: str) -> Literal:
    """An ISO date at the precision the source gives (day, month or year)."""
    for pattern, datatype in _DATE_TYPES:
        if pattern.match(text):
            return Literal(text, datatype=datatype)
    return Literal(text)


class _Graph:
    """Collects quads for one named graph and remembers which nodes it already described."""

    def __init__(self, graph: str) -> None:
        self.graph = NamedNode(graph)
        self.quads: list[Quad] = []
        self.described: set[str] = set()
        self.labels: dict[str, str] = {}  # node IRI → its preferred label in this graph
        self._seen: set[Quad] = set()

    def add(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        quad = Quad(s, p, o, self.graph)
        if quad not in self._seen:
            self._seen.add(quad)
            self.quads.append(quad)


def _immediate_parent(chain: list[Region]) -> Region | None:
    """The chain member no other member names as its parent: the nearest one."""
    named = {r.parent for r in chain if r.parent}
    nearest = [r for r in chain if r.code not in named]
    return nearest[0] if nearest else None


def _region(g: _Graph, code: str, name: str, level: str | None, parent: str | None,
            short: str | None = None) -> NamedNode:
    node = NamedNode(iris.region_iri(code))
    if node.value in g.described:
        return node
    g.described.add(node.value)
    g.labels[node.value] = name
    g.add(node, RDF.type, KG.Region)
    g.add(node, SKOS.prefLabel, _zh(name))
    g.add(node, SKOS.notation, Literal(code))
    if short and short != name:
        g.add(node, SKOS.altLabel, _zh(short))
    if level in LEVELS:
        g.add(node, KG.level, LEVELS[level])
    if parent:
        g.add(node, SCHEMA.containedInPlace, NamedNode(iris.region_iri(parent)))
    return node


def _entity(g: _Graph, entity: Entity) -> NamedNode:
    if entity.type == "region":
        chain = entity.parents
        for region in chain:
            _region(g, region.code, region.name, region.level, region.parent, region.short)
        nearest = _immediate_parent(chain)
        node = _region(g, entity.key, entity.label, entity.level, nearest.code if nearest else None)
        for alias in entity.aliases:
            if alias != entity.label:
                g.add(node, SKOS.altLabel, _zh(alias))
        return node
    node = NamedNode(iris.entity_iri(entity.type, entity.key))
    if node.value in g.described:
        return node
    g.described.add(node.value)
    g.labels[node.value] = entity.label
    g.add(node, RDF.type, ENTITY_CLASSES[entity.type])
    g.add(node, SKOS.prefLabel, _zh(entity.label))
    for alias in entity.aliases:
        if alias != entity.label:
            g.add(node, SKOS.altLabel, _zh(alias))
    if entity.type == "program":
        g.add(node, SKOS.inScheme, NamedNode(iris.scheme_iri("program")))
    if entity.region:
        g.add(node, SCHEMA.areaServed, NamedNode(iris.region_iri(entity.region)))
    return node


def _linked(g: _Graph, kind: str, key: str | None, label: str | None) -> NamedNode | None:
    """The node a claim points to, described minimally when the page's entities lack it.

    None when there is no key, or no label to describe an unknown node with.
    """
    if not key:
        return None
    node = NamedNode(iris.entity_iri(kind, key))
    if node.value not in g.described:
        if not label:
            return None
        if kind == "region":
            _region(g, key, label, None, None)
        else:
            _entity(g, Entity(type=kind, key=key, label=label))
    return node


def _article(g: _Graph, page: NamedNode, raw: str, article: Article) -> NamedNode:
    """The article with its text as printed, so the web shows evidence in place without the source file."""
    node = NamedNode(iris.article_iri(article.doc, article.start, article.end))
    g.add(node, RDF.type, KG.Article)
    g.add(node, SCHEMA.headline, _zh(article.headline))
    g.add(node, SCHEMA.articleBody, _zh(raw[article.start:article.end]))
    g.add(node, SCHEMA.position, _int(article.index))
    g.add(node, KG.startOffset, _int(article.start))
    g.add(node, KG.endOffset, _int(article.end))
    g.add(node, SCHEMA.isPartOf, page)
    g.add(node, PROV.wasDerivedFrom, page)
    if article.title:
        g.add(node, SCHEMA.name, _zh(article.title))
    if article.subtitle:
        g.add(node, SCHEMA.alternativeHeadline, _zh(article.subtitle))
    if article.dateline:
        g.add(node, SCHEMA.dateline, _zh(article.dateline))
    if article.date:
        g.add(node, SCHEMA.datePublished, _date(article.date))
    if article.truncated:
        g.add(node, KG.truncated, Literal("true", datatype=XSD.boolean))
    return node


def _claim(g: _Graph, page: NamedNode, source: NamedNode, raw: str, claim: Claim) -> None:
    q = claim.quantity
    node = NamedNode(iris.claim_iri(claim.doc, claim.start, claim.end, q.value, q.unit))
    g.add(node, RDF.type, KG.Claim)
    g.add(node, PROV.wasDerivedFrom, source)
    g.add(node, SCHEMA.value, _decimal(q.value))
    g.add(node, SCHEMA.unitText, Literal(q.unit))
    if q.unit in QUDT_UNITS:
        g.add(node, SCHEMA.unitCode, QUDT_UNITS[q.unit])
    if q.unit_written:
        g.add(node, KG.unitWritten, Literal(q.unit_written))
    if q.text:
        g.add(node, KG.quantityText, Literal(q.text))
    if q.dimension:
        g.add(node, KG.dimension, Literal(q.dimension))
    if q.lower is not None:
        g.add(node, SCHEMA.minValue, _decimal(q.lower))
    if q.upper is not None:
        g.add(node, SCHEMA.maxValue, _decimal(q.upper))
    g.add(node, KG.qualifier, QUALIFIERS.get(q.qualifier, KG.Exact))
    g.add(node, KG.modality, MODALITIES.get(claim.modality, KG.Achieved))
    if claim.change in CHANGES:
        g.add(node, KG.change, CHANGES[claim.change])
    if claim.period:
        g.add(node, SCHEMA.temporalCoverage, _zh(claim.period))
    if claim.period_start:
        g.add(node, SCHEMA.startDate, _date(claim.period_start))
    if claim.period_end:
        g.add(node, SCHEMA.endDate, _date(claim.period_end))

    metric_key = claim.metric_key or claim.metric
    if metric_key:
        metric = NamedNode(iris.metric_iri(metric_key))
        g.add(node, KG.metric, metric)
        g.add(metric, RDF.type, KG.Metric)
        g.add(metric, SKOS.prefLabel, Literal(metric_key))
        g.add(metric, SKOS.notation, Literal(metric_key))
        g.add(metric, SKOS.inScheme, NamedNode(iris.scheme_iri("metric")))
        if claim.metric:
            g.add(metric, SKOS.altLabel, _zh(claim.metric))
    if claim.metric:
        g.add(node, KG.metricLabel, _zh(claim.metric))

    subject = None
    if claim.subject_type in ENTITY_CLASSES:
        subject = _linked(g, claim.subject_type, claim.subject_key, claim.subject)
    # A name is written on the claim when no node carries it: unlinked, or worded
    # differently from the node's preferred label, so the claim reads back as extracted.
    if subject is not None:
        g.add(node, SCHEMA.about, subject)
    if claim.subject and (subject is None or g.labels.get(subject.value) != claim.subject):
        g.add(node, KG.subjectLabel, _zh(claim.subject))
    for kind, key, label, link, text in (
        ("region", claim.region_key, claim.region, KG.region, KG.regionLabel),
        ("agency", claim.agency_key, claim.agency, KG.agency, KG.agencyLabel),
        ("program", claim.program_key, claim.program, KG.program, KG.programLabel),
    ):
        target = _linked(g, kind, key, label)
        if target is not None:
            g.add(node, link, target)
        if label and (target is None or g.labels.get(target.value) != label):
            g.add(node, text, _zh(label))

    annotation = NamedNode(node.value + "#evidence")
    target = NamedNode(node.value + "#target")
    quote = NamedNode(node.value + "#quote")
    position = NamedNode(node.value + "#position")
    g.add(annotation, RDF.type, OA.Annotation)
    g.add(annotation, RDF.type, KG.Evidence)
    g.add(annotation, OA.motivatedBy, OA.describing)
    g.add(annotation, OA.hasBody, node)
    g.add(annotation, OA.hasTarget, target)
    g.add(target, RDF.type, OA.SpecificResource)
    g.add(target, OA.hasSource, page)
    g.add(target, OA.hasSelector, quote)
    g.add(target, OA.hasSelector, position)
    g.add(quote, RDF.type, OA.TextQuoteSelector)
    g.add(quote, OA.exact, Literal(claim.evidence))
    before = raw[max(0, claim.start - _CONTEXT_CHARS):claim.start]
    after = raw[claim.end:claim.end + _CONTEXT_CHARS]
    if before:
        g.add(quote, OA.prefix, Literal(before))
    if after:
        g.add(quote, OA.suffix, Literal(after))
    g.add(position, RDF.type, OA.TextPositionSelector)
    # xsd:integer, not the spec's nonNegativeInteger: Oxigraph stores derived integer types as
    # xsd:integer, and the graph must read back as written. Shapes check the sign.
    g.add(position, OA.start, _int(claim.start))
    g.add(position, OA.end, _int(claim.end))


def to_quads(extraction: Extraction) -> list[Quad]:
    """All statements read from one page, in the page's named graph `graph_iri(doc)`."""
    doc = extraction.page.doc
    g = _Graph(iris.graph_iri(doc))
    page = NamedNode(iris.page_iri(doc))
    g.add(page, RDF.type, KG.NewspaperPage)
    g.add(page, SCHEMA.name, Literal(doc))
    if extraction.page.encoding:
        g.add(page, KG.encoding, Literal(extraction.page.encoding))

    nodes = {(e.type, e.key): _entity(g, e) for e in extraction.entities if e.type in ENTITY_CLASSES}
    for node in nodes.values():
        g.add(page, SCHEMA.mentions, node)

    articles: dict[int, NamedNode] = {}
    for article in extraction.articles:
        articles[article.index] = _article(g, page, extraction.page.raw, article)
    for mention in extraction.mentions:
        node = nodes.get((mention.kind, mention.key))
        if node is not None and mention.article in articles:
            g.add(articles[mention.article], SCHEMA.mentions, node)

    for claim in extraction.claims:
        _claim(g, page, articles.get(claim.article, page), extraction.page.raw, claim)
    return g.quads
