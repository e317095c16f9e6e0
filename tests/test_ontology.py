"""The ontology, shapes and JSON-LD context cover what the mapping writes, in English and Chinese."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from kg.rdf.docgen import ontology_html
from kg.rdf.mapping import to_quads
from kg.rdf.synth import synthetic_extraction
from kg.rdf.vocab import KG, PREFIXES

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = rdflib.Graph().parse(ROOT / "ontology" / "kg.ttl", format="turtle")
SHAPES = rdflib.Graph().parse(ROOT / "ontology" / "shapes.ttl", format="turtle")
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
SCHEMA = rdflib.Namespace("https://schema.org/")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
OA = rdflib.Namespace("http://www.w3.org/ns/oa#")


def kg_terms() -> set[rdflib.URIRef]:
    return {s for s in ONTOLOGY.subjects() if isinstance(s, rdflib.URIRef) and str(s).startswith(KG.iri)}


def written() -> tuple[set[str], set[str]]:
    """(classes, predicates) the mapping writes for a sample page."""
    quads = to_quads(synthetic_extraction("onto.txt", articles=3))
    classes = {q.object.value for q in quads if q.predicate.value == str(RDF.type)}
    return classes, {q.predicate.value for q in quads}


def test_every_project_term_has_english_and_chinese_label_and_comment() -> None:
    terms = kg_terms()
    assert len(terms) > 40
    for term in terms:
        for prop in (RDFS.label, RDFS.comment):
            langs = {o.language for o in ONTOLOGY.objects(term, prop)}
            assert {"en", "zh"} <= langs, f"{term} lacks {prop} in en and zh"


def test_every_project_term_the_mapping_writes_is_declared() -> None:
    classes, predicates = written()
    declared = kg_terms()
    for iri in classes | predicates:
        if iri.startswith(KG.iri):
            assert rdflib.URIRef(iri) in declared, iri


def test_project_classes_align_with_standard_vocabularies() -> None:
    def parents(cls: str) -> set[rdflib.term.Node]:
        return set(ONTOLOGY.objects(rdflib.URIRef(KG[cls].value), RDFS.subClassOf))

    assert {SCHEMA.Claim, PROV.Entity, OA.Annotation} <= parents("Claim")
    assert {SCHEMA.NewsArticle, PROV.Entity} <= parents("Article")
    assert SCHEMA.AdministrativeArea in parents("Region")
    assert {SCHEMA.GovernmentOrganization, rdflib.URIRef("http://www.w3.org/ns/org#FormalOrganization")} <= \
        parents("Agency")
    assert SKOS.Concept in parents("Program") and SKOS.Concept in parents("Metric")
    assert (rdflib.URIRef("https://kg.example.org/ontology"), RDF.type, OWL.Ontology) in ONTOLOGY


def test_every_written_class_has_a_shape() -> None:
    classes, _ = written()
    targeted = {str(o) for o in SHAPES.objects(None, SH.targetClass)}
    assert classes - {str(OA.Annotation), str(OA.SpecificResource)} <= targeted


def test_context_covers_every_written_predicate() -> None:
    context = json.loads((ROOT / "ontology" / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    prefixes = {k: v for k, v in context.items() if isinstance(v, str) and v.endswith(("#", "/"))}
    assert all(PREFIXES.get(name) == iri for name, iri in prefixes.items())

    def expand(value: str) -> str:
        prefix, _, local = value.partition(":")
        return prefixes[prefix] + local if prefix in prefixes else value

    covered = {expand(v["@id"] if isinstance(v, dict) else v) for k, v in context.items() if k not in prefixes}
    _, predicates = written()
    missing = {p for p in predicates if p not in covered and p != str(RDF.type)}
    assert not missing


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids.update(v for k, v in attrs if k == "id" and v)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_documentation_page_lists_every_term_with_both_languages() -> None:
    page = _Collector()
    page.feed(ontology_html())
    text = "".join(page.text)
    for term in kg_terms():
        local = str(term).split("#", 1)[1]
        assert local in page.ids, local
        assert str(ONTOLOGY.value(term, RDFS.label)) in text or any(
            str(lbl) in text for lbl in ONTOLOGY.objects(term, RDFS.label))
    assert "量化声明" in text and "quantitative claim" in text
    assert "schema:Claim" in text
    assert "kg:Claimschema:value1..1xsd:decimal" in text, "the shapes table states what a claim needs"


def test_readme_example_queries_run_and_answer(tmp_path: Path) -> None:
    from kg.rdf import iris
    from kg.rdf.store import open_store

    text = (ROOT / "ontology" / "README.md").read_text(encoding="utf-8")
    examples = re.findall(r"```sparql\n(.*?)```", text, flags=re.S)
    assert len(examples) == 3
    with open_store(tmp_path / "store") as store:
        for doc in ("readme_a.txt", "readme_b.txt"):
            store.replace_graph(iris.graph_iri(doc), to_quads(synthetic_extraction(doc, articles=6)))
        for sparql in examples:
            rows = store.query(sparql)
            assert isinstance(rows, list) and rows, sparql
