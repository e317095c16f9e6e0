"""The graph the API and linked-data pages browse, read from the store per request with bounded work.

Nothing is held in memory but a small index of entity names for search. Each
answer asks the store SPARQL queries written with constant terms only (IRIs
written by pyoxigraph, so a parameter never becomes query text), shaped for
Oxigraph's planner: a VALUES list is only joined with a constant predicate,
and per-node reads are unions of constant-subject patterns, in chunks. The
same queries run on the embedded store and on a remote endpoint (one round
trip per chunk). Measured on a 10 M-triple store: an index seek costs
~40 µs, a quad decoded from the Python lookup API ~10 µs, and a shared node
(region, agency, metric) repeats in every page graph that names it, so
DISTINCT and LIMIT in the engine beat Python-side scans.

In the server every one of these queries runs where /sparql's run, under the
query time limit (kg.web.executor.own_rows: a worker process killed past it,
or the endpoint's whole exchange), so no read of a busy node holds a server
thread for minutes; outside a server (the CLI, tests) the store answers them
in this process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import pyoxigraph as ox

from kg.rdf import iris as kg_iris
from kg.rdf import rows
from kg.rdf.store import EmbeddedStore, Row, Store, graph_query, matching_quads, matching_query
from kg.rdf.vocab import KG, OA, PROV, RDF, SCHEMA, SKOS, SKOSXL

NODE_TYPES = {
    KG.Region.value: "region",
    KG.Agency.value: "agency",
    KG.Program.value: "program",
    KG.Organization.value: "organization",
    KG.Metric.value: "metric",
    KG.Article.value: "article",
    KG.Claim.value: "claim",
}
ENTITY_TYPES = ("region", "agency", "program", "organization", "metric")

# Links between browsable nodes: predicate → (kinds it leaves, kinds it reaches), from the ontology's domains
# and ranges, so a neighbour's kind is known from the link that reaches it. prov:wasDerivedFrom also reaches
# pages and schema:mentions also leaves them: the first is followed only to nodes typed kg:Article, the second
# only out of articles (an entity's articles are reached through its claims; telling articles from pages
# among the subjects that mention a busy entity would cost one lookup per page).
_ENTITIES = ("region", "agency", "program", "organization")
LINK_KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    SCHEMA.containedInPlace.value: (("region",), ("region",)),
    SCHEMA.areaServed.value: (("agency", "program", "organization"), ("region",)),
    KG.region.value: (("claim",), ("region",)),
    SCHEMA.about.value: (("claim",), _ENTITIES),
    KG.agency.value: (("claim",), ("agency",)),
    KG.program.value: (("claim",), ("program",)),
    KG.metric.value: (("claim",), ("metric",)),
    PROV.wasDerivedFrom.value: (("claim",), ("article",)),
    SCHEMA.mentions.value: (("article",), (*_ENTITIES, "metric")),
}
LINKS = tuple(ox.NamedNode(p) for p in LINK_KINDS)
ONLY_OUT = {SCHEMA.mentions.value}
TYPED_TARGET = {PROV.wasDerivedFrom.value: KG.Article}
LABEL_OF = {"claim": KG.quantityText, "article": SCHEMA.headline}  # others: skos:prefLabel
CLAIM_LINKS = (SCHEMA.about, KG.region, KG.agency, KG.program, KG.metric)
LABELS = (SKOS.prefLabel, SCHEMA.headline, SCHEMA.name, KG.quantityText, SCHEMA.value, SCHEMA.unitText)
CLAIM_PROPS = (RDF.type, PROV.wasDerivedFrom, SCHEMA.value, SCHEMA.unitText, KG.quantityText, KG.qualifier,
               KG.metric, KG.metricLabel, SCHEMA.temporalCoverage, KG.modality, KG.change, SCHEMA.about,
               KG.subjectLabel, KG.region, KG.regionLabel, KG.agency, KG.agencyLabel, KG.program, KG.programLabel,
               SCHEMA.startDate, SCHEMA.endDate, OA.hasTarget)
DIRECT_PREDICATES = 8  # up to this many, a node is read by index lookups per predicate on the embedded store
FEW_PREDICATES = 4  # up to this many, a node is read by index lookups per predicate; else by one scan
CHUNK = 50  # constant-subject union branches per query: Oxigraph plans long unions slowly
INDEX_MAX_AGE = 60.0  # seconds before the search index is rebuilt in the background (writes elsewhere)

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Claim = dict[str, Any]
Props = dict[str, list[Term]]
Select = Callable[[str], list[Row]]  # a SELECT's rows in Store.query's shape


def local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def as_term(iri: str) -> ox.NamedNode | None:
    """The IRI as a term, or None when it is not a valid IRI (so it names nothing in the store)."""
    try:
        return ox.NamedNode(iri)
    except ValueError:
        return None


def _chunks(items: list[str], size: int = CHUNK) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _in(terms: Iterable[ox.NamedNode]) -> str:
    return ", ".join(str(t) for t in terms)


def _values(iris: Iterable[str]) -> str:
    return " ".join(str(ox.NamedNode(i)) for i in iris)


def _rows(store: Store, sparql: str) -> list[Row]:
    rows = store.query(sparql)
    assert isinstance(rows, list)
    return rows  # type: ignore[return-value]


@dataclass
class Info:
    """What one read of a node gives: its browsable kind, label and outgoing links."""

    iri: str
    props: Props = field(default_factory=dict)
    known: str | None = None  # the kind, when the link that reached the node tells it

    def first(self, predicate: ox.NamedNode) -> str | None:
        values = self.props.get(predicate.value)
        return min(v.value for v in values) if values else None

    def all(self, predicate: ox.NamedNode) -> list[str]:
        return sorted({v.value for v in self.props.get(predicate.value, [])})

    @property
    def kind(self) -> str | None:
        if self.known:
            return self.known
        kinds = sorted(NODE_TYPES[t] for t in self.all(RDF.type) if t in NODE_TYPES)
        return kinds[0] if kinds else None

    @property
    def label(self) -> str:
        if self.kind == "article":
            return self.first(SCHEMA.headline) or self.first(SCHEMA.name) or local_name(self.iri)
        if self.kind == "claim":
            return self.first(KG.quantityText) or " ".join(
                x for x in (self.first(SCHEMA.value), self.first(SCHEMA.unitText)) if x)
        return self.first(SKOS.prefLabel) or self.first(SCHEMA.name) or local_name(self.iri)

    def links(self) -> list[tuple[str, str]]:
        """(predicate, target) of the links this node's kind has to other browsable nodes."""
        return [(p, v.value) for p, (sources, _) in LINK_KINDS.items() if self.kind in sources
                for v in self.props.get(p, []) if isinstance(v, ox.NamedNode)]


@dataclass
class Neighbourhood:
    nodes: list[Info]
    edges: list[tuple[str, str, str]]
    total: int
    capped: bool


class GraphView:
    """Bounded reads of the store for the graph API and the linked-data pages."""

    def __init__(self, store: Store, select: Select | None = None) -> None:
        """`select` runs the view's SPARQL (the server's runs it under the query time limit); by default the
        store answers in this process."""
        self.store = store
        self.select: Select = select or (lambda sparql: _rows(store, sparql))
        self.index = EntityIndex(store, self.select)

    def search(self, query: str, limit: int) -> list[dict[str, Any]]:
        """Entities whose label, alias or region code holds `query`: exact first, then prefix, then substring,
        shorter labels first. From the store's text index (kg.rdf.labels) when it keeps one; else (a remote
        store, or while the index is rebuilt) a scan of the names this view holds."""
        hits = self.store.search_labels(query, limit)
        if hits is not None:
            return [{"iri": h.iri, "label": h.label, "type": h.kind, "code": h.code, "match": h.match} for h in hits]
        needle = query.casefold()
        found: list[tuple[tuple[int, int, str], dict[str, Any]]] = []
        for entity in self.index.entities():
            names = [("label", entity.label)] + [("alias", a) for a in entity.aliases]
            if entity.code:
                names.append(("code", entity.code))
            best: tuple[int, str] | None = None
            for match, name in names:
                text = name.casefold()
                rank = 0 if text == needle else 1 if text.startswith(needle) else 2 if needle in text else None
                if rank is not None and (best is None or rank < best[0]):
                    best = (rank, match)
            if best is not None:
                found.append(((best[0], len(entity.label), entity.iri), {
                    "iri": entity.iri, "label": entity.label, "type": entity.kind, "code": entity.code,
                    "match": best[1],
                }))
        found.sort(key=lambda item: item[0])
        return [item for _, item in found[:limit]]

    def describe(self, iris: Iterable[str], predicates: Iterable[ox.NamedNode] = (RDF.type, *LABELS, *LINKS),
                 ) -> dict[str, Info]:
        """The given properties of each node (distinct values across page graphs)."""
        wanted = sorted(set(iris))
        found = {i: Info(i) for i in wanted}
        predicates = tuple(predicates)
        if isinstance(self.store, EmbeddedStore):
            self._read_direct(found, predicates)
            return found
        if len(predicates) <= FEW_PREDICATES:
            # One index lookup per node and predicate, each IRI parsed once.
            for chunk in _chunks(wanted, 500):
                branches = " UNION ".join(f"{{ ?s {p} ?o BIND({p} AS ?p) }}" for p in predicates)
                self._add(found, f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?s {{ {_values(chunk)} }} {branches} }}")
            return found
        allowed = _in(predicates)
        for chunk in _chunks(wanted):
            # One scan per node; each branch binds its position, not its IRI, so the parser reads every IRI once.
            union = " UNION ".join(f"{{ {ox.NamedNode(i)} ?p ?o BIND({n} AS ?s) }}" for n, i in enumerate(chunk))
            for row in self.select(f"SELECT DISTINCT ?s ?p ?o WHERE {{ {union} FILTER(?p IN ({allowed})) }}"):
                s, p, o = row["s"], row["p"], row["o"]
                if s is not None and p is not None and o is not None:
                    found[chunk[int(s.value)]].props.setdefault(p.value, []).append(o)
        return found

    def _read_direct(self, found: dict[str, Info], predicates: tuple[ox.NamedNode, ...]) -> None:
        """`describe` on the embedded store: each node's statements read from its subject index range (one
        range per predicate when they are few), with no query to parse and plan; several times faster than the
        same reads as SPARQL (500 claims' 19 properties: 0.36 s against 1.0-1.5 s, measured on the 5 MB store)."""
        store = self.store.store  # type: ignore[attr-defined]
        allowed = {p.value for p in predicates}
        for iri, info in found.items():
            term = as_term(iri)
            if term is None:
                continue
            quads = (q for p in predicates for q in store.quads_for_pattern(term, p, None, None)) \
                if len(predicates) <= DIRECT_PREDICATES else store.quads_for_pattern(term, None, None, None)
            seen: set[tuple[str, Term]] = set()  # a program serves thousands of places: no list scan per value
            for q in quads:
                p, o = q.predicate.value, q.object
                if p in allowed and (p, o) not in seen:
                    seen.add((p, o))
                    info.props.setdefault(p, []).append(o)

    def quads_matching(self, subject: ox.NamedNode | None = None, predicate: ox.NamedNode | None = None,
                       obj: ox.Term | None = None, graph: ox.NamedNode | None = None) -> Iterator[ox.Quad]:
        """Store.quads_matching for the pages: the embedded store's index ranges, else its SPARQL run by `select`
        (under the time limit in the server)."""
        if isinstance(self.store, EmbeddedStore):
            return self.store.quads_matching(subject, predicate, obj, graph)
        return matching_quads(self.select(matching_query(subject, predicate, obj, graph)), subject, predicate, obj,
                              graph)

    def has_graph(self, iri: str) -> bool:
        """Store.has_graph, asked as `quads_matching` asks."""
        if isinstance(self.store, EmbeddedStore):
            return self.store.has_graph(iri)
        return bool(self.select(graph_query(iri)))

    def info(self, iri: str) -> Info | None:
        """A browsable node's kind, label, aliases, code and links; None for anything else."""
        term = as_term(iri)
        if term is None:
            return None
        found = self.describe([iri], (RDF.type, *LABELS, *LINKS, SKOS.altLabel, SKOS.notation))[iri]
        return found if found.kind else None

    def node(self, iri: str) -> Info | None:
        """A browsable node's kind and label only; None for anything else."""
        return self.read({iri: None}).get(iri) if as_term(iri) is not None else None

    def labels(self, iris: Iterable[str]) -> dict[str, str]:
        """Labels of the browsable nodes among `iris` (the shared ones' from the label index)."""
        return {i: found.label for i, found in self.named_nodes(set(iris)).items()}

    # -- neighbourhoods and paths ------------------------------------------------------------------

    @staticmethod
    def _ring_patterns(frontier: list[Info]) -> str:
        """UNION branches binding ?n to the frontier's neighbours and ?k to their kind where the link tells it;
        structural links first, so when a ring is cut its entities are kept before its claims."""
        by_kind: dict[str, list[str]] = {}
        for found in frontier:
            if found.kind:
                by_kind.setdefault(found.kind, []).append(found.iri)
        structural, claims = [], []
        for kind, iris in sorted(by_kind.items()):
            values = f"VALUES ?x {{ {_values(iris)} }}"
            for p, (sources, targets) in LINK_KINDS.items():
                predicate = ox.NamedNode(p)
                if kind in sources:
                    typed = f" . ?n {RDF.type} {TYPED_TARGET[p]}" if p in TYPED_TARGET else ""
                    known = f' BIND("{targets[0]}" AS ?k)' if len(targets) == 1 else ""
                    structural.append(f"{{ {values} ?x {predicate} ?n{typed}{known} }}")
                if kind in targets and p not in ONLY_OUT:
                    known = f' BIND("{sources[0]}" AS ?k)' if len(sources) == 1 else ""
                    (claims if sources == ("claim",) else structural).append(f"{{ {values} ?n {predicate} ?x{known} }}")
        return " UNION ".join(structural + claims)

    def _ring(self, frontier: list[Info], seen: set[str], room: int) -> tuple[dict[str, str | None], int]:
        """Up to `room` new neighbours of the frontier with their kinds when known, and how many there are."""
        patterns = self._ring_patterns(frontier)
        if not patterns:
            return {}, 0
        # No isIRI() here: it costs Oxigraph more than the lookups; links reach IRIs, the rest are dropped below.
        where = f"{{ {patterns} }} FILTER(?n NOT IN ({', '.join(str(ox.NamedNode(i)) for i in sorted(seen))}))"
        # A node reached by links of both kinds of branch (its kind bound and not) gives two rows.
        rows = self.select(f"SELECT DISTINCT ?n ?k WHERE {{ {where} }} LIMIT {2 * (room + 1)}")
        found: dict[str, str | None] = {}
        for row in rows:
            n, k = row["n"], row["k"]
            if isinstance(n, ox.NamedNode):
                found[n.value] = found.get(n.value) or (k.value if k is not None else None)
        if len(found) <= room:
            return found, len(found)
        count = self.select(f"SELECT (COUNT(DISTINCT ?n) AS ?c) WHERE {{ {where} }}")[0]["c"]
        return dict(list(found.items())[:room]), int(count.value) if count is not None else len(found)

    def read(self, kinds: dict[str, str | None]) -> dict[str, Info]:
        """Kind, label and the links among them of the given nodes, in two or three queries whatever their number:
        one VALUES list per constant predicate (Oxigraph looks each node up by index)."""
        unknown = sorted(i for i, k in kinds.items() if not k)
        if unknown:
            values = f"VALUES ?s {{ {_values(unknown)} }}"
            for row in self.select(f"SELECT DISTINCT ?s ?o WHERE {{ {values} ?s {RDF.type} ?o }}"):
                if row["s"] is not None and row["o"] is not None and row["o"].value in NODE_TYPES:
                    current = kinds.get(row["s"].value)
                    kinds[row["s"].value] = min(filter(None, (current, NODE_TYPES[row["o"].value])))
        infos = {i: Info(i, known=k) for i, k in kinds.items() if k}
        by_kind: dict[str, list[str]] = {}
        for i, info in sorted(infos.items()):
            by_kind.setdefault(info.kind or "", []).append(i)
        branches = []
        for kind, iris in sorted(by_kind.items()):
            label = LABEL_OF.get(kind, SKOS.prefLabel)
            branches.append(f"{{ VALUES ?s {{ {_values(iris)} }} ?s {label} ?o BIND({label} AS ?p) }}")
        for p, (sources, targets) in LINK_KINDS.items():
            heads = [i for kind in sources for i in by_kind.get(kind, [])]
            if heads and any(by_kind.get(kind) for kind in targets):
                branches.append(f"{{ VALUES ?s {{ {_values(heads)} }} ?s {ox.NamedNode(p)} ?o "
                                f"BIND({ox.NamedNode(p)} AS ?p) }}")
        if branches:
            self._add(infos, f"SELECT DISTINCT ?s ?p ?o WHERE {{ {' UNION '.join(branches)} }}")
        unlabelled = [i for i, info in infos.items() if not info.props.get(LABEL_OF.get(info.kind or "",
                                                                                         SKOS.prefLabel).value)]
        for i, found in self.describe(unlabelled, LABELS).items():  # rare: the other label properties
            infos[i].props.update(found.props)
        return infos

    def _add(self, infos: dict[str, Info], sparql: str) -> None:
        for row in self.select(sparql):
            s, p, o = row["s"], row["p"], row["o"]
            if s is not None and p is not None and o is not None and s.value in infos:
                infos[s.value].props.setdefault(p.value, []).append(o)

    def neighborhood(self, start: Info, depth: int, limit: int) -> Neighbourhood:
        """Nodes within `depth` links, ring by ring, ordered by (distance, iri); expansion stops at the
        ring where `limit` is reached, and `total` counts the nodes found up to that ring."""
        distance = {start.iri: 0}
        kinds: dict[str, str | None] = {start.iri: start.kind}
        frontier, total, capped = [start], 1, False
        for ring in range(1, depth + 1):
            room = limit - len(distance)
            if room <= 0:
                capped = True
                break
            chosen, found = self._ring(frontier, set(distance), room)
            total += found
            if not chosen:
                break
            kinds.update(chosen)
            for iri in chosen:
                distance[iri] = ring
            if found > room:
                capped = True
                break
            if ring < depth:
                frontier = list(self.read(dict(chosen)).values())
        infos = self.read(kinds)
        ordered = sorted((i for i in distance if i in infos), key=lambda i: (distance[i], i))
        return Neighbourhood([infos[i] for i in ordered], self.edges([infos[i] for i in ordered]), total, capped)

    @staticmethod
    def edges(nodes: list[Info]) -> list[tuple[str, str, str]]:
        """(subject, predicate, object) of every link between the given nodes."""
        chosen = {n.iri for n in nodes}
        return sorted({(n.iri, p, o) for n in nodes for p, o in n.links() if o in chosen and o != n.iri})

    def path(self, source: Info, target: Info, max_nodes: int = 5000, max_length: int = 6) -> list[Info]:
        """A shortest undirected path, explored ring by ring from `source` into a networkx graph of the links
        seen; empty when there is none within `max_length` links or the search would read more than
        `max_nodes` nodes."""
        explored = nx.Graph()
        explored.add_node(source.iri)
        infos = {source.iri: source}
        frontier = [source]
        for _ in range(max_length):
            if target.iri in explored:
                break
            room = max_nodes - explored.number_of_nodes()
            chosen, found = self._ring(frontier, set(explored), room)
            if not chosen or (found > room and target.iri not in chosen):
                return []
            described = self.describe(chosen)
            for iri, kind in chosen.items():
                described[iri].known = kind
            ring = list(described.values())
            explored.add_nodes_from(described)
            explored.add_edges_from((a.iri, b) for a in (*frontier, *ring) for _, b in a.links()
                                    if b in explored or b in described)
            infos.update(described)
            frontier = ring
        try:
            return [infos[i] for i in nx.shortest_path(explored, source.iri, target.iri)]
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            return []

    # -- claims ------------------------------------------------------------------------------------

    def claims_linked(self, iri: str, predicates: Iterable[ox.NamedNode] = CLAIM_LINKS) -> list[str]:
        """IRIs of the claims that link to `iri` by any of the predicates, sorted."""
        term = ox.NamedNode(iri)
        union = " UNION ".join(f"{{ ?c {p} {term} }}" for p in predicates)
        return sorted({r["c"].value for r in self.select(f"SELECT DISTINCT ?c WHERE {{ {union} }}")
                       if isinstance(r["c"], ox.NamedNode)})

    def claims_page(self, iri: str | None, predicates: Iterable[ox.NamedNode] = CLAIM_LINKS, limit: int = 500,
                    label: str | None = None) -> tuple[list[str], int]:
        """The first `limit` claims by IRI linking to `iri` by any of the predicates (or, with `label`, whose
        metric is only written as that text), and how many there are. The engine sorts and cuts, and counts the
        rest without returning them: a node with a million claims costs a sort and a count, not a list. A store
        that keeps summaries (kg.rdf.summaries) answers from their index of claims by node and their counts:
        `limit` keys read in order, whatever the node's number of claims."""
        summaries = self.store.summaries() if iri is not None else None
        if summaries is not None and iri is not None:
            return summaries.claims_of(iri, [p.value for p in predicates], limit)
        if iri is not None:
            term = ox.NamedNode(iri)
            union = " UNION ".join(f"{{ ?c {p} {term} }}" for p in predicates)
        else:
            union = " UNION ".join(f"{{ ?c {KG.metricLabel} {lit} }}"
                                   for lit in (ox.Literal(label or ""), ox.Literal(label or "", language="zh")))
        rows = self.select(f"SELECT DISTINCT ?c WHERE {{ {union} FILTER(isIRI(?c)) }} ORDER BY ?c LIMIT {limit + 1}")
        found = [r["c"].value for r in rows if isinstance(r["c"], ox.NamedNode)]
        if len(found) <= limit:
            return found, len(found)
        count = self.select(f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ {union} }}")[0]["n"]
        return found[:limit], int(count.value) if count is not None else len(found)

    def claim_rows(self, iris: list[str]) -> list[Claim]:
        """Flat claim rows (the shape of `kg claims --format jsonl`) for the given claims, in that order: the
        rows kept at ingest (kg.rdf.rows) when the store keeps them, one SQLite read for all; else, and for
        claims without one, read from the store. The linked nodes' labels are read at the end, once."""
        if not iris:
            return []
        summaries = self.store.summaries()
        stored = summaries.rows(iris) if summaries is not None else {}
        missing = [i for i in iris if i not in stored]
        if missing:
            stored.update(self.read_rows(missing))
        names = self.named_nodes({n for row in stored.values() for n in rows.linked(row)})
        labels = {i: n.label for i, n in names.items()}
        return [rows.finish(stored[i], labels) for i in iris]

    def read_rows(self, iris: list[str]) -> dict[str, rows.Stored]:
        """Claims' stored rows (kg.rdf.rows.make) read from the store: properties, evidence chain, article, page."""
        claims = self.describe(iris, CLAIM_PROPS)
        evidence = self._evidence(claims)
        sources = self.describe({c.first(PROV.wasDerivedFrom) for c in claims.values()} - {None},  # type: ignore
                                (RDF.type, *LABELS, SCHEMA.isPartOf))
        pages = {e["page"] for e in evidence.values() if e["page"]}
        pages |= {n.first(SCHEMA.isPartOf) for n in sources.values() if n.kind == "article"} - {None}  # type: ignore
        docs = {i: n.first(SCHEMA.name) for i, n in self.describe(pages, (SCHEMA.name,)).items()}
        made = []
        for iri in iris:
            claim, found = claims[iri], evidence.get(iri, {})
            source = claim.first(PROV.wasDerivedFrom)
            article = sources.get(source) if source else None
            chosen = (article.iri, article.label) if article and article.kind == "article" else None
            page = found.get("page") or (article.first(SCHEMA.isPartOf) if chosen and article else None)
            made.append((iri, claim, found, chosen, page, docs.get(page) if page else None))
        # The names a page gives its nodes are SKOS-XL labels named after the page and the node (kg.rdf.mapping).
        spelt = {(doc, node): kg_iris.label_iri(doc, node) for _, claim, *_, doc in made if doc
                 for link in rows.LINKED.values() for node in claim.all(link[0])}
        forms = self.describe(set(spelt.values()), (SKOSXL.literalForm,))
        written: dict[str, dict[str, str]] = {}  # doc → node → the name the page gives it
        for (doc, node), label in spelt.items():
            if (form := forms[label].first(SKOSXL.literalForm)) is not None:
                written.setdefault(doc, {})[node] = form
        return {iri: rows.make(iri, claim.props, found, chosen, page, doc, written.get(doc or ""))
                for iri, claim, found, chosen, page, doc in made}

    def named_nodes(self, iris: set[str]) -> dict[str, Info]:
        """Kind and label of the browsable nodes among `iris`: the shared ones (regions, agencies, programs,
        metrics) from the store's text index of their names, one SQLite read for all (thousands in milliseconds,
        where `read` takes a second); the rest from the store."""
        named = self.store.shared_labels(iris) or {}
        found = {i: Info(i, {SKOS.prefLabel.value: [ox.Literal(label)]}, known=kind)
                 for i, (kind, label) in named.items()}
        rest = self.describe(iris - set(found), (RDF.type, *LABELS))
        return found | {i: n for i, n in rest.items() if n.kind}

    def _evidence(self, claims: dict[str, Info]) -> dict[str, dict[str, Any]]:
        """Each claim's evidence quote, offsets and page, through the run of the page it annotates (its
        `oa:hasTarget`), read level by level (a join of the whole chain leads Oxigraph's planner to scan every
        target)."""
        targets = self.describe({t for c in claims.values() for t in c.all(OA.hasTarget)},
                                (OA.hasSource, OA.hasSelector))
        selectors = self.describe({s for t in targets.values() for s in t.all(OA.hasSelector)},
                                  (OA.exact, OA.start, OA.end))
        found: dict[str, dict[str, Any]] = {}
        for claim, node in claims.items():
            if not node.all(OA.hasTarget):
                continue
            entry: dict[str, Any] = {"page": None, "exact": None, "start": None, "end": None}
            for target in (targets[t] for t in node.all(OA.hasTarget) if t in targets):
                entry["page"] = entry["page"] or target.first(OA.hasSource)
                for selector in (selectors[s] for s in target.all(OA.hasSelector) if s in selectors):
                    for key, predicate in (("exact", OA.exact), ("start", OA.start), ("end", OA.end)):
                        if entry[key] is None:
                            entry[key] = selector.first(predicate)
            found[claim] = entry
        return found

    def metric_named(self, name: str) -> str | None:
        """The metric node with this IRI, preferred label or alias."""
        term = as_term(name)
        if term is not None and self.describe([name], (RDF.type,))[name].kind == "metric":
            return name
        literals = [ox.Literal(name), ox.Literal(name, language="zh")]
        union = " UNION ".join(f"{{ ?m {p} {lit} }}" for p in (SKOS.prefLabel, SKOS.altLabel) for lit in literals)
        rows = self.select(f"SELECT DISTINCT ?m WHERE {{ {union} ?m {RDF.type} {KG.Metric} }} LIMIT 1")
        return rows[0]["m"].value if rows and rows[0]["m"] is not None else None


@dataclass
class Entity:
    iri: str
    kind: str
    label: str
    aliases: list[str]
    code: str | None


class EntityIndex:
    """Names of the entity nodes (regions, agencies, programs, organisations, metrics; never claims).

    Built from a few scans the engine deduplicates; dropped when this server writes (`changed`). A remote
    store may be written behind the server's back: there the index is rebuilt in the background once
    older than INDEX_MAX_AGE (an embedded store's folder is locked to this server).
    """

    def __init__(self, store: Store, select: Select) -> None:
        self.store = store
        self.select = select
        self._max_age = float("inf") if isinstance(store, EmbeddedStore) else INDEX_MAX_AGE
        self._lock = threading.Lock()
        self._entities: list[Entity] | None = None
        self._built = 0.0
        self._rebuilding = False
        self._generation = 0  # bumped by each write, so a rebuild begun before it is not installed

    def _pairs(self, sparql: str) -> dict[str, list[str]]:
        rows = self.select(sparql)
        out: dict[str, list[str]] = {}
        for row in rows:
            if row["e"] is not None and row["v"] is not None:
                out.setdefault(row["e"].value, []).append(row["v"].value)
        return out

    def _build(self) -> list[Entity]:
        classes = " ".join(str(ox.NamedNode(c)) for c, kind in NODE_TYPES.items() if kind in ENTITY_TYPES)
        types = self._pairs(f"SELECT DISTINCT ?e ?v WHERE {{ VALUES ?v {{ {classes} }} ?e {RDF.type} ?v }}")
        names = {p: self._pairs(f"SELECT DISTINCT ?e ?v WHERE {{ ?e {p} ?v }}")
                 for p in (SKOS.prefLabel, SKOS.altLabel, SKOS.notation, SCHEMA.name)}
        entities = []
        for iri, classes_of in types.items():
            kind = sorted(NODE_TYPES[c] for c in classes_of)[0]
            label = min(names[SKOS.prefLabel].get(iri) or names[SCHEMA.name].get(iri) or [local_name(iri)])
            codes = names[SKOS.notation].get(iri)
            entities.append(Entity(iri, kind, label, sorted(set(names[SKOS.altLabel].get(iri, []))),
                                   min(codes) if codes and kind == "region" else None))
        return entities

    def changed(self) -> None:
        """This server wrote: the next search reads the new names."""
        with self._lock:
            self._entities = None
            self._generation += 1

    def _rebuild(self) -> None:
        generation = self._generation
        try:
            entities = self._build()
            with self._lock:
                if generation == self._generation:
                    self._entities, self._built = entities, time.monotonic()
        finally:
            self._rebuilding = False

    def entities(self) -> list[Entity]:
        with self._lock:
            current = self._entities
            stale = time.monotonic() - self._built > self._max_age
            if current is not None and stale and not self._rebuilding:
                self._rebuilding = True
                threading.Thread(target=self._rebuild, daemon=True, name="entity-index").start()
        if current is not None:
            return current
        generation = self._generation
        entities = self._build()
        with self._lock:
            if generation == self._generation:
                self._entities, self._built = entities, time.monotonic()
        return entities
