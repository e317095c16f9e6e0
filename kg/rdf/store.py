"""The quad store behind the service: embedded Oxigraph on disk or a remote SPARQL endpoint.

Both backends offer the same methods, so the CLI and the web layer never care
which one they hold. In queries the default graph is the union of all page
graphs unless the caller names graphs. Results of `query`:

* SELECT → ``list[dict[str, Term | None]]``: one dict per solution, every
  projected variable present, unbound ones as None, values pyoxigraph terms
  (``NamedNode``, ``Literal``, ``BlankNode``);
* ASK → ``bool``;
* CONSTRUCT / DESCRIBE → ``list[pyoxigraph.Triple]``.
"""

from __future__ import annotations

import gc
import io
import logging
import os
import queue
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kg.rdf import heap, iris, layout
from kg.rdf.labels import FILE_NAME, KINDS, LabelIndex
from kg.rdf.summaries import Summaries, records, store_records
from kg.rdf.vocab import RDF

Row = dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | None]
QueryResult = list[Row] | bool | list[ox.Triple]

RESULTS_FORMATS = [ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML, ox.QueryResultsFormat.CSV,
                   ox.QueryResultsFormat.TSV]
# Quads `add_pages` hands to one bulk load. The loader holds a segment in memory, ~1.1 kB of RSS a quad: at
# 1 M quads the writer peaked at 1.27 GB, at 500 k at 0.73 GB (bench/RESULTS.md, "Ingest memory"), leaving
# room for two extraction workers under the 2 GB the ingest may use. Every further load into a non-empty store
# is merged by RocksDB compaction, whose output is not compressed: fewer, larger loads leave a smaller store
# (which matters for a small ingest; a large one makes hundreds of loads either way), and `kg compact` makes
# it one load.
SEGMENT_QUADS = 500_000
# In the store's folder while an ingest's labels and claim figures lag behind its loads (EmbeddedStore.add_pages).
UNINDEXED = "kg-unindexed"
Committed = Callable[[list[str]], None]
# What `Store.index_state` says of the label index and summaries (None: the backend keeps none).
READY, REBUILDING, STALE, FAILED = "ready", "rebuilding", "stale", "failed"

log = logging.getLogger(__name__)

GRAPH_FORMATS = [ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.JSON_LD, ox.RdfFormat.RDF_XML,
                 ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG]


def negotiate(accept: str | None, offered: list):
    """The first offered format the Accept header admits (header order, then ours); else our first."""
    if accept:
        for item in accept.split(","):
            media = item.split(";")[0].strip().lower()
            if media in ("*/*", "application/*", "text/*", ""):
                continue
            for fmt in offered:
                if fmt.media_type.split(";")[0] == media:
                    return fmt
            if media == "application/json":
                for fmt in offered:
                    if fmt.media_type.endswith("+json") or fmt.media_type == "application/ld+json":
                        return fmt
    return offered[0]


def to_result(results: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> QueryResult:
    """Materialise pyoxigraph results in the documented Python shape."""
    if isinstance(results, ox.QueryBoolean):
        return bool(results)
    if isinstance(results, ox.QuerySolutions):
        names = [v.value for v in results.variables]
        return [{name: solution[name] for name in names} for solution in results]
    return list(results)


def matching_query(subject: ox.NamedNode | None, predicate: ox.NamedNode | None, obj: ox.Term | None,
                   graph: ox.NamedNode | None) -> str:
    """The SELECT of the named graphs' quads matching the given terms (None matches anything)."""
    pattern = " ".join(str(term if term is not None else ox.Variable(name))
                       for term, name in ((subject, "s"), (predicate, "p"), (obj, "o")))
    return f"SELECT * WHERE {{ GRAPH {graph if graph is not None else ox.Variable('g')} {{ {pattern} }} }}"


def matching_quads(rows: list[Row], subject: ox.NamedNode | None, predicate: ox.NamedNode | None,
                   obj: ox.Term | None, graph: ox.NamedNode | None) -> Iterator[ox.Quad]:
    """The quads of `matching_query`'s rows."""
    for row in rows:
        yield ox.Quad(subject if subject is not None else row["s"],
                      predicate if predicate is not None else row["p"],
                      obj if obj is not None else row["o"],
                      graph if graph is not None else row["g"])


def graph_query(graph_iri: str) -> str:
    """A SELECT with a row when the named graph holds anything, none otherwise."""
    return f"SELECT ?s WHERE {{ GRAPH {ox.NamedNode(graph_iri)} {{ ?s ?p ?o }} }} LIMIT 1"


def serialize_results(results: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples,
                      accept: str | None) -> tuple[str, bytes]:
    """Serialise query results in the format the Accept header asks for."""
    if isinstance(results, ox.QueryTriples):
        fmt = negotiate(accept, [f for f in GRAPH_FORMATS if not f.supports_datasets])
        return fmt.media_type, results.serialize(format=fmt)
    fmt = negotiate(accept, RESULTS_FORMATS)
    return fmt.media_type, results.serialize(format=fmt)




class Store(ABC):
    """What every backend offers; see the module docstring for the result shapes."""

    @abstractmethod
    def replace_graph(self, graph_iri: str, quads: Iterable[ox.Quad]) -> None:
        """Drop the graph and insert the new quads; quads in the shared graph are merged into it, and the
        shared nodes only the old page referred to are dropped (kg.rdf.layout)."""

    @abstractmethod
    def remove_graph(self, graph_iri: str) -> bool:
        """Delete one named graph and the shared nodes only it referred to; False when there was none."""

    def add_pages(self, pages: Iterable, segment_quads: int = SEGMENT_QUADS,
                  committed: Committed | None = None) -> None:
        """Write a stream of pages (kg.ingest.PageQuads: a page's N-Quads and its shared statements), each as
        replace_graph would, telling `committed` the graphs stored so far; backends with a bulk path override this
        and load `segment_quads` at a time."""
        for page in pages:
            self.replace_graph(page.graph, page.quads())
            if committed:
                committed([page.graph])

    def optimize(self) -> None:
        """Compact storage after a large write, so readers do not replay a long log (a server compacts its own)."""
        return None

    def search_labels(self, query: str, limit: int = 20) -> list | None:
        """Shared nodes whose names hold `query` from a text index (kg.rdf.labels.Hit); None when the
        backend keeps no index, and the caller scans labels with SPARQL."""
        return None

    def shared_labels(self, iris: Iterable[str]) -> dict[str, tuple[str, str]] | None:
        """(kind, label) of the shared nodes among `iris` from the text index's names (kg.rdf.labels.LabelIndex.named);
        None when the backend keeps no index."""
        return None

    def summaries(self) -> Summaries | None:
        """The claim figures kept at ingest (kg.rdf.summaries); None when the backend keeps none or they are not
        up to date, and the caller aggregates with SPARQL."""
        return None

    def ready(self, wait: bool = False) -> bool:
        """Whether the label index and summaries a backend keeps are up to date (True when it keeps none)."""
        return True

    def index_state(self) -> str | None:
        """READY, REBUILDING, STALE or FAILED for the label index and summaries; None when the backend keeps none."""
        return None

    def _references(self, graph_iri: str) -> set[str]:
        rows = self.query(layout.references_query(graph_iri), default_graph=[])
        assert isinstance(rows, list)
        return {r["n"].value for r in rows if isinstance(r["n"], ox.NamedNode)}

    @abstractmethod
    def graphs(self) -> list[str]:
        """Names of all named graphs, sorted."""

    @abstractmethod
    def query(self, sparql: str, *, default_graph: list[str] | None = None,
              named_graphs: list[str] | None = None) -> QueryResult:
        """Run a SPARQL query; the default graph is the union of all graphs unless given."""

    @abstractmethod
    def query_raw(self, sparql: str, accept: str | None = None, *, default_graph: list[str] | None = None,
                  named_graphs: list[str] | None = None) -> tuple[str, bytes]:
        """Run a query and serialise its results for HTTP: (content type, body)."""

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update."""

    @abstractmethod
    def bulk_add(self, quads: Iterable[ox.Quad]) -> None:
        """Add many quads fast, without replacing graphs (fresh loads, benchmarks)."""

    def load_nquads(self, path: str | Path) -> None:
        """Bulk-add an N-Quads file (not one transaction, like bulk_add)."""
        self.bulk_add(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))

    @abstractmethod
    def quads(self) -> Iterator[ox.Quad]:
        """Every quad, streamed, grouped by graph."""

    @abstractmethod
    def __len__(self) -> int:
        """Number of quads in all graphs."""

    @abstractmethod
    def close(self) -> None:
        """Release the store (files, connections)."""

    def quads_matching(self, subject: ox.NamedNode | None = None, predicate: ox.NamedNode | None = None,
                       obj: ox.Term | None = None, graph: ox.NamedNode | None = None) -> Iterator[ox.Quad]:
        """Quads of the named graphs that match the given terms (None matches anything).

        Asked in SPARQL (`matching_query`) so every backend answers; the terms are written by pyoxigraph,
        never pasted from text.
        """
        rows = self.query(matching_query(subject, predicate, obj, graph), default_graph=[])
        assert isinstance(rows, list)
        yield from matching_quads(rows, subject, predicate, obj, graph)

    def has_graph(self, graph_iri: str) -> bool:
        """Whether a named graph with this name holds anything."""
        return bool(self.query(graph_query(graph_iri), default_graph=[]))

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads to whatever graphs they name, all or nothing (Graph Store POST)."""
        self.bulk_add(quads)

    def export(self, fmt: str, out: BinaryIO) -> None:
        """Stream the store to a binary stream in turtle, ntriples, nquads, trig or jsonld."""
        from kg.rdf.export import export

        export(self.quads(), fmt, out)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class EmbeddedStore(Store):
    """A persistent pyoxigraph (RocksDB) store in a folder.

    `version` counts the writes made through this handle, so readers that keep
    a read-only view of the folder (the web service's query workers) know when
    to open a fresh one. With `flush_writes` (the web service sets it) each
    write is flushed from the write-ahead log to table files at once: a view
    opened later replays no log, so it opens in milliseconds however much was
    written before.
    """

    def __init__(self, path: str | Path) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)
        self.path = Path(path)
        self._store: ox.Store | None = ox.Store(str(path))
        indexed = (self.path / FILE_NAME).exists()
        self.labels = LabelIndex(self.path / FILE_NAME)
        self._summaries = Summaries(self.path / FILE_NAME)
        self._rebuild_lock = threading.Lock()  # one rebuild at a time, in the background or for a caller that waits
        self._state_lock = threading.Lock()  # guards starting the rebuilder and closing
        self._rebuilder: threading.Thread | None = None
        # Rebuilds of each side begun plus ended (odd while one runs): a write that sees it change overlapped one.
        self._rebuilds = {"labels": 0, "summaries": 0}
        self._failure: BaseException | None = None  # what stopped the last background rebuild
        self._closing = False
        if next(self._store.quads_for_pattern(None, None, None, None), None) is not None:
            # A store written by other means (bulk_load, an older kg): index and count in the background (`ready`).
            if not indexed:
                self.labels.mark_stale()
            if self._summaries.created:
                self._summaries.mark_stale()
        if (self.path / UNINDEXED).exists():
            # An ingest stopped before its labels and figures caught up with its loads: count and index anew.
            self.labels.mark_stale()
            self._summaries.mark_stale()
            (self.path / UNINDEXED).unlink()
        self.version = 0
        self.flush_writes = False

    @property
    def store(self) -> ox.Store:
        if self._store is None:
            raise ValueError(f"{self.path}: store is closed")
        return self._store

    def _written(self) -> None:
        """Count a write once it is done: a view opened after this sees it."""
        if self.flush_writes:
            self.store.flush()
        self.version += 1

    def _refs_in(self, graph: ox.NamedNode) -> set[str]:
        return layout.references(q.triple for p in layout.REFERENCES
                                 for q in self.store.quads_for_pattern(None, p, None, graph))

    def _reindex(self, nodes: set[str]) -> None:
        """Index these shared nodes' names anew from the store: a write dropped or renamed some of them."""
        self.labels.remove(nodes)
        self.labels.add(q for n in nodes for q in self.store.quads_for_pattern(ox.NamedNode(n), None, None, None))

    @staticmethod
    def _described(triples: Iterable[ox.Triple]) -> set[str]:
        """Shared nodes a page graph itself describes: not this layout, but a graph another tool may PUT."""
        return {t.subject.value for t in triples if layout.describes(t)}

    @contextmanager
    def _tracked(self) -> Iterator[None]:
        """Around a write that keeps the label index and summaries itself: a rebuild running at any moment of it
        may have read the store before the write and then overwrite what the write indexed, so the side it
        rebuilt is marked stale after the write (a later generation: that rebuild does not clear it)."""
        seen = dict(self._rebuilds)
        try:
            yield
        finally:
            for side, count in seen.items():
                if count % 2 or self._rebuilds[side] != count:
                    (self.labels if side == "labels" else self._summaries).mark_stale()
                    self._start()

    def replace_graph(self, graph_iri: str, quads: Iterable[ox.Quad]) -> None:
        with self._tracked():
            self._replace_graph(graph_iri, quads)

    def _replace_graph(self, graph_iri: str, quads: Iterable[ox.Quad]) -> None:
        triples, shared = layout.split(graph_iri, quads)
        node = ox.NamedNode(graph_iri)
        shared_node = ox.NamedNode(iris.shared_graph_iri())
        current = {q.triple for q in self.store.quads_for_pattern(None, None, None, node)}
        new_shared = [ox.Quad(t.subject, t.predicate, t.object, shared_node) for t in shared]
        new_shared = [q for q in new_shared if q not in self.store]
        if not current:
            # A new page: `extend` is one transaction too, and twice as fast as a SPARQL update.
            self.store.extend([ox.Quad(t.subject, t.predicate, t.object, node) for t in triples] + new_shared)
            self._written()
            described = self._described(triples)
            self.labels.add(new_shared + [t for t in triples if t.subject.value in described])
            self._summaries.add(graph_iri, records(triples))
            return
        if current == set(triples) and not new_shared:
            return
        dropped = layout.references(current) - layout.references(triples)
        steps = [f"DROP SILENT GRAPH <{graph_iri}>", layout.insert_data(graph_iri, triples)]
        if new_shared:
            steps.append(layout.insert_data(shared_node.value, [q.triple for q in new_shared]))
        orphans = layout.drop_orphans(dropped)
        if orphans:
            steps.append(orphans)
        # One SPARQL update is one transaction: no reader sees the page half-replaced.
        self.store.update(" ;\n".join(steps))
        self._written()
        self.labels.add(new_shared)
        self._reindex(dropped | self._described(current) | self._described(triples))
        self._summaries.add(graph_iri, records(triples))

    def remove_graph(self, graph_iri: str) -> bool:
        with self._tracked():
            return self._remove_graph(graph_iri)

    def _remove_graph(self, graph_iri: str) -> bool:
        node = ox.NamedNode(graph_iri)
        if not self.store.contains_named_graph(node):
            return False
        refs = self._refs_in(node)
        described = {q.subject.value for kind in KINDS
                     for q in self.store.quads_for_pattern(None, RDF.type, ox.NamedNode(kind), node)}
        orphans = layout.drop_orphans(refs)
        if orphans:
            self.store.update(f"DROP SILENT GRAPH <{graph_iri}> ;\n{orphans}")
        else:
            self.store.remove_graph(node)
        self._written()
        self._reindex(refs | described)
        self._summaries.remove(graph_iri)
        return True

    def add_pages(self, pages: Iterable, segment_quads: int = SEGMENT_QUADS,
                  committed: Committed | None = None) -> None:
        """New pages stream into the bulk loader, one load per segment of about `segment_quads` (SEGMENT_QUADS),
        parsed in Rust from the pages' N-Quads bytes, so memory holds one page's bytes, not a segment's. A load
        is no transaction: an interrupted one is redone by ingesting again, which replaces. A page whose graph is
        already stored (or already in the segment) ends the segment and is replaced on its own, which the loader
        cannot do. The bytes are the mapping's (kg.ingest.map_page), so they name only the page and shared graphs.

        The pages' labels and claim figures are written by an `_Indexer` thread while the loader reads on, not
        after each load. Until both have caught up, a file `UNINDEXED` in the store's folder says so: a process
        stopped before then leaves it, and the next open marks the label index and summaries stale, so they are
        rebuilt from the store (`ready`; no page stays stored without its labels and figures)."""
        with self._tracked():
            self._add_pages(pages, segment_quads, committed)

    def _add_pages(self, pages: Iterable, segment_quads: int, committed: Committed | None) -> None:
        stream = iter(pages)
        page = next(stream, None)
        if page is None:
            return
        marker = self.path / UNINDEXED
        _durably_create(marker)
        indexer = _Indexer(self.labels, self._summaries)
        try:
            while page is not None:
                if self.store.contains_named_graph(ox.NamedNode(page.graph)):
                    indexer.wait()  # a replacement reads and rewrites what the indexer may still be writing
                    self.replace_graph(page.graph, page.quads())
                    if committed:
                        committed([page.graph])
                    page = next(stream, None)
                    continue
                segment = _Segment(page, stream, segment_quads, self.store, indexer.put)
                try:
                    # Lenient: the bytes are pyoxigraph's own serialisation of terms it checked when the worker made
                    # them (kg.ingest.map_page), so checking every IRI again only cost the loader a fifth of its CPU.
                    self.store.bulk_load(segment, format=ox.RdfFormat.N_QUADS, lenient=True)
                finally:
                    self._written()
                    heap.give_back()  # the loader's freed buffers, else kept mapped and counted in RSS
                if committed:
                    committed([done.graph for done in segment.loaded])
                page = segment.stopped_at or next(stream, None)
            indexer.close()
        except BaseException:
            indexer.abandon()
            self.labels.mark_stale()  # this process reads on: rebuilt after its next read, not only at the next open
            self._summaries.mark_stale()
            raise
        marker.unlink()

    def optimize(self) -> None:
        self.store.flush()
        self.store.optimize()

    def rebuild_labels(self) -> None:
        """Index the shared nodes' names anew, in this thread, after a rebuild already running (kg migrate)."""
        with self._rebuild_lock:
            self._rebuild("labels")

    def rebuild_summaries(self) -> None:
        """Count every page's claims anew, in this thread, after a rebuild already running (kg migrate)."""
        with self._rebuild_lock:
            self._rebuild("summaries")

    def _rebuild(self, side: str) -> bool:
        """Rebuild one side from the store (the caller holds the rebuild lock); whether it is then up to date,
        not marked stale again by a write meanwhile. Counted in `_rebuilds` before it reads the store."""
        self._rebuilds[side] += 1
        try:
            if side == "labels":
                return self.labels.rebuild(self._unless_closing(self._name_quads()))
            return self._summaries.rebuild(self._unless_closing(self._page_records()))
        finally:
            self._rebuilds[side] += 1

    def _name_quads(self) -> Iterator[ox.Quad]:
        """The shared nodes' types and names, read by predicate from every graph, so a store not yet migrated
        (names copied into page graphs) is indexed too."""
        from kg.rdf.labels import NAME_PREDICATES

        for kind in KINDS:
            yield from self.store.quads_for_pattern(None, RDF.type, ox.NamedNode(kind), None)
        for p in NAME_PREDICATES:
            yield from (q for q in self.store.quads_for_pattern(None, p, None, None) if iris.is_shared(q.subject.value))

    def _page_records(self) -> Iterator[tuple[str, list]]:
        """Every page graph's claim records, graph by graph (the store is read only once this is first asked)."""
        shared = iris.shared_graph_iri()
        for g in self.store.named_graphs():
            if isinstance(g, ox.NamedNode) and g.value != shared:
                yield g.value, store_records(self.store, g)

    def _unless_closing(self, items: Iterator) -> Iterator:
        """The items, until the store is being closed: then a rebuild stops and its side stays stale."""
        for item in items:
            if self._closing:
                raise _Closing(self.path)
            yield item

    def _stale_side(self) -> str | None:
        """The side to rebuild first: the label index (the summaries' labels are its names), then the summaries."""
        if self.labels.stale:
            return "labels"
        return "summaries" if self._summaries.stale else None

    def _catch_up(self, logged: bool = False) -> None:
        """Rebuild the stale sides, again while a write marks one stale meanwhile; under the rebuild lock, so one
        rebuild at a time."""
        with self._rebuild_lock:
            while (side := self._stale_side()) is not None:
                started = time.monotonic()
                if logged:
                    log.info("%s: rebuilding the %s in the background", self.path, _SIDES[side])
                fresh = self._rebuild(side)
                if logged:
                    log.info("%s: %s rebuilt in %.1f s%s", self.path, _SIDES[side], time.monotonic() - started,
                             "" if fresh else ", but written meanwhile: rebuilt again")

    def _background(self) -> None:
        try:
            self._catch_up(logged=True)
            self._failure = None
        except _Closing:
            pass
        except Exception as error:  # told by index_state and at the next start; reads keep their SQL path
            self._failure = error
            log.exception("%s: rebuilding the label index and summaries failed", self.path)

    def _start(self) -> None:
        """Start the background rebuild unless it runs (or the store is closing)."""
        with self._state_lock:
            if self._closing or (self._rebuilder is not None and self._rebuilder.is_alive()):
                return
            self._rebuilder = threading.Thread(target=self._background, name="kg-rebuild", daemon=True)
            self._rebuilder.start()

    def ready(self, wait: bool = False) -> bool:
        """Whether the label index and summaries are up to date. When they are not, their rebuild is started in a
        background thread (one for the store, rebuilding until no write has marked them stale meanwhile) and
        reads answer None until it is done, so no request waits hours for a store-wide count. With `wait` they
        are rebuilt in (or, while the background rebuild runs, after it by) this thread: for callers that need
        them whole (kg compact, the benchmarks, tests)."""
        if wait:
            self._catch_up()
            return True
        if self._stale_side() is None:
            return True
        self._start()
        return False

    def index_state(self) -> str:
        if self._stale_side() is None:
            return READY
        if self._rebuild_lock.locked() or (self._rebuilder is not None and self._rebuilder.is_alive()):
            return REBUILDING
        return FAILED if self._failure is not None else STALE

    def summaries(self) -> Summaries | None:
        """The claim figures, or None (the callers' SPARQL path) while they or the label index are stale: their
        rebuild then runs in the background (`ready`)."""
        return self._summaries if self.ready() else None

    def search_labels(self, query: str, limit: int = 20) -> list | None:
        """From the label index, or None while it is stale (rebuilt in the background: `ready`)."""
        if self.labels.stale:
            self._start()
            return None
        return self.labels.search(query, limit)

    def shared_labels(self, iris: Iterable[str]) -> dict[str, tuple[str, str]] | None:
        """From the label index, or None while it is stale (rebuilt in the background: `ready`)."""
        if self.labels.stale:
            self._start()
            return None
        return self.labels.named(iris)

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def _run(self, sparql: str, default_graph: list[str] | None, named_graphs: list[str] | None):
        options: dict = {}
        if default_graph is None:
            options["use_default_graph_as_union"] = True
        else:
            options["default_graph"] = [ox.NamedNode(g) for g in default_graph]
        if named_graphs is not None:
            options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        return self.store.query(sparql, **options)

    def query(self, sparql: str, *, default_graph: list[str] | None = None,
              named_graphs: list[str] | None = None) -> QueryResult:
        return to_result(self._run(sparql, default_graph, named_graphs))

    def query_raw(self, sparql: str, accept: str | None = None, *, default_graph: list[str] | None = None,
                  named_graphs: list[str] | None = None) -> tuple[str, bytes]:
        return serialize_results(self._run(sparql, default_graph, named_graphs), accept)

    def _changed_behind_index(self) -> None:
        """A write the label index did not see: the next search rebuilds it."""
        self._written()
        self.labels.mark_stale()
        self._summaries.mark_stale()

    def update(self, sparql: str) -> None:
        try:
            self.store.update(sparql)
        finally:  # a failed update may still have changed the store
            self._changed_behind_index()

    def bulk_add(self, quads: Iterable[ox.Quad]) -> None:
        try:
            self.store.bulk_extend(quads)
        finally:
            self._changed_behind_index()

    def load_nquads(self, path: str | Path) -> None:
        try:  # RocksDB's bulk loader parses the file itself: no Python object per quad
            self.store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        finally:
            self._changed_behind_index()

    def quads(self) -> Iterator[ox.Quad]:
        return self.store.quads_for_pattern(None, None, None, None)

    def quads_matching(self, subject: ox.NamedNode | None = None, predicate: ox.NamedNode | None = None,
                       obj: ox.Term | None = None, graph: ox.NamedNode | None = None) -> Iterator[ox.Quad]:
        return self.store.quads_for_pattern(subject, predicate, obj, graph)

    def has_graph(self, graph_iri: str) -> bool:
        return self.store.contains_named_graph(ox.NamedNode(graph_iri))

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        self.store.extend(quads)  # one transaction
        self._changed_behind_index()

    def __len__(self) -> int:
        return len(self.store)

    def close(self) -> None:
        """Stop a background rebuild (its side stays stale for the next open), then release the store."""
        with self._state_lock:
            self._closing = True
            rebuilder = self._rebuilder
        if rebuilder is not None and rebuilder is not threading.current_thread():
            rebuilder.join()
        if self._store is not None:
            self._store.flush()
            self._store = None
            self.labels.close()
            self._summaries.close()
            gc.collect()  # RocksDB releases its lock only when the handle is freed


_SIDES = {"labels": "label index", "summaries": "claim summaries"}


class _Closing(Exception):
    """The store is being closed: a rebuild under way stops."""


class _Segment(io.RawIOBase):
    """The N-Quads of one bulk load, read page by page from the stream as the loader asks: new pages until
    about `quads` are in, or up to a page the loader must not take (`stopped_at`: its graph is stored, or
    already in this segment). Each page taken goes to `taken` without its N-Quads (for labels and summaries),
    and is listed in `loaded`, by graph, for the caller."""

    def __init__(self, first, pages: Iterator, quads: int, store: ox.Store, taken: Callable[[object], None]) -> None:
        super().__init__()
        self.pages, self.room, self.store, self.taken = pages, quads, store, taken
        self.loaded: list = []
        self.graphs: set[str] = set()
        self.stopped_at = None
        self.pending = memoryview(b"")
        self._take(first)

    def _take(self, page) -> None:
        self.graphs.add(page.graph)
        self.room -= page.count
        done = replace(page, nquads=b"")
        self.loaded.append(done)
        self.taken(done)
        self.pending = memoryview(page.nquads + page.shared)

    def _next(self) -> bool:
        # The loader may read again after the end: a page taken then would never be loaded, yet be reported so.
        if self.room <= 0 or self.stopped_at is not None:
            return False
        page = next(self.pages, None)
        if page is None:
            return False
        if page.graph in self.graphs or self.store.contains_named_graph(ox.NamedNode(page.graph)):
            self.stopped_at = page
            return False
        self._take(page)
        return True

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while not self.pending and self._next():
            pass
        n = min(len(buffer), len(self.pending))
        buffer[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        return n


class _Indexer:
    """Writes loaded pages' names (LabelIndex) and claim figures (Summaries) in a thread of its own, `BATCH` pages
    per transaction, so SQLite works while the bulk loader (which lets go of the GIL) waits for the next pages
    from the extraction workers, instead of after the load. Pages are written in the order given. The queue
    holds at most `BACKLOG` pages (their records and shared statements, never their N-Quads)."""

    # Pages per SQLite transaction: writing each page as it comes (1–2 at a time) cost more CPU than the overlap saved.
    BATCH = 64
    BACKLOG = 256
    _FLUSH = object()  # write what is pending now

    def __init__(self, labels: LabelIndex, summaries: Summaries) -> None:
        self.labels, self.summaries = labels, summaries
        self.queue: queue.Queue = queue.Queue(maxsize=self.BACKLOG)
        self.error: BaseException | None = None
        self.stopping = False
        self.thread = threading.Thread(target=self._run, name="kg-indexer", daemon=True)
        self.thread.start()

    def put(self, page) -> None:
        self._check()
        self.queue.put(page)

    def wait(self) -> None:
        """Until every page given so far is written."""
        self.queue.put(self._FLUSH)
        self.queue.join()
        self._check()

    def close(self) -> None:
        """Write what is left and stop the thread."""
        self.queue.put(None)
        self.thread.join()
        self._check()

    def abandon(self) -> None:
        """Stop after the batch being written, dropping the rest (the caller marks the index and figures stale)."""
        self.stopping = True
        while True:
            try:
                self.queue.get_nowait()
                self.queue.task_done()
            except queue.Empty:
                break
        self.queue.put(None)
        self.thread.join()

    def _check(self) -> None:
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        pages: list = []
        taken = 0  # items got from the queue and not yet marked done
        while True:
            item = self.queue.get()
            taken += 1
            if item is not None and item is not self._FLUSH:
                pages.append(item)
                if len(pages) < self.BATCH:
                    continue
            try:
                if pages and self.error is None and not self.stopping:
                    self.labels.add(q for page in pages for q in page.shared_quads())
                    self.summaries.add_many((page.graph, page.claim_records()) for page in pages)
            except BaseException as error:  # told to the loading thread at its next put, wait or close
                self.error = error
            finally:
                pages = []
                for _ in range(taken):
                    self.queue.task_done()
                taken = 0
            if item is None:
                return


def _durably_create(path: Path) -> None:
    """Create an empty file and make its name survive a power cut (the folder's entry synced too)."""
    with path.open("wb") as out:
        os.fsync(out.fileno())
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def is_store_folder(path: str | Path) -> bool:
    """Whether a folder holds an embedded store: RocksDB keeps its CURRENT file in every database folder."""
    return (Path(path) / "CURRENT").is_file()


def open_store(location: str | Path, **options: str | float) -> Store:
    """A folder → embedded persistent store; ``http(s)://`` → remote SPARQL 1.1 endpoint.

    For a remote endpoint ``location`` is the query URL (or the server root);
    ``update_url`` and ``store_url`` (Graph Store Protocol) may be given, else
    they are derived the way Oxigraph server lays them out (/update, /store).
    """
    text = str(location)
    if text.startswith(("http://", "https://")):
        from kg.rdf.remote import RemoteStore

        return RemoteStore(text, **options)  # type: ignore[arg-type]
    if options:
        raise ValueError(f"{text}: {', '.join(options)} only apply to a remote endpoint")
    return EmbeddedStore(text)
