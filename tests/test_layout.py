"""The lean layout: shared nodes once in their own graph, pages referring to them, old stores migrated."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
from click.testing import CliRunner

from kg.cli import main
from kg.rdf import iris
from kg.rdf.layout import migrate
from kg.rdf.mapping import to_quads
from kg.rdf.store import EmbeddedStore, open_store
from kg.rdf.synth import synthetic_extraction
from kg.rdf.validate import validate
from kg.rdf.vocab import OA, SCHEMA, SKOS

DATA = Path(__file__).parent / "data"
# Written by the mapping before the shared graph (commit c41a27d) from synthetic_extraction(doc, 2, 3):
# every page graph carries its own copy of the regions, agencies, programs and metrics it names.
OLD_LAYOUT = DATA / "old_layout.nq"
OLD_DOCS = ("old_a.txt", "old_b.txt")
# Written by the mapping of commit 8ea824c from `annotated_extraction()`: each claim's evidence an annotation node
# apart (`#evidence` with oa:hasBody the claim, `#target`, `#quote`), two claims read from the same run.
ANNOTATION_LAYOUT = DATA / "annotation_layout.nq"


def annotated_extraction():
    x = synthetic_extraction("annotated_a.txt", articles=2, claims_per_article=2)
    c = x.claims[0]
    return replace(x, claims=[*x.claims, replace(c, quantity=replace(c.quantity, value=c.quantity.value + 1))])


def claims_named_as_before(quads: list[ox.Quad]) -> set[ox.Quad]:
    """`quads` with each claim named as when the fixtures were written, `claim/{doc}/{run}/{value}-{unit}`:
    migrate keeps the IRIs it finds, and no two claims of these fixtures shared that name."""
    target = {q.subject: q.object.value for q in quads if q.predicate == OA.hasTarget}
    value = {q.subject: q.object.value for q in quads if q.predicate == SCHEMA.value}
    unit = {q.subject: q.object.value for q in quads if q.predicate == SCHEMA.unitText}
    old = {claim: ox.NamedNode(run.replace(f"{iris.base()}quote/", f"{iris.base()}claim/", 1)
                               + f"/{value[claim]}-{quote(unit[claim], safe='')}") for claim, run in target.items()}
    assert len(set(old.values())) == len(old)
    return {ox.Quad(old.get(q.subject, q.subject), q.predicate, q.object, q.graph_name) for q in quads}


def current_quads() -> set[ox.Quad]:
    return claims_named_as_before(
        [q for doc in OLD_DOCS for q in to_quads(synthetic_extraction(doc, articles=2, claims_per_article=3))])


def old_store(path: Path) -> EmbeddedStore:
    store = open_store(path)
    assert isinstance(store, EmbeddedStore)
    store.load_nquads(OLD_LAYOUT)
    return store


def test_migrate_gives_what_ingesting_now_gives(tmp_path: Path) -> None:
    with old_store(tmp_path / "db") as store:
        before = len(store)
        report = migrate(store)
        assert report.graphs == 2
        assert set(store.quads()) == current_quads()
        assert len(store) < before
        assert migrate(store).graphs == 0, "a migrated store is left alone"
        conforms, text, violations = validate(store)
        assert conforms, text


def test_migrated_page_graphs_hold_no_copy_of_a_shared_node(tmp_path: Path) -> None:
    with old_store(tmp_path / "db") as store:
        migrate(store)
        shared = ox.NamedNode(iris.shared_graph_iri())
        for q in store.quads():
            if q.graph_name != shared:
                assert not iris.is_shared(q.subject.value)
                assert q.predicate not in (SKOS.prefLabel, SKOS.altLabel, OA.prefix, OA.suffix)


def test_kg_migrate_command_converts_and_indexes(tmp_path: Path) -> None:
    old_store(tmp_path / "db").close()
    result = CliRunner().invoke(main, ["migrate", "--store", str(tmp_path / "db")])
    assert result.exit_code == 0, result.output
    assert "migrated 2 page graph(s)" in result.output
    with open_store(tmp_path / "db") as store:
        assert set(store.quads()) == current_quads()
        assert store.search_labels("区")


def test_removing_every_page_empties_the_shared_graph(tmp_path: Path) -> None:
    with old_store(tmp_path / "db") as store:
        migrate(store)
        store.ready(wait=True)  # indexed anew after the migration's updates, as `kg migrate` does
        for doc in OLD_DOCS:
            assert store.remove_graph(iris.graph_iri(doc))
        assert len(store) == 0
        assert store.search_labels("区") == []


def test_migrate_makes_each_claim_its_own_annotation(tmp_path: Path) -> None:
    with open_store(tmp_path / "db") as store:
        assert isinstance(store, EmbeddedStore)
        store.load_nquads(ANNOTATION_LAYOUT)
        before = len(store)
        report = migrate(store)
        assert report.graphs == 1
        assert set(store.quads()) == claims_named_as_before(to_quads(annotated_extraction()))
        # Per claim the annotation's type and oa:hasBody go (its oa:hasTarget moves onto the claim); the twin
        # claim shares its run's 7 statements.
        assert before - len(store) == 2 * 5 + 7
        assert migrate(store).graphs == 0
        conforms, text, _ = validate(store)
        assert conforms, text
