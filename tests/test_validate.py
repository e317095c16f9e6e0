"""SHACL: mapped extractions conform; broken statements are caught."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.rdf import iris
from kg.rdf.mapping import to_quads
from kg.rdf.store import Store, open_store
from kg.rdf.synth import synthetic_extraction
from kg.rdf.validate import validate

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
