"""SHACL: mapped extractions conform; broken statements are caught."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.model import Article, Claim, Extraction, Page, Quantity
from kg.rdf import iris
from kg.rdf.mapping import to_quads
from kg.rdf.store import Store, open_store
from kg.rdf.synth import synthetic_extraction
from kg.rdf.validate import validate
from kg.rdf.vocab import KG

DOC = "valid_page.txt"
PREFIXES = """PREFIX kg: <https://kg.example.org/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "store") as opened:
        for doc in (DOC, "other_page.txt"):
            opened.replace_graph(iris.graph_iri(doc), to_quads(synthetic_extraction(doc, articles=2)))
        yield opened


def one_claim(store: Store) -> str:
    rows = store.query(PREFIXES + "SELECT ?c WHERE { ?c a kg:Claim } ORDER BY ?c LIMIT 1")
    return rows[0]["c"].value


def test_mapped_extractions_conform(store: Store) -> None:
    conforms, report, violations = validate(store)
    assert (conforms, violations) == (True, 0), report


def test_claim_without_value_is_caught(store: Store) -> None:
    claim = one_claim(store)
    store.update(PREFIXES + f"DELETE WHERE {{ GRAPH ?g {{ <{claim}> schema:value ?v }} }}")
    conforms, report, violations = validate(store)
    assert not conforms and violations == 1
    assert claim in report and "Result Path: schema:value" in report


def test_claim_without_evidence_is_caught(store: Store) -> None:
    claim = one_claim(store)
    store.update(PREFIXES + f"DELETE WHERE {{ GRAPH ?g {{ <{claim}> oa:hasTarget ?t }} }}")
    conforms, report, violations = validate(store)
    assert not conforms and violations >= 1
    assert "a claim has evidence" in report


def test_bad_value_type_and_reversed_offsets_are_caught(store: Store) -> None:
    claim = one_claim(store)
    store.update(PREFIXES + f"""
        DELETE {{ GRAPH ?g {{ <{claim}> schema:value ?v . ?p oa:start ?s }} }}
        INSERT {{ GRAPH ?g {{ <{claim}> schema:value "many" . ?p oa:start 100000 }} }}
        WHERE {{ GRAPH ?g {{ <{claim}> schema:value ?v ; oa:hasTarget/oa:hasSelector ?p .
                            ?p oa:start ?s }} }}""")
    conforms, report, violations = validate(store)
    assert not conforms and violations == 2
    assert "LessThan" in report and "Datatype" in report


def test_unknown_modality_is_caught(store: Store) -> None:
    claim = one_claim(store)
    store.update(PREFIXES + f"""
        DELETE {{ GRAPH ?g {{ <{claim}> kg:modality ?m }} }}
        INSERT {{ GRAPH ?g {{ <{claim}> kg:modality kg:Rumoured }} }}
        WHERE {{ GRAPH ?g {{ <{claim}> kg:modality ?m }} }}""")
    conforms, _, violations = validate(store)
    assert not conforms and violations == 1


def two_claims_of_one_run() -> Extraction:
    """An invented page whose one evidence run reads two claims with the same value and unit."""
    doc = "twin_run.txt"
    raw = "青石镇新建桥梁5座，改造涵洞5座。\n"
    page = Page(doc=doc, path=doc, raw=raw, encoding="utf-8", text=raw, offsets=list(range(len(raw) + 1)))
    article = Article(doc=doc, index=0, headline="青石镇", start=0, end=len(raw) - 1)
    run_end = raw.index("。")
    claims = []
    for metric, key, at in (("新建桥梁", "bridges_built", raw.index("5座")), ("改造涵洞", "culverts_rebuilt",
                                                                          raw.rindex("5座"))):
        quantity = Quantity("5座", "5", 5.0, "座", "座", "count", start=at, end=at + 2)
        claims.append(Claim(doc=doc, article=0, evidence=raw[0:run_end], start=0, end=run_end, quantity=quantity,
                            metric=metric, metric_key=key))
    return Extraction(page=page, articles=[article], entities=[], mentions=[], claims=claims)


def test_two_claims_of_one_run_with_one_value_and_unit_stay_two(tmp_path: Path) -> None:
    x = two_claims_of_one_run()
    quads = to_quads(x)
    metrics = {q.subject.value: q.object.value for q in quads if q.predicate == KG.metric}
    assert metrics == {iris.claim_iri(c.doc, c.quantity.start, c.quantity.end): iris.metric_iri(c.metric_key or "")
                       for c in x.claims}
    with open_store(tmp_path / "store") as opened:
        opened.replace_graph(iris.graph_iri(x.page.doc), quads)
    result = CliRunner().invoke(main, ["validate", "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    assert "conforms: 0 violations" in result.output
