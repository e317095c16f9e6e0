"""kg.web.guard: what a SPARQL text may reach, read from rdflib's parse tree (no server needed)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.web.guard import (
    MAX_NESTING,
    Checked,
    Refused,
    Verdicts,
    add_using,
    check_query,
    check_update,
    has_dataset_clause,
    prescreen,
    tokens,
)

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
    check = check_update if text.lower().startswith("load") else check_query
    with pytest.raises(Refused, match="not allowed"):
        check(text, ALLOWED)


@pytest.mark.parametrize("text", [
    'SELECT * { ?s ?p "SERVICE <http://127.0.0.1/>" }',
    "SELECT * { ?s <http://e/SERVICE> ?o } # SERVICE <http://127.0.0.1/>",
    "PREFIX ex: <http://e/> SELECT ?service { ?service ex:load ?o }",
    "SELECT * { SERVICE <https://query.example.org/sparql> { ?s ?p ?o } }",
    "SELECT * { ?s ?p '''LOAD <file:///etc/passwd>''' }",
])
def test_harmless_or_allowed_texts_pass(text: str) -> None:
    check_query(text, ALLOWED)


def test_nesting_and_size_limits() -> None:
    prescreen("SELECT * " + "{ " * MAX_NESTING + " }" * MAX_NESTING)
    with pytest.raises(Refused, match="nests"):
        prescreen("SELECT * " + "{ " * (MAX_NESTING + 1) + " }" * (MAX_NESTING + 1))
    with pytest.raises(Refused, match="characters"):
        prescreen("ASK {} #" + "x" * 200_000)


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
    assert has_dataset_clause(tokens("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"))
    assert has_dataset_clause(tokens("DELETE { ?s ?p ?o } USING <http://g> WHERE { ?s ?p ?o }"))
    assert not has_dataset_clause(tokens('INSERT DATA { <http://a> <http://b> "USING" }'))


# --- issue 15: decisions from the parse tree -----------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "SELECT ?x WHERE { BIND(1 AS ?one) .SERVICE <http://127.0.0.1:9/sparql> { ?x ?y ?z } }",
    "SELECT * WHERE { ?s ?p ?o .SERVICE SILENT <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * WHERE { FILTER EXISTS { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } }",
    "SELECT * { SERVICE <sparql> { ?s ?p ?o } }",  # relative: would reach this very server
])
def test_service_found_by_the_parser_is_refused(text: str) -> None:
    with pytest.raises(Refused, match="not allowed"):
        check_query(text, ALLOWED)


@pytest.mark.parametrize("text", [
    "INSERT { GRAPH <urn:x> { ?s ?p ?o } } WHERE { BIND(1 AS ?one) .SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "PREFIX a: <http://x/> INSERT DATA { a:b a:c a:d } ; "
    "PREFIX e: <http://127.0.0.1/> INSERT { ?s ?p ?o } WHERE { SERVICE e:x { ?s ?p ?o } }",
    "CLEAR SILENT ALL ; LOAD <file:///etc/passwd>",
])
def test_updates_reaching_out_are_refused_by_the_parser(text: str) -> None:
    with pytest.raises(Refused, match="not allowed"):
        check_update(text, ALLOWED)


def test_parser_gives_the_form_and_the_dataset() -> None:
    assert check_query("ASK {}") == Checked("ASK", False)
    assert check_query("CONSTRUCT WHERE { ?s ?p ?o }").form == "CONSTRUCT"
    assert check_query("SELECT * FROM <http://g> WHERE { ?s ?p ?o }") == Checked("SELECT", True)
    assert check_query("SELECT * FROM NAMED <http://g> WHERE { GRAPH ?g { ?s ?p ?o } }").names_dataset
    assert check_query("SELECT * { SERVICE <https://query.example.org/sparql> { ?s ?p ?o } }", ALLOWED).form == "SELECT"
    assert check_update("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }").names_dataset
    with pytest.raises(SyntaxError):
        check_query("INSERT DATA { <urn:a> <urn:b> <urn:c> }")  # an update is no query


def test_nesting_hidden_in_an_iri_like_run_is_counted() -> None:
    deep = "SELECT * WHERE { FILTER(1<" + "(" * 20_000 + "1" + ")" * 20_000 + "&&2>1) }"
    with pytest.raises(Refused, match="nests"):
        prescreen(deep)
    prescreen("SELECT * WHERE { ?s <http://e.org/wiki/A_(b)> ?o }")  # a real IRI with brackets is fine


def test_data_blocks_are_read_as_plain_data_not_by_rdflib() -> None:
    """A 400-triple INSERT DATA is checked quickly; what hides behind a DATA block is still found."""
    triples = " ".join(f'<urn:s{k}> <urn:v> "v{k}" .' for k in range(400))
    assert check_update(f"DROP SILENT GRAPH <urn:g> ; INSERT DATA {{ GRAPH <urn:g> {{ {triples} }} }}").form == "UPDATE"
    for text in ['PREFIX e: <http://e/> INSERT DATA { e:a\\#b e:c e:d } ; LOAD <file:///etc/passwd>',
                 'INSERT DATA { <urn:a> <urn:b> "}" } ; LOAD <file:///etc/passwd>']:
        with pytest.raises(Refused, match="LOAD"):
            check_update(text)
    with pytest.raises((Refused, SyntaxError)):
        check_update("INSERT DATA { ?s <urn:b> <urn:c> }")  # a variable is no data


def test_verdicts_keep_the_most_recent_passes_within_a_character_budget() -> None:
    verdicts = Verdicts(budget_chars=60)
    first, second, third = ("SELECT * { ?a ?b ?c }", "SELECT * { ?d ?e ?f }", "SELECT * { ?g ?h ?i }")
    for text in (first, second):
        verdicts.put(text, ALLOWED, check_query(text, ALLOWED))
    assert verdicts.get(first, ALLOWED) == Checked("SELECT", False)  # now the most recent of the two
    assert verdicts.get(first, frozenset()) is None  # another allow-list: parsed afresh
    assert verdicts.get(first + " ", ALLOWED) is None  # one character more: another text
    verdicts.put(third, ALLOWED, check_query(third, ALLOWED))  # 63 characters: the oldest goes
    assert verdicts.get(second, ALLOWED) is None
    assert verdicts.get(first, ALLOWED) is not None and verdicts.get(third, ALLOWED) is not None
    verdicts.put("ASK {}" * 20, ALLOWED, Checked("ASK", False))  # longer than the whole budget: not kept
    assert verdicts.get("ASK {}" * 20, ALLOWED) is None
