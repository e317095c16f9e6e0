"""Map one page's `Extraction` to quads: the page's own graph and the shared graph.

What the page says (the page, its articles, claims and evidence) goes into the
page graph. The nodes many pages share (regions with their parent chain,
agencies, programs, organisations, metrics) are described in the one shared
graph `iris.SHARED_GRAPH`, merged there on ingest, so the union default graph
holds each shared statement once and joins do not multiply with the pages.
The page graph lists every shared node it points at (`schema:mentions` for the
entities the page names, `kg:uses` for the rest: parent regions, metrics,
nodes only a claim links), which is what removing a page counts to drop the
shared nodes nothing uses any more. A shared node's one preferred label comes
from its key, so it is the same whichever pages are ingested, in whatever
order; the name a page gives it otherwise is an alternative label, and kept as
the page's own (SKOS-XL) in the page graph (`_named`).
Claims are statement nodes that are themselves W3C Web Annotations of the run
of the page they are read from, and carry nothing derivable twice (the quote's
context and the unit's dimension are read from the article text and the unit).
No blank nodes, so the same extraction always gives the same quads.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

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
    SKOSXL,
    XSD,
)

_DATE_TYPES = (
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), XSD.date),
    (re.compile(r"^\d{4}-\d{2}$"), XSD.gYearMonth),
    (re.compile(r"^\d{4}$"), XSD.gYear),
)


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
    """Collects one page's quads and the shared statements it brings, remembering which nodes it described."""

    def __init__(self, doc: str) -> None:
        self.doc = doc
        self.graph = NamedNode(iris.graph_iri(doc))
        self.shared_graph = NamedNode(iris.shared_graph_iri())
        self.quads: list[Quad] = []
        self.shared: list[Quad] = []
        self.described: set[str] = set()  # shared nodes this page points at
        self.labels: dict[str, str] = {}  # node IRI → the name this page gives it
        self._seen: set[Quad] = set()

    def _put(self, quads: list[Quad], quad: Quad) -> None:
        seen = len(self._seen)
        self._seen.add(quad)  # one hash of the quad, not a lookup and then an insert
        if len(self._seen) > seen:
            quads.append(quad)

    def add(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        """A statement of the page."""
        self._put(self.quads, Quad(s, p, o, self.graph))

    def share(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        """A statement about a shared node."""
        self._put(self.shared, Quad(s, p, o, self.shared_graph))


def _named(g: _Graph, node: NamedNode, kind: str, key: str, label: str, aliases: list[str]) -> None:
    """A shared node's names. Its one preferred label comes from its key (`iris.key_name`), never from the page,
    so pages naming it differently add no second skos:prefLabel (SKOS S14) and no store read is needed to
    choose. Every other name is an skos:altLabel, and the page's own name, when another, is kept in the page
    graph as an SKOS-XL alternative label, from which the page's rows read it back."""
    canonical = _canonical(kind, key, label)
    g.labels[node.value] = label
    g.share(node, SKOS.prefLabel, _zh(canonical))
    _alt_labels(g, node, canonical, (label, *aliases))
    if label != canonical:
        written = NamedNode(iris.label_iri(g.doc, node.value))
        g.add(node, SKOSXL.altLabel, written)
        g.add(written, SKOSXL.literalForm, _zh(label))


def _canonical(kind: str, key: str, label: str) -> str:
    """The name a shared node's key carries, else the name it was first written with."""
    return iris.key_name(kind, key) or label


def _alt_labels(g: _Graph, node: NamedNode, canonical: str, names: Iterable[str]) -> None:
    for alias in names:
        if alias != canonical:
            g.share(node, SKOS.altLabel, _zh(alias))


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
    g.share(node, RDF.type, KG.Region)
    _named(g, node, "region", code, name, [short] if short else [])
    g.share(node, SKOS.notation, Literal(code))
    if level in LEVELS:
        g.share(node, KG.level, LEVELS[level])
    if parent:
        g.share(node, SCHEMA.containedInPlace, NamedNode(iris.region_iri(parent)))
    return node


def _entity(g: _Graph, entity: Entity) -> NamedNode:
    if entity.type == "region":
        chain = entity.parents
        for region in chain:
            _region(g, region.code, region.name, region.level, region.parent, region.short)
        nearest = _immediate_parent(chain)
        node = _region(g, entity.key, entity.label, entity.level, nearest.code if nearest else None)
        _alt_labels(g, node, _canonical("region", entity.key, entity.label), entity.aliases)
        return node
    node = NamedNode(iris.entity_iri(entity.type, entity.key))
    if node.value in g.described:
        return node
    g.described.add(node.value)
    g.share(node, RDF.type, ENTITY_CLASSES[entity.type])
    _named(g, node, entity.type, entity.key, entity.label, entity.aliases)
    if entity.type == "program":
        g.share(node, SKOS.inScheme, NamedNode(iris.scheme_iri("program")))
    if entity.region:
        g.share(node, SCHEMA.areaServed, NamedNode(iris.region_iri(entity.region)))
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


def _claim(g: _Graph, page: NamedNode, source: NamedNode, claim: Claim, nth: int) -> None:
    q = claim.quantity
    node = NamedNode(iris.claim_iri(claim.doc, q.start, q.end, nth))
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
        if metric.value not in g.described:
            g.described.add(metric.value)
            g.share(metric, RDF.type, KG.Metric)
            g.share(metric, SKOS.prefLabel, Literal(metric_key))
            g.share(metric, SKOS.notation, Literal(metric_key))
            g.share(metric, SKOS.inScheme, NamedNode(iris.scheme_iri("metric")))
        if claim.metric:
            g.share(metric, SKOS.altLabel, _zh(claim.metric))
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

    # The evidence: the claim is itself the Web Annotation (kg:Claim ⊑ oa:Annotation, bodies are optional in
    # the model), its target the run of the page it is read from. The run is minted from the page and offsets,
    # so the claims read from one run share its seven statements; one selector node is both the quote and the
    # position selector (an RDF node may have two classes); the text around it is in the article.
    quote = NamedNode(iris.quote_iri(claim.doc, claim.start, claim.end))
    selector = NamedNode(quote.value + "#selector")
    g.add(node, OA.hasTarget, quote)
    g.add(quote, OA.hasSource, page)
    g.add(quote, OA.hasSelector, selector)
    g.add(selector, RDF.type, OA.TextQuoteSelector)
    g.add(selector, RDF.type, OA.TextPositionSelector)
    g.add(selector, OA.exact, Literal(claim.evidence))
    # xsd:integer, not the spec's nonNegativeInteger: Oxigraph stores derived integer types as
    # xsd:integer, and the graph must read back as written. Shapes check the sign.
    g.add(selector, OA.start, _int(claim.start))
    g.add(selector, OA.end, _int(claim.end))


def to_quads(extraction: Extraction) -> list[Quad]:
    """All statements read from one page: its own graph `graph_iri(doc)`, then the shared graph's."""
    doc = extraction.page.doc
    g = _Graph(doc)
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

    read: Counter[tuple[int, int]] = Counter()  # claims per number so far: the n-th claim of one number is `…/n`
    for claim in extraction.claims:
        read[claim.quantity.start, claim.quantity.end] += 1
        _claim(g, page, articles.get(claim.article, page), claim, read[claim.quantity.start, claim.quantity.end])
    mentioned = {node.value for node in nodes.values()}
    for iri in sorted(g.described - mentioned):
        g.add(page, KG.uses, NamedNode(iri))
    return g.quads + g.shared
