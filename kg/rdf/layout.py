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
annotation node apart from its claim, a shared node with one skos:prefLabel per
page wording) are rewritten page by page by `migrate`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from kg.rdf import iris
from kg.rdf.vocab import KG, OA, RDF, SCHEMA, SKOS, SKOSXL

REFERENCES = (SCHEMA.mentions, KG.uses)
# The one statement about a shared node a page graph holds: the page's own name of it (kg.rdf.mapping).
PAGE_NAME = SKOSXL.altLabel
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


def describes(triple: ox.Triple | ox.Quad) -> bool:
    """Whether a page graph's statement describes a shared node (a copy the shared graph should hold), not
    merely names it as the page does (`PAGE_NAME`)."""
    return (isinstance(triple.subject, ox.NamedNode) and iris.is_shared(triple.subject.value)
            and triple.predicate != PAGE_NAME)


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
        if describes(q):
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


# -- migration from several preferred labels per shared node (one per page wording) to one ---------------------


def one_name(labels: dict[str, set[ox.Literal]]) -> dict[str, ox.Literal]:
    """The one preferred label of each node among `labels` (node → its skos:prefLabel values, one language)
    that has another or more: the name its key carries, as the mapping now writes it (`iris.key_name`); for a
    node keyed by a code alone, the longest name (an official full name over a short form), ties by text."""
    chosen: dict[str, ox.Literal] = {}
    for node, found in labels.items():
        key = iris.node_key(node)
        name = iris.key_name(*key) if key else None
        if name is not None:
            language = min(found, key=str).language
            label = ox.Literal(name, language=language) if language else ox.Literal(name)
        else:
            label = min(found, key=lambda literal: (-len(literal.value), literal.value))
        if found != {label}:
            chosen[node] = label
    return chosen


def places(store, nodes: Iterable[str], labels: dict[str, set[ox.Literal]]) -> dict[str, tuple[str, list[str]]]:
    """For each node serving a region (`schema:areaServed`): the region's official name (its longest preferred
    label) and the forms a page may write it in, its alternative labels and its level character ("省", "市")."""
    out: dict[str, tuple[str, list[str]]] = {}
    for node in nodes:
        for q in store.quads_matching(ox.NamedNode(node), SCHEMA.areaServed, None, None):
            region = q.object.value
            if not labels.get(region):
                continue
            official = min(labels[region], key=lambda literal: (-len(literal.value), literal.value)).value
            short = sorted({a.object.value for a in store.quads_matching(q.object, SKOS.altLabel, None, None)})
            out[node] = (official, [*short, official[-1]])
            break
    return out


def _holds(text: str, name: str, place: tuple[str, list[str]] | None) -> bool:
    """Whether a page's text holds a name as the extractor reads it: verbatim, or, for a body named after its
    region's official name, after a shorter form of the place ("市医保局" read as "常德市医保局")."""
    if name in text:
        return True
    if place is None or not name.startswith(place[0]) or len(name) == len(place[0]):
        return False
    body = name[len(place[0]):]
    return any(form + body in text for form in place[1])


def _page_names(graph_iri: str, quads: list[ox.Quad], chosen: dict[str, ox.Literal],
                labels: dict[str, set[ox.Literal]], where: dict[str, tuple[str, list[str]]]) -> list[ox.Quad]:
    """The SKOS-XL labels (`PAGE_NAME`) of the names one page gives the nodes it refers to whose preferred label
    `migrate` changes, where the name is not the new preferred label. The page's name is its own copy of the
    node's label in an old-layout graph; else the only label the node had; else, among the node's labels, the
    one the page's text holds (`_holds`; the preferred one first, then the longest: the extractor ranks a full
    name over a shorter form); else none is written and the page's rows show the preferred label. A page that already
    names the node so keeps its label."""
    own = {q.subject.value: q.object for q in quads
           if q.predicate == SKOS.prefLabel and isinstance(q.object, ox.Literal) and describes(q)}
    named = {q.subject.value for q in quads if q.predicate == PAGE_NAME}  # written by the mapping of today
    nodes = sorted(({q.object.value for q in quads if q.predicate in REFERENCES} & chosen.keys()) - named)
    doc = next((q.object.value for q in quads if q.predicate == SCHEMA.name and q.subject.value.startswith(
        f"{iris.base()}page/") and isinstance(q.object, ox.Literal)), None)
    if not nodes or doc is None:
        return []
    text = "\n".join("".join(q.object.value.split()) for q in quads  # OCR spaces out, articles apart
                      if q.predicate in (SCHEMA.articleBody, SCHEMA.headline))
    out: list[ox.Quad] = []
    for node in nodes:
        preferred, found = chosen[node], labels[node]
        name = own.get(node) or (next(iter(found)) if len(found) == 1 else None)
        if name is None:
            held = [label for label in found if _holds(text, label.value, where.get(node))]
            name = preferred if _holds(text, preferred.value, where.get(node)) else \
                min(held, key=lambda literal: (-len(literal.value), literal.value), default=None)
        if name is not None and name != preferred:
            label = ox.NamedNode(iris.label_iri(doc, node))
            graph = ox.NamedNode(graph_iri)
            out += [ox.Quad(ox.NamedNode(node), PAGE_NAME, label, graph),
                    ox.Quad(label, SKOSXL.literalForm, name, graph)]
    return out


def _renamed(chosen: dict[str, ox.Literal], labels: dict[str, set[ox.Literal]]) -> Iterator[str]:
    """SPARQL updates of the shared graph, a bounded number of nodes each, after which each chosen node keeps
    one preferred label and its other names are alternative labels (never both for one name: SKOS S13)."""
    nodes = sorted(chosen)
    for start in range(0, len(nodes), 2000):
        delete: list[ox.Triple] = []
        insert: list[ox.Triple] = []
        for node in nodes[start:start + 2000]:
            subject, preferred = ox.NamedNode(node), chosen[node]
            delete += [ox.Triple(subject, SKOS.prefLabel, label) for label in labels[node] if label != preferred]
            delete.append(ox.Triple(subject, SKOS.altLabel, preferred))
            insert.append(ox.Triple(subject, SKOS.prefLabel, preferred))
            insert += [ox.Triple(subject, SKOS.altLabel, label) for label in labels[node] if label != preferred]
        yield f"{_data('DELETE', delete)} ;\n{_data('INSERT', insert)}"


def _data(verb: str, triples: list[ox.Triple]) -> str:
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    return f"{verb} DATA {{ GRAPH {ox.NamedNode(iris.shared_graph_iri())} {{\n{body}}} }}"


@dataclass
class Migration:
    graphs: int = 0  # page graphs rewritten
    quads_before: int = 0
    quads_after: int = 0
    renamed: int = 0  # shared nodes left with one preferred label


def migrate(store) -> Migration:
    """Rewrite every old-layout page graph of `store` in place (each page in one transaction), then give each
    shared node one preferred label, then drop the shared nodes nothing refers to; running it again changes
    nothing."""
    report = Migration()
    report.quads_before = len(store)
    shared = iris.shared_graph_iri()
    labels: dict[str, set[ox.Literal]] = defaultdict(set)
    for q in store.quads_matching(predicate=SKOS.prefLabel):
        if isinstance(q.subject, ox.NamedNode) and iris.is_shared(q.subject.value) \
                and isinstance(q.object, ox.Literal):
            labels[q.subject.value].add(q.object)
    chosen = one_name(labels)
    where = places(store, chosen, labels)
    for graph in store.graphs():
        if graph == shared:
            continue
        node = ox.NamedNode(graph)
        before = list(store.quads_matching(graph=node))
        after = lean(graph, before)
        after += _page_names(graph, before, chosen, labels, where)
        if {q for q in after if q.graph_name == node} != set(before):
            store.replace_graph(graph, after)
            report.graphs += 1
    for update in _renamed(chosen, labels):
        store.update(update)
    report.renamed = len(chosen)
    report.quads_after = len(store)
    return report
