"""Mapping an Extraction to quads: identity, named graphs, statement nodes, evidence."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.model import Article, Claim, Entity, Extraction, Mention, Page, Quantity, Region
from kg.rdf import iris
from kg.rdf.mapping import to_quads
from kg.rdf.queries import claim_rows
from kg.rdf.store import Store, open_store
from kg.rdf.vocab import CUR, KG, OA, PROV, RDF, SCHEMA, SKOS, SKOSXL, XSD

PROVINCE = Region("430000000000", "湖南省", "province", None, "湖南")
CITY = Region("430500000000", "邵阳市", "city", "430000000000", "邵阳")


def hand_extraction(doc: str = "page_a.txt", value: float = 788000000.0, subject_key: str | None = "430503000000",
                    with_claim: bool = True) -> Extraction:
    """A page written for this test: one article, a county, an agency, a program and one money claim."""
    raw = "大祥区财政局：今年以来，全区稳岗补贴计划共发放资金7.88亿元，同比增长12%。\n"
    page = Page(doc=doc, path=doc, raw=raw, encoding="utf-8", text=raw, offsets=list(range(len(raw) + 1)))
    county = Entity("region", "430503000000", "大祥区", aliases=["大祥"], parents=[CITY, PROVINCE], level="county")
    agency = Entity("agency", "430503000000/财政局", "大祥区财政局", region="430503000000")
    program = Entity("program", "稳岗补贴", "稳岗补贴", aliases=["稳岗补贴计划"])
    article = Article(doc=doc, index=0, headline="大祥区发放稳岗补贴", start=0, end=len(raw) - 1,
                      title="大祥区发放稳岗补贴", date="2024-04-20")
    q_start = raw.index("7.88")
    quantity = Quantity("7.88亿元", "7.88亿", value, "元", "亿元", "money", "approx", start=q_start,
                        end=q_start + 6)
    e_start = raw.index("全区")
    claim = Claim(doc=doc, article=0, evidence=raw[e_start:q_start + 6], start=e_start, end=q_start + 6,
                  quantity=quantity, subject="大祥区", subject_type="region", subject_key=subject_key,
                  region="大祥区", region_key="430503000000", agency="大祥区财政局",
                  agency_key="430503000000/财政局", program="稳岗补贴", program_key="稳岗补贴",
                  metric="发放资金", metric_key="subsidy_paid", period="今年以来", period_start="2024-01-01",
                  period_end="2024-04", modality="achieved")
    mentions = [Mention("region", "大祥区", 0, 3, 0, "430503000000"),
                Mention("agency", "大祥区财政局", 0, 6, 0, "430503000000/财政局")]
    return Extraction(page=page, articles=[article], entities=[county, agency, program], mentions=mentions,
                      claims=[claim] if with_claim else [])


def objects(quads: list[ox.Quad], subject: str, predicate: ox.NamedNode) -> list:
    return [q.object for q in quads if q.subject == ox.NamedNode(subject) and q.predicate == predicate]


def test_quads_are_in_the_page_graph_or_the_shared_graph() -> None:
    quads = to_quads(hand_extraction())
    page, shared = ox.NamedNode(iris.graph_iri("page_a.txt")), ox.NamedNode(iris.shared_graph_iri())
    assert {q.graph_name for q in quads} == {page, shared}
    assert all(iris.is_shared(q.subject.value) for q in quads if q.graph_name == shared)


def test_a_page_graph_holds_no_statement_about_a_shared_node_but_its_own_name_of_it() -> None:
    page = ox.NamedNode(iris.graph_iri("page_a.txt"))
    own = [q for q in to_quads(hand_extraction()) if q.graph_name == page]
    assert [q.predicate for q in own if iris.is_shared(q.subject.value)] == [SKOSXL.altLabel], \
        "the agency, keyed by another name than the page gives it"
    assert not [q for q in own if q.predicate in (SKOS.prefLabel, SKOS.altLabel, SKOS.notation)]


def test_the_page_refers_to_every_shared_node_its_statements_reach() -> None:
    x = hand_extraction()
    quads = to_quads(x)
    page = iris.page_iri("page_a.txt")
    referred = {o.value for o in objects(quads, page, SCHEMA.mentions) + objects(quads, page, KG.uses)}
    described = {q.subject.value for q in quads if q.graph_name == ox.NamedNode(iris.shared_graph_iri())}
    assert described == referred
    assert iris.metric_iri("subsidy_paid") in {o.value for o in objects(quads, page, KG.uses)}
    assert iris.region_iri(PROVINCE.code) in {o.value for o in objects(quads, page, KG.uses)}


def test_mapping_is_deterministic_and_has_no_blank_nodes() -> None:
    first, second = to_quads(hand_extraction()), to_quads(hand_extraction())
    assert first == second
    assert len(set(first)) == len(first)
    terms = [t for q in first for t in (q.subject, q.object)]
    assert not any(isinstance(t, ox.BlankNode) for t in terms)


def test_iris_follow_keys_and_base(monkeypatch: pytest.MonkeyPatch) -> None:
    assert iris.region_iri("430503") == "https://kg.example.org/region/430503"
    assert iris.agency_iri("430503000000/财政局") == (
        "https://kg.example.org/agency/430503000000/%E8%B4%A2%E6%94%BF%E5%B1%80")
    assert iris.claim_iri("a b.txt", 3, 9).endswith("/claim/a%20b.txt/3-9")
    assert iris.claim_iri("a b.txt", 3, 9, 2).endswith("/claim/a%20b.txt/3-9/2")
    monkeypatch.setenv("KG_BASE", "http://example.net/kg")
    assert iris.page_iri("x.txt") == "http://example.net/kg/page/x.txt"
    assert {q.graph_name.value for q in to_quads(hand_extraction())} == {
        "http://example.net/kg/graph/page_a.txt", "http://example.net/kg/shared"}


def test_claim_is_a_statement_node_with_value_unit_and_period() -> None:
    x = hand_extraction()
    quads = to_quads(x)
    claim = iris.claim_iri("page_a.txt", x.claims[0].quantity.start, x.claims[0].quantity.end)
    assert objects(quads, claim, RDF.type) == [KG.Claim]
    assert objects(quads, claim, SCHEMA.value) == [ox.Literal("788000000", datatype=XSD.decimal)]
    assert objects(quads, claim, SCHEMA.unitText) == [ox.Literal("元")]
    assert objects(quads, claim, SCHEMA.unitCode) == [CUR.CNY]
    assert objects(quads, claim, KG.unitWritten) == [ox.Literal("亿元")]
    assert objects(quads, claim, KG.qualifier) == [KG.Approximate]
    assert objects(quads, claim, KG.modality) == [KG.Achieved]
    assert objects(quads, claim, SCHEMA.startDate) == [ox.Literal("2024-01-01", datatype=XSD.date)]
    assert objects(quads, claim, SCHEMA.endDate) == [ox.Literal("2024-04", datatype=XSD.gYearMonth)]
    assert objects(quads, claim, SCHEMA.about) == [ox.NamedNode(iris.region_iri("430503000000"))]
    assert objects(quads, claim, KG.metric) == [ox.NamedNode(iris.metric_iri("subsidy_paid"))]
    article = iris.article_iri("page_a.txt", 0, len(x.page.raw) - 1)
    assert objects(quads, claim, PROV.wasDerivedFrom) == [ox.NamedNode(article)]
    assert objects(quads, article, PROV.wasDerivedFrom) == [ox.NamedNode(iris.page_iri("page_a.txt"))]


def test_evidence_selectors_point_at_the_source_text() -> None:
    x = hand_extraction()
    c = x.claims[0]
    quads = to_quads(x)
    claim = iris.claim_iri(c.doc, c.quantity.start, c.quantity.end)
    targets = objects(quads, claim, OA.hasTarget)
    assert targets == [ox.NamedNode(iris.quote_iri(c.doc, c.start, c.end))]
    target = targets[0]
    assert objects(quads, target.value, OA.hasSource) == [ox.NamedNode(iris.page_iri(c.doc))]
    selectors = {t: s for s in objects(quads, target.value, OA.hasSelector) for t in objects(quads, s.value, RDF.type)}
    exact = objects(quads, selectors[OA.TextQuoteSelector].value, OA.exact)[0].value
    start = int(objects(quads, selectors[OA.TextPositionSelector].value, OA.start)[0].value)
    end = int(objects(quads, selectors[OA.TextPositionSelector].value, OA.end)[0].value)
    assert exact == x.page.raw[start:end] == c.evidence
    assert not [q for q in quads if q.predicate == OA.hasBody]  # the claim is the annotation: no node apart


def test_claims_read_from_one_run_share_its_evidence() -> None:
    x = hand_extraction()
    c = x.claims[0]
    twin = replace(c, quantity=replace(c.quantity, value=c.quantity.value + 1))
    one = to_quads(x)
    two = to_quads(replace(x, claims=[c, twin]))
    quote = ox.NamedNode(iris.quote_iri(c.doc, c.start, c.end))
    assert [q.subject for q in two if q.predicate == OA.hasTarget and q.object == quote] == [
        ox.NamedNode(iris.claim_iri(c.doc, c.quantity.start, c.quantity.end, n)) for n in (1, 2)]
    # The second claim adds its own statements and one link to the run, none for the run itself.
    evidence = {q for q in one if q.subject.value.startswith(quote.value)}
    assert len(evidence) == 7 and evidence <= set(two)
    assert len([q for q in two if q.subject.value.startswith(quote.value)]) == 7


def test_shared_nodes_are_described_in_the_shared_graph_by_every_page() -> None:
    region = iris.region_iri("430503000000")
    shared = ox.NamedNode(iris.shared_graph_iri())
    for doc in ("page_a.txt", "page_b.txt"):
        quads = [q for q in to_quads(hand_extraction(doc)) if q.graph_name == shared]
        assert objects(quads, region, SKOS.prefLabel) == [ox.Literal("大祥区", language="zh")]
        assert objects(quads, region, SCHEMA.containedInPlace) == [ox.NamedNode(iris.region_iri(CITY.code))]
        assert objects(quads, iris.region_iri(CITY.code), SCHEMA.containedInPlace) == [
            ox.NamedNode(iris.region_iri(PROVINCE.code))]
        assert objects(quads, region, KG.level) == [KG.CountyLevel]


def test_unlinked_subject_is_kept_as_a_label() -> None:
    x = hand_extraction(subject_key=None)
    c = x.claims[0]
    quads = to_quads(x)
    claim = iris.claim_iri(c.doc, c.quantity.start, c.quantity.end)
    assert objects(quads, claim, SCHEMA.about) == []
    assert objects(quads, claim, KG.subjectLabel) == [ox.Literal("大祥区", language="zh")]


def test_claim_wording_that_differs_from_the_node_label_is_kept() -> None:
    x = hand_extraction()
    c = x.claims[0]
    c.agency = "财政局"
    quads = to_quads(x)
    claim = iris.claim_iri(c.doc, c.quantity.start, c.quantity.end)
    assert objects(quads, claim, KG.agency) == [ox.NamedNode(iris.agency_iri("430503000000/财政局"))]
    assert objects(quads, claim, KG.agencyLabel) == [ox.Literal("财政局", language="zh")]
    assert objects(quads, claim, KG.regionLabel) == []


def test_page_and_article_mention_entities() -> None:
    quads = to_quads(hand_extraction())
    page = iris.page_iri("page_a.txt")
    mentioned = {o.value for o in objects(quads, page, SCHEMA.mentions)}
    assert mentioned == {iris.region_iri("430503000000"), iris.agency_iri("430503000000/财政局"),
                         iris.program_iri("稳岗补贴")}
    article = iris.article_iri("page_a.txt", 0, len(hand_extraction().page.raw) - 1)
    assert {o.value for o in objects(quads, article, SCHEMA.mentions)} == {
        iris.region_iri("430503000000"), iris.agency_iri("430503000000/财政局")}


def test_number_text_never_uses_exponents() -> None:
    assert iris.number_text(788000000.0) == "788000000"
    assert iris.number_text(0.00001) == "0.00001"
    assert iris.number_text(12.5) == "12.5"


_TEXT = st.text(alphabet=st.sampled_from(list('苏仙区局"\\\n\t \'<>{}@#%/^`') + ["\u3000", "é", "𠀋"]),
                min_size=1, max_size=12)


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with open_store(tmp_path_factory.mktemp("prop") / "store") as store:
        yield store


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(label=_TEXT, evidence=_TEXT, period=_TEXT,
       value=st.floats(min_value=0, max_value=1e13, allow_nan=False, allow_infinity=False),
       unit=st.sampled_from(["元", "%", "元/月", "人次", "a b"]),
       change=st.sampled_from([None, "increase", "decrease"]))
def test_any_text_and_number_survive_the_store(shared_store: Store, label: str, evidence: str, period: str,
                                               value: float, unit: str, change: str | None) -> None:
    """Strings with quotes, backslashes, newlines and astral characters, and any number, read back unchanged."""
    x = hand_extraction(doc=f"prop {label!r}.txt", subject_key=None)
    raw = "前文" + evidence + "后文"
    x.page.raw = x.page.text = raw
    c = x.claims[0]
    c.start, c.end, c.evidence = 2, 2 + len(evidence), evidence
    c.subject, c.agency, c.agency_key, c.period, c.change = label, label, None, period, change
    c.quantity.value, c.quantity.unit = value, unit
    shared_store.replace_graph(iris.graph_iri(x.page.doc), to_quads(x))
    [row] = claim_rows(shared_store, doc=x.page.doc)
    assert (row["doc"], row["evidence"], row["start"], row["end"]) == (x.page.doc, evidence, 2, 2 + len(evidence))
    assert (row["subject"], row["agency"], row["period"], row["change"]) == (label, label, period, change)
    assert row["value"] == value and row["unit"] == unit
