"""A networkx view of the store for the graph API, rebuilt only when the store changes.

The projection keeps the nodes a reader browses (regions, agencies, programs,
organisations, metrics, articles, claims) and the links between them, plus each
claim as a flat row with its evidence. It is built from one pass over the
store's quads, never from source text, and keyed on the store's quad count and
graph list.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import pyoxigraph as ox

from kg.rdf.vocab import CHANGES, KG, MODALITIES, OA, PROV, QUALIFIERS, RDF, SCHEMA, SKOS, reverse

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
_QUALIFIER, _MODALITY, _CHANGE = reverse(QUALIFIERS), reverse(MODALITIES), reverse(CHANGES)
CHECK_INTERVAL = 1.0

Claim = dict[str, Any]


def local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _number(text: str | None) -> float | int | None:
    if text is None:
        return None
    value = float(text)
    return int(value) if value.is_integer() else value


@dataclass
class Projection:
    graph: nx.MultiDiGraph
    claims: dict[str, Claim] = field(default_factory=dict)

    def node(self, iri: str) -> dict[str, Any] | None:
        return self.graph.nodes[iri] if iri in self.graph else None

    def label(self, iri: str | None) -> str | None:
        if iri is None or iri not in self.graph:
            return None
        return self.graph.nodes[iri]["label"]


class _Triples:
    """Subject → predicate → objects, read once from the store."""

    def __init__(self, quads: Iterable[ox.Quad]) -> None:
        self.out: dict[str, dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]]] = defaultdict(
            lambda: defaultdict(list)
        )
        self.inverse: dict[tuple[str, str], list[str]] = defaultdict(list)
        for quad in quads:  # page graphs repeat shared nodes: each statement is kept once
            s, p, o = quad.subject, quad.predicate, quad.object
            if o not in self.out[s.value][p.value]:
                self.out[s.value][p.value].append(o)
                if isinstance(o, ox.NamedNode):
                    self.inverse[(o.value, p.value)].append(s.value)

    def first(self, s: str, p: ox.NamedNode) -> str | None:
        values = self.out.get(s, {}).get(p.value)
        return values[0].value if values else None

    def all(self, s: str, p: ox.NamedNode) -> list[str]:
        return sorted(v.value for v in self.out.get(s, {}).get(p.value, []))


def _label(t: _Triples, iri: str, kind: str) -> str:
    if kind == "article":
        return t.first(iri, SCHEMA.headline) or t.first(iri, SCHEMA.name) or local_name(iri)
    if kind == "claim":
        return t.first(iri, KG.quantityText) or " ".join(
            x for x in (t.first(iri, SCHEMA.value), t.first(iri, SCHEMA.unitText)) if x
        )
    return t.first(iri, SKOS.prefLabel) or t.first(iri, SCHEMA.name) or local_name(iri)


def _claim_row(t: _Triples, iri: str, labels: dict[str, str]) -> Claim:
    def linked(link: ox.NamedNode, text: ox.NamedNode) -> tuple[str | None, str | None]:
        target = t.first(iri, link)
        return (labels.get(target) if target else t.first(iri, text)), target

    source = t.first(iri, PROV.wasDerivedFrom)
    article_iri = source if source and KG.Article.value in t.all(source, RDF.type) else None
    evidence, start, end, page = None, None, None, None
    for annotation in t.inverse.get((iri, OA.hasBody.value), []):
        for target in t.all(annotation, OA.hasTarget):
            page = page or t.first(target, OA.hasSource)
            for selector in t.all(target, OA.hasSelector):
                evidence = evidence or t.first(selector, OA.exact)
                start = start if start is not None else _number(t.first(selector, OA.start))
                end = end if end is not None else _number(t.first(selector, OA.end))
    if page is None and article_iri:
        page = t.first(article_iri, SCHEMA.isPartOf)
    metric_iri = t.first(iri, KG.metric)
    subject, subject_iri = linked(SCHEMA.about, KG.subjectLabel)
    region, region_iri = linked(KG.region, KG.regionLabel)
    agency, agency_iri = linked(KG.agency, KG.agencyLabel)
    program, program_iri = linked(KG.program, KG.programLabel)
    return {
        "doc": t.first(page, SCHEMA.name) if page else None,
        "article": labels.get(article_iri) if article_iri else None,
        "evidence": evidence,
        "start": start,
        "end": end,
        "value": _number(t.first(iri, SCHEMA.value)),
        "unit": t.first(iri, SCHEMA.unitText),
        "qualifier": _QUALIFIER.get(t.first(iri, KG.qualifier) or "", None),
        "subject": subject,
        "region": region,
        "agency": agency,
        "program": program,
        "metric": t.first(iri, KG.metricLabel) or (labels.get(metric_iri) if metric_iri else None),
        "period": t.first(iri, SCHEMA.temporalCoverage),
        "modality": _MODALITY.get(t.first(iri, KG.modality) or "", None),
        "change": _CHANGE.get(t.first(iri, KG.change) or "", None),
        "iri": iri,
        "article_iri": article_iri,
        # Links the graph API groups by; not part of the claim shape it returns.
        "_links": {"subject": subject_iri, "region": region_iri, "agency": agency_iri, "program": program_iri,
                   "metric": metric_iri},
    }


def build_from_folder(location: str, attempts: int = 4) -> Projection:
    """Build on a read-only view of a store folder: what a query worker process runs.

    A view opened while the writer rotates its files can fail; a fresh one a moment later does not.
    """
    for attempt in range(attempts):
        try:
            return build(ox.Store.read_only(location).quads_for_pattern(None, None, None, None))
        except (OSError, RuntimeError):
            if attempt + 1 == attempts:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def build(quads: Iterable[ox.Quad]) -> Projection:
    """Read every quad once and project them."""
    t = _Triples(quads)
    graph = nx.MultiDiGraph()
    labels: dict[str, str] = {}
    for iri, props in t.out.items():
        kinds = [NODE_TYPES[c.value] for c in props.get(RDF.type.value, []) if c.value in NODE_TYPES]
        if not kinds:
            continue
        kind = kinds[0]
        labels[iri] = _label(t, iri, kind)
        graph.add_node(iri, type=kind, label=labels[iri], aliases=t.all(iri, SKOS.altLabel),
                       code=t.first(iri, SKOS.notation) if kind == "region" else None)
    for iri in list(graph.nodes):
        for predicate, objects in t.out[iri].items():
            if predicate == RDF.type.value:
                continue
            for obj in objects:
                if isinstance(obj, ox.NamedNode) and obj.value in graph and obj.value != iri:
                    graph.add_edge(iri, obj.value, key=predicate, label=local_name(predicate))
    claims = {iri: _claim_row(t, iri, labels) for iri, data in graph.nodes(data=True) if data["type"] == "claim"}
    return Projection(graph, claims)


class ProjectionCache:
    """The current projection; readers never wait for a rebuild once one exists.

    The server's own writes call `refresh()` before they answer, so a client
    reads its writes; changes made behind the server's back (another process
    writing a remote store) are noticed by the quad count and graph list,
    checked at most once per CHECK_INTERVAL, and rebuilt in the background.
    """

    def __init__(self, store: Any, builder: Callable[[], Projection] | None = None) -> None:
        self.store = store
        self._builder = builder or (lambda: build(store.quads()))
        self._build_lock = threading.Lock()
        self._key: tuple | None = None
        self._checked = 0.0
        self._projection: Projection | None = None

    def _change_key(self) -> tuple:
        return len(self.store), tuple(self.store.graphs())

    def refresh(self) -> None:
        """Rebuild now (after a write through this server)."""
        with self._build_lock:
            key = self._change_key()
            self._projection, self._key = self._builder(), key

    def _refresh_in_background(self) -> None:
        if not self._build_lock.acquire(blocking=False):
            return  # a rebuild is already running
        try:
            key = self._change_key()
            if key != self._key:
                self._projection, self._key = self._builder(), key
        finally:
            self._build_lock.release()

    def get(self) -> Projection:
        projection = self._projection
        if projection is None:
            with self._build_lock:
                if self._projection is None:
                    self._key = self._change_key()
                    self._projection = self._builder()
                return self._projection
        now = time.monotonic()
        if now - self._checked >= CHECK_INTERVAL:
            self._checked = now
            threading.Thread(target=self._refresh_in_background, daemon=True, name="projection").start()
        return projection
