"""kg.web.guard: what a SPARQL text may reach, read by its tokens (no server needed)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.web.guard import MAX_NESTING, Refused, add_using, has_dataset_clause, inspect

ALLOWED = frozenset({"https://query.example.org/sparql"})


@pytest.mark.parametrize("text", [
    "SELECT * { SERVICE <http://127.0.0.1/sparql> { ?s ?p ?o } }",
    "select * { service silent <http://10.0.0.1/> { ?s ?p ?o } }",
    "SELECT * { SERVICE ?e { ?s ?p ?o } }",
    "PREFIX x: <http://127.0.0.1/> SELECT * { SERVICE x:y { ?s ?p ?o } }",
    "SELECT * { \\u0053ERVICE <http://127.0.0.1/> { ?s ?p ?o } }",
    "SELECT * { SERVICE#comment\n<http://127.0.0.1/> { ?s ?p ?o } }",
    "SELECT * { FILTER(?a<?b)SERVICE<http://127.0.0.1/>{?s ?p ?o} }",
    "LOAD <file:///etc/passwd>",
    "LOAD SILENT <http://127.0.0.1/x> INTO GRAPH <http://g>",
    "load <file:///etc/shadow>",
])
def test_outside_reach_is_refused(text: str) -> None:
    with pytest.raises(Refused, match="not allowed"):
        inspect(text, ALLOWED)


@pytest.mark.parametrize("text", [
    'SELECT * { ?s ?p "SERVICE <http://127.0.0.1/>" }',
    "SELECT * { ?s <http://e/SERVICE> ?o } # SERVICE <http://127.0.0.1/>",
    "PREFIX ex: <http://e/> SELECT ?service { ?service ex:load ?o }",
    "SELECT * { SERVICE <https://query.example.org/sparql> { ?s ?p ?o } }",
    "SELECT * { ?s ?p '''LOAD <file:///etc/passwd>''' }",
])
def test_harmless_or_allowed_texts_pass(text: str) -> None:
    inspect(text, ALLOWED)


def test_nesting_and_size_limits() -> None:
    inspect("SELECT * " + "{ " * MAX_NESTING + " }" * MAX_NESTING)
    with pytest.raises(Refused, match="nests"):
        inspect("SELECT * " + "{ " * (MAX_NESTING + 1) + " }" * (MAX_NESTING + 1))
    with pytest.raises(Refused, match="characters"):
        inspect("ASK {} #" + "x" * 200_000)


def test_using_clauses_go_before_each_top_level_where() -> None:
    update = ('PREFIX f: <http://f/> CLEAR ALL ; INSERT DATA { GRAPH <http://g> { <http://a> a f:D } } ;\n'
              'INSERT { GRAPH <http://out> { ?s a f:B } } WHERE { ?s a f:D FILTER NOT EXISTS { ?s ?p "WHERE" } } ;'
              "DELETE WHERE { ?x a f:Gone }")
    rewritten = add_using(update, ["http://g"], ["http://n"])
    assert rewritten.count("USING <http://g> USING NAMED <http://n> WHERE") == 1
    store = ox.Store()
    store.update(rewritten)
    assert ox.Quad(ox.NamedNode("http://a"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                   ox.NamedNode("http://f/B"), ox.NamedNode("http://out")) in store


def test_dataset_clauses_are_seen() -> None:
    assert has_dataset_clause(inspect("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"))
    assert has_dataset_clause(inspect("DELETE { ?s ?p ?o } USING <http://g> WHERE { ?s ?p ?o }"))
    assert not has_dataset_clause(inspect('INSERT DATA { <http://a> <http://b> "USING" }'))
