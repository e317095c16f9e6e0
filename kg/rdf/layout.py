"""The store's layout: one graph per page plus one shared graph, and how it is kept tidy.

A page graph holds what the page says; the shared graph (`iris.shared_graph_iri`)
describes once the regions, agencies, programs, organisations and metrics
that pages point at. Writing a page merges its shared statements into the
shared graph; removing or replacing a page drops the shared nodes no page
refers to any more. A page refers to a shared node with `schema:mentions` or
`kg:uses` (kg.rdf.mapping writes both), so the test is two index lookups per
node. Everything here is SPARQL or plain quads, so every backend runs it.

Stores written before this layout (every page graph carrying copies of the
shared nodes, two selectors per evidence, prefix/suffix context, evidence as an
annotation node apart from its claim) are rewritten page by page by `migrate`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from kg.rdf import iris
from kg.rdf.vocab import KG, OA, RDF, SCHEMA

REFERENCES = (SCHEMA.mentions, KG.uses)
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def split(graph_iri: str, quads: Iterable[ox.Quad]) -> tuple[list[ox.Triple], list[ox.Triple]]:
    """The triples of the page graph and those of the shared graph; any other graph is refused."""
    shared = iris.shared_graph_iri()
    page: list[ox.Triple] = []
    common: list[ox.Triple] = []
    for q in quads:
        name = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else None
        if name == graph_iri:
            page.append(q.triple)
        elif name == shared and graph_iri != shared:
            common.append(q.triple)
        else:
            raise ValueError(f"quad outside graph {graph_iri}: {q}")
    return page, common


def references(triples: Iterable[ox.Triple]) -> set[str]:
    """The shared nodes a page's triples refer to."""
    return {t.object.value for t in triples
            if t.predicate in REFERENCES and isinstance(t.object, ox.NamedNode) and iris.is_shared(t.object.value)}


def references_query(graph_iri: str) -> str:
    """SELECT ?n: the shared nodes one page graph refers to."""
    graph = ox.NamedNode(graph_iri)
    union = " UNION ".join(f"{{ ?page {p} ?n }}" for p in REFERENCES)
    return f"SELECT DISTINCT ?n WHERE {{ GRAPH {graph} {{ {union} }} }}"


def drop_orphans(nodes: Iterable[str]) -> str | None:
    """A SPARQL update deleting from the shared graph the given nodes no page graph refers to; None if none."""
    chosen = sorted(set(nodes))
    if not chosen:
        return None
    values = " ".join(str(ox.NamedNode(n)) for n in chosen)
    shared = ox.NamedNode(iris.shared_graph_iri())
    unused = " ".join(f"FILTER NOT EXISTS {{ GRAPH ?g{i} {{ ?x{i} {p} ?n }} }}" for i, p in enumerate(REFERENCES))
    return (f"DELETE {{ GRAPH {shared} {{ ?n ?p ?o }} }} WHERE {{ VALUES ?n {{ {values} }} "
            f"GRAPH {shared} {{ ?n ?p ?o }} {unused} }}")


def insert_data(graph_iri: str, triples: list[ox.Triple]) -> str:
    """A SPARQL INSERT DATA putting triples into one graph (N-Triples lines are valid SPARQL data)."""
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8") if triples else ""
    return f"INSERT DATA {{ GRAPH <{graph_iri}> {{\n{body}}} }}"


# -- migration from the layout with shared nodes copied into every page graph ---------------------------------

_DROPPED = {OA.prefix.value, OA.suffix.value, OA.motivatedBy.value, KG.dimension.value}
_DROPPED_TYPES = {KG.Evidence.value, OA.SpecificResource.value}


def lean(graph_iri: str, quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """An old-layout page graph rewritten in this layout: shared nodes into the shared graph, one selector per
    evidence, no derivable context; a page already in this layout comes back unchanged."""
    page_graph, shared_graph = ox.NamedNode(graph_iri), ox.NamedNode(iris.shared_graph_iri())
    own: list[ox.Quad] = []
    common: list[ox.Quad] = []
    described: set[str] = set()
    mentioned: set[str] = set()
    page: ox.NamedNode | None = None
    for q in quads:
        s, p, o = q.subject, q.predicate, q.object
        if not isinstance(s, ox.NamedNode):
            own.append(ox.Quad(s, p, o, page_graph))
            continue
        if iris.is_shared(s.value):
            described.add(s.value)
            common.append(ox.Quad(s, p, o, shared_graph))
            continue
        if p.value in _DROPPED or (p == RDF.type and o.value in _DROPPED_TYPES):
            continue
        if s.value.endswith("#position"):  # the position selector's statements move onto the quote selector
            s = ox.NamedNode(s.value[:-len("#position")] + "#quote")
        if p == OA.hasSelector and o.value.endswith("#position"):
            continue
        if p == RDF.type and o == KG.NewspaperPage:
            page = s
        if p == SCHEMA.mentions and isinstance(o, ox.NamedNode):
            mentioned.add(o.value)
        own.append(ox.Quad(s, p, o, page_graph))
    if page is not None:
        own += [ox.Quad(page, KG.uses, ox.NamedNode(n), page_graph) for n in sorted(described - mentioned)]
    return list(dict.fromkeys(claims_annotate(own) + common))  # each quad once, in order


def claims_annotate(quads: list[ox.Quad]) -> list[ox.Quad]:
    """Evidence written as an annotation node apart from its claim (`oa:hasBody` claim, `oa:hasTarget` a target
    per claim) rewritten as the claim's own `oa:hasTarget`: the run of the page minted from the page's name and
    the selector's offsets (`iris.quote_iri`), its selector `…#selector`, so claims read from one run share it.
    A target whose page name or offsets are missing keeps its IRI; other quads pass unchanged."""
    bodies = {q.subject: (q.object, q.graph_name) for q in quads
              if q.predicate == OA.hasBody and isinstance(q.object, ox.NamedNode)}
    if not bodies:
        return quads
    props: dict[Term, dict[ox.NamedNode, list[Term]]] = defaultdict(lambda: defaultdict(list))
    for q in quads:
        props[q.subject][q.predicate].append(q.object)

    def first(node: Term, predicate: ox.NamedNode) -> str | None:
        values = [v.value for v in props[node].get(predicate, []) if not isinstance(v, ox.Triple)]
        return min(values) if values else None

    def offset(selectors: list[Term], predicate: ox.NamedNode) -> int | None:
        found = [int(v) for s in selectors if (v := first(s, predicate)) is not None and v.isdigit()]
        return min(found) if found else None

    rename: dict[Term, ox.NamedNode] = {}
    links: list[ox.Quad] = []
    for annotation, (claim, graph) in bodies.items():
        for target in props[annotation].get(OA.hasTarget, []):
            selectors = props[target].get(OA.hasSelector, [])
            page = first(target, OA.hasSource)
            doc = first(ox.NamedNode(page), SCHEMA.name) if page else None
            start, end = offset(selectors, OA.start), offset(selectors, OA.end)
            node = target
            if doc is not None and start is not None and end is not None and isinstance(target, ox.NamedNode):
                node = ox.NamedNode(iris.quote_iri(doc, start, end))
                rename[target] = node
                rename.update({s: ox.NamedNode(node.value + "#selector") for s in selectors})
            links.append(ox.Quad(claim, OA.hasTarget, node, graph))
    out = [ox.Quad(rename.get(q.subject, q.subject), q.predicate, rename.get(q.object, q.object), q.graph_name)
           for q in quads if q.subject not in bodies]
    return list(dict.fromkeys(out + links))


@dataclass
class Migration:
    graphs: int = 0  # page graphs rewritten
    quads_before: int = 0
    quads_after: int = 0


def migrate(store) -> Migration:
    """Rewrite every old-layout page graph of `store` in place (each page in one transaction), then drop
    the shared nodes nothing refers to; running it again changes nothing."""
    report = Migration()
    report.quads_before = len(store)
    shared = iris.shared_graph_iri()
    for graph in store.graphs():
        if graph == shared:
            continue
        node = ox.NamedNode(graph)
        before = list(store.quads_matching(graph=node))
        after = lean(graph, before)
        if {q for q in after if q.graph_name == node} != set(before):
            store.replace_graph(graph, after)
            report.graphs += 1
    report.quads_after = len(store)
    return report
