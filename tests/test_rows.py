"""A claim's kept row (kg.rdf.rows): made from its page graph alone, packed and unpacked unchanged, and shown
with the linked nodes' labels as they are when it is read."""

from __future__ import annotations

import pyoxigraph as ox

from kg.rdf import rows
from kg.rdf.summaries import records
from kg.rdf.vocab import KG, OA, PROV, RDF, SCHEMA

G = ox.NamedNode("https://example.org/graph/p")
PAGE, ARTICLE = ox.NamedNode("https://example.org/page/p"), ox.NamedNode("https://example.org/article/p/1")
CLAIM = ox.NamedNode("https://example.org/claim/p/1")
TARGET, SELECTOR = ox.NamedNode("https://example.org/target/1"), ox.NamedNode("https://example.org/sel/1")
TOWN, METRIC = ox.NamedNode("https://example.org/region/1"), ox.NamedNode("https://example.org/metric/1")


def _page() -> list[ox.Quad]:
    def q(s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> ox.Quad:
        return ox.Quad(s, p, o, G)
    return [
        q(PAGE, RDF.type, KG.NewspaperPage), q(PAGE, SCHEMA.name, ox.Literal("p.txt")),
        q(ARTICLE, RDF.type, KG.Article), q(ARTICLE, SCHEMA.headline, ox.Literal("柳岸镇新建水渠", language="zh")),
        q(ARTICLE, SCHEMA.isPartOf, PAGE),
        q(CLAIM, RDF.type, KG.Claim), q(CLAIM, PROV.wasDerivedFrom, ARTICLE),
        q(CLAIM, SCHEMA.value, ox.Literal("12.5")), q(CLAIM, SCHEMA.unitText, ox.Literal("公里")),
        q(CLAIM, KG.quantityText, ox.Literal("12.5公里")), q(CLAIM, KG.qualifier, KG.Approximate),
        q(CLAIM, KG.region, TOWN), q(CLAIM, KG.metric, METRIC), q(CLAIM, KG.agencyLabel, ox.Literal("水务站")),
        q(CLAIM, SCHEMA.temporalCoverage, ox.Literal("今年")), q(CLAIM, SCHEMA.startDate, ox.Literal("2031-01-01")),
        q(CLAIM, KG.modality, KG.Target),
        q(CLAIM, OA.hasTarget, TARGET), q(TARGET, OA.hasSource, PAGE),
        q(TARGET, OA.hasSelector, SELECTOR), q(SELECTOR, OA.exact, ox.Literal("水渠约12.5公里")),
        q(SELECTOR, OA.start, ox.Literal("40")), q(SELECTOR, OA.end, ox.Literal("48")),
    ]


def test_a_row_is_made_from_the_page_graph_and_named_when_read() -> None:
    [(iri, row)] = rows.from_triples(_page()).items()
    assert iri == CLAIM.value and rows.unpack(iri, rows.pack(row)) == row
    assert rows.linked(row) == {TOWN.value, METRIC.value}
    shown = rows.finish(row, {TOWN.value: "柳岸镇", METRIC.value: "水渠长度"})
    assert {k: shown[k] for k in ("doc", "article", "evidence", "start", "end", "value", "unit", "qualifier",
                                  "region", "agency", "metric", "period", "modality", "article_iri")} == {
        "doc": "p.txt", "article": "柳岸镇新建水渠", "evidence": "水渠约12.5公里", "start": 40, "end": 48,
        "value": 12.5, "unit": "公里", "qualifier": "approx", "region": "柳岸镇", "agency": "水务站",
        "metric": "水渠长度", "period": "今年", "modality": "target", "article_iri": ARTICLE.value}
    assert shown["_dates"] == ("2031-01-01", None) and shown["_links"]["region"] == TOWN.value
    assert rows.finish(row, {TOWN.value: "柳岸街道"})["region"] == "柳岸街道", "a renamed node shows its new name"


def test_a_claim_from_a_page_without_article_or_evidence_keeps_what_it_has() -> None:
    quads = [q for q in _page() if q.subject not in (ARTICLE, TARGET, SELECTOR)
             and q.predicate != OA.hasTarget]
    row = rows.from_triples(quads)[CLAIM.value]
    assert (row["article"], row["article_iri"], row["evidence"], row["doc"]) == (None, None, None, None)
    assert row["value"] == 12.5 and row["quantity"] == "12.5公里"


def test_a_row_packed_beside_its_links_leaves_out_what_they_give() -> None:
    [(iri, row)] = rows.from_triples(_page()).items()
    links = [(KG.region.value, TOWN.value), (KG.metric.value, METRIC.value)]
    packed = rows.pack(row, links)
    assert len(packed) < len(rows.pack(row)) and rows.unpack(iri, packed, rows.from_links(links)) == row
    other = ox.NamedNode("https://example.org/region/0")  # a link the row does not name: the row's own field wins
    assert rows.unpack(iri, rows.pack(row, [*links, (KG.region.value, other.value)]), rows.from_links(links)) == row


def test_rows_and_records_read_the_page_once_whatever_its_order_and_repeats() -> None:
    """`records` takes its rows from the same walk (`gather`) as its counts: repeating or reordering the
    page's statements, or adding a blank node typed kg:Claim, changes neither."""
    page = _page()
    [record] = records(page)
    assert record.iri == CLAIM.value and record.row == rows.pack(rows.from_triples(page)[CLAIM.value], record.links)
    blank = ox.BlankNode("c1")
    noisy = [*reversed(page), *page, ox.Quad(blank, RDF.type, KG.Claim, G), ox.Quad(blank, SCHEMA.value,
                                                                                 ox.Literal("3"), G)]
    assert records(noisy) == [record]
    assert rows.from_triples(noisy)[CLAIM.value] == rows.from_triples(page)[CLAIM.value]
    props, named = rows.gather(noisy, rows.READ)
    assert CLAIM.value in named and blank.value not in named and props[CLAIM.value][SCHEMA.value.value] == [
        ox.Literal("12.5")], "a value stated twice is kept once"
