"""Figures over every claim, kept at ingest in SQLite beside the store, so reading them costs the same at any size.

The browser's start page (the entities with the most claims, the metrics that
two or more regions report), the conflicts view (claims on one subject, metric,
period and unit that disagree) and the claim lists of a busy node (the first
`limit` claims by IRI and how many there are) would otherwise aggregate or sort
every claim in the store on each request, which grows with the store. Here
they are counters and ordered keys in `labels.sqlite` (kg.rdf.labels, whose
names give the labels), written by the same store calls that write a page:
each page's claims are reduced to `ClaimRecord`s from its quads, and adding,
replacing or removing a page adds or subtracts its records' counts in one
transaction. A write the store cannot follow (a SPARQL update, a bulk load)
marks them stale, and a thread of the store rebuilds them from the store's
claim statements, graph by graph, while its reads answer None (the callers'
SPARQL path) until they are whole again (kg.rdf.store.EmbeddedStore.ready).

What is counted is exactly what the SPARQL aggregates in `SPARQL` count over the
union of the page graphs; tests hold the two equal after adds, replacements and
removals.
"""

from __future__ import annotations

import hashlib
import itertools
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.rdf import rows as claim_rows
from kg.rdf import sort_keys
from kg.rdf.labels import NODE_TABLE, clear_stale_mark, stale_mark
from kg.rdf.vocab import KG, RDF, SCHEMA, SKOS, XSD

# A claim's links to the nodes it is about, as the graph API follows them (kg.web.graph_view.CLAIM_LINKS).
LINKS = (SCHEMA.about, KG.region, KG.agency, KG.program, KG.metric)
STARTING = {KG.region.value: "region", KG.agency.value: "agency", KG.program.value: "program"}
ANY = ""  # the pred of a node's count of claims linking to it by any of LINKS
REGIONAL = "regional"  # the pred of a metric's count of claims that name a region too
_KEY_PARTS = (SCHEMA.about, KG.region, KG.subjectLabel, KG.regionLabel, KG.metric, KG.metricLabel,
              SCHEMA.temporalCoverage, SCHEMA.unitText, SCHEMA.value)
PREDICATES = tuple(dict.fromkeys((RDF.type, *LINKS, *_KEY_PARTS, SCHEMA.startDate, SCHEMA.endDate)))
VIA = (KG.region, KG.agency, KG.program, SCHEMA.about)  # links that make two nodes neighbours through a claim
_COUNTED = (ANY, REGIONAL, KG.metric.value, *(p.value for p in VIA))  # the preds `_count` needs the ids of
# What `records` reads of a page: its own predicates and what the claims' rows read (one walk for both).
_GATHERED = frozenset({p.value for p in PREDICATES} | claim_rows.READ)
_TYPE = RDF.type.value
NO_YEAR = "none"  # the year of a claim whose period has no resolved date
_DERIVED_KEPT = 100_000  # distinct link sets `Summaries.rows` remembers before starting afresh

# The same figures as whole-store SPARQL aggregates: what the summaries replace (and the tests compare with).
SPARQL = {
    "comparable": f"""SELECT ?metric ?label (COUNT(DISTINCT ?region) AS ?regions) (COUNT(DISTINCT ?claim) AS ?claims)
WHERE {{ ?claim a {KG.Claim} ; {KG.metric} ?metric ; {KG.region} ?region . ?metric {SKOS.prefLabel} ?label }}
GROUP BY ?metric ?label HAVING (COUNT(DISTINCT ?region) > 1)
ORDER BY DESC(?regions) DESC(?claims) ?label LIMIT %d""",
    "busiest": f"""SELECT ?entity ?label ?class (COUNT(DISTINCT ?claim) AS ?claims)
WHERE {{
  VALUES (?link ?class) {{ ({KG.region} {KG.Region}) ({KG.agency} {KG.Agency}) ({KG.program} {KG.Program}) }}
  ?claim a {KG.Claim} ; ?link ?entity . ?entity {SKOS.prefLabel} ?label .
}}
GROUP BY ?entity ?label ?class
ORDER BY DESC(?claims) ?label LIMIT %d""",
    "conflicts": f"""SELECT ?subject ?metric ?period ?unit (GROUP_CONCAT(STR(?claim); separator=" ") AS ?claims)
WHERE {{
  ?claim {RDF.type} {KG.Claim} ; {SCHEMA.temporalCoverage} ?period ; {SCHEMA.value} ?value .
  OPTIONAL {{ ?claim {SCHEMA.unitText} ?u }} OPTIONAL {{ ?claim {SCHEMA.about} ?about }}
  OPTIONAL {{ ?claim {KG.region} ?region }} OPTIONAL {{ ?claim {KG.subjectLabel} ?sl }}
  OPTIONAL {{ ?claim {KG.regionLabel} ?rl }} OPTIONAL {{ ?claim {KG.metric} ?m }}
  OPTIONAL {{ ?claim {KG.metricLabel} ?ml }}
  BIND(COALESCE(?about, ?region, ?sl, ?rl) AS ?subject) BIND(COALESCE(?m, ?ml) AS ?metric)
  BIND(COALESCE(?u, "") AS ?unit)
  FILTER(BOUND(?subject) && BOUND(?metric))
}} GROUP BY ?subject ?metric ?period ?unit HAVING (COUNT(DISTINCT ?value) > 1)
ORDER BY STR(?subject) STR(?metric) STR(?period) ?unit LIMIT %d""",
}

# IRIs of nodes, predicates and graphs are interned as integers in the label index's `node` table (kg.rdf.labels,
# which never deletes a row there), so a node's IRI is kept once for its names and its counts. A claim is known
# by a short sort key (kg.rdf.sort_keys) whose byte order is its IRI's order, so the tables that name claims
# (claim_link, group_claim, conflict_claim) list a node's or a group's claims by IRI from their own key without
# repeating the IRI; the claim's links and row (kg.rdf.rows, packed) are kept apart (claim_data), so the
# key-to-IRI lookups of every claim list read a narrow table. Most conflict
# groups hold one value; the texts the conflicts view orders by are kept (conflict_text) only for the groups
# holding more.
_LAYOUT = "3"  # summary_meta's 'layout': files of another layout are emptied on open and counted anew
_SCHEMA = f"""
{NODE_TABLE};
CREATE TABLE IF NOT EXISTS claim (key BLOB PRIMARY KEY, iri TEXT NOT NULL UNIQUE, graph INTEGER NOT NULL)
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS claim_data (key BLOB PRIMARY KEY, links TEXT NOT NULL, row BLOB) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS claim_graph ON claim (graph);
CREATE TABLE IF NOT EXISTS claim_link (node INTEGER NOT NULL, claim BLOB NOT NULL, pred INTEGER NOT NULL,
                                       PRIMARY KEY (node, claim, pred)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS node_count (node INTEGER NOT NULL, pred INTEGER NOT NULL, claims INTEGER NOT NULL,
                                       PRIMARY KEY (node, pred)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS node_count_busiest ON node_count (pred, claims DESC);
CREATE TABLE IF NOT EXISTS metric_region (metric INTEGER NOT NULL, region INTEGER NOT NULL,
                                          claims INTEGER NOT NULL, PRIMARY KEY (metric, region)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS metric_regions (metric INTEGER PRIMARY KEY, regions INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS metric_regions_most ON metric_regions (regions DESC);
CREATE TABLE IF NOT EXISTS conflict_group (id INTEGER PRIMARY KEY, ident BLOB NOT NULL UNIQUE,
                                          n_values INTEGER NOT NULL, claims INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS conflict_text (grp INTEGER PRIMARY KEY, subject_text TEXT NOT NULL,
    metric_text TEXT NOT NULL, period_text TEXT NOT NULL, unit_text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS conflict_order ON conflict_text (subject_text, metric_text, period_text, unit_text);
CREATE TABLE IF NOT EXISTS conflict_value (grp INTEGER NOT NULL, value TEXT NOT NULL, number REAL,
                                           claims INTEGER NOT NULL, PRIMARY KEY (grp, value)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS conflict_claim (claim BLOB NOT NULL, grp INTEGER NOT NULL, value TEXT NOT NULL,
                                           PRIMARY KEY (claim, grp, value)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS conflict_claim_group ON conflict_claim (grp, claim);
CREATE TABLE IF NOT EXISTS summary_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS node_pair (node INTEGER NOT NULL, other INTEGER NOT NULL, claims INTEGER NOT NULL,
                                      PRIMARY KEY (node, other)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS node_group (id INTEGER PRIMARY KEY, node INTEGER NOT NULL, key INTEGER NOT NULL,
                                       year TEXT NOT NULL, claims INTEGER NOT NULL, UNIQUE (node, key, year));
CREATE INDEX IF NOT EXISTS node_group_largest ON node_group (node, claims DESC);
CREATE TABLE IF NOT EXISTS group_claim (grp INTEGER NOT NULL, claim BLOB NOT NULL,
                                        PRIMARY KEY (grp, claim)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS group_claim_of ON group_claim (claim);
"""
_TABLES = ("claim", "claim_data", "claim_link", "node_count", "metric_region", "metric_regions", "conflict_group",
           "conflict_text",
           "conflict_value",
           "conflict_claim", "summary_meta", "node_pair", "node_group", "group_claim")
_RETIRED = ("claim_row", "term")  # tables of older layouts, dropped with the rest

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Key = tuple[str, str, str, str]  # subject, metric, period, unit: N-Triples terms (the group's identity)
Texts = tuple[str, str, str, str]  # their string values (the order and the answer)


@dataclass(frozen=True)
class ClaimRecord:
    """What the summaries count of one claim: its links to nodes and its conflict keys with their values."""

    iri: str
    links: frozenset[tuple[str, str]] = frozenset()  # (predicate, node IRI)
    keys: frozenset[tuple[Key, Texts, str, float | None]] = frozenset()  # (key, its texts, value term, number)
    groups: frozenset[tuple[str, str, str]] = frozenset()  # (node IRI, group key, year): kg.web.groups' groups
    row: bytes = b""  # the claim's row as the claim lists show it (kg.rdf.rows, packed without what links give)


def _number(term: Term) -> float | None:
    try:
        return float(term.value)
    except ValueError:
        return None


def _value_text(term: Term) -> str:
    """A value as the conflict tables tell values apart: its N-Triples form with an XSD datatype shortened
    ("86"^^xsd:decimal), kept once per group and once per claim. Still one text per term: only a typed
    literal's form ends in a datatype's name."""
    text = str(term)
    if isinstance(term, ox.Literal) and term.datatype.value.startswith(XSD.iri):
        typed = f"^^<{term.datatype.value}>"
        if text.endswith(typed):
            return f"{text[:-len(typed)]}^^xsd:{term.datatype.value[len(XSD.iri):]}"
    return text


def _ident(key: Key) -> bytes:
    """A conflict group's identity: a digest of its four terms."""
    return hashlib.blake2b("\n".join(key).encode(), digest_size=16).digest()


def _first_of(props: dict[str, list[Term]], *predicates: ox.NamedNode) -> list[Term]:
    """The values of the first of the predicates that has any."""
    for predicate in predicates:
        if props.get(predicate.value):
            return props[predicate.value]
    return []


def _group_keys(found: dict[str, list[Term]], link: ox.NamedNode, written: ox.NamedNode) -> list[str]:
    """What a claim is grouped by under a node: the linked node, else the written name, else ""."""
    return [v.value for v in _first_of(found, link, written)] or [""]


def _groups(found: dict[str, list[Term]], links: frozenset[tuple[str, str]]) -> frozenset[tuple[str, str, str]]:
    """The claim's groups under each node it links to: a metric's claims by region, everyone else's by metric,
    and by the year its period starts (else ends), as kg.web.groups' aggregate grouped them."""
    years = sorted({v.value[:4] for v in _first_of(found, SCHEMA.startDate, SCHEMA.endDate)}) or [NO_YEAR]
    by_region, by_metric = (_group_keys(found, KG.region, KG.regionLabel),
                            _group_keys(found, KG.metric, KG.metricLabel))
    return frozenset((node, key, year) for pred, node in links
                     for key in (by_region if pred == KG.metric.value else by_metric) for year in years)


def records(triples: Iterable[ox.Triple | ox.Quad]) -> list[ClaimRecord]:
    """The claim records among a page's statements (subjects typed kg:Claim; other statements are ignored),
    each with its row (kg.rdf.rows), which takes the page's whole graph.
    Conflict keys follow the SPARQL aggregate: subject = about, else region, else the written subject or
    region; metric = the metric node, else its written name; unit = the unit, else ""; one key per
    combination of values when a property has several."""
    props, named = claim_rows.gather(triples, _GATHERED)
    rows = claim_rows.from_props(props)
    claims = {iri for iri in named if KG.Claim in props[iri].get(_TYPE, ())}
    out = []
    for iri in sorted(claims):
        found = props.get(iri, {})
        links = frozenset((p.value, o.value) for p in LINKS for o in found.get(p.value, [])
                          if isinstance(o, ox.NamedNode))

        # COALESCE per solution: the first bound of each OPTIONAL's values, whole lists when several.
        subjects = _first_of(found, SCHEMA.about, KG.region, KG.subjectLabel, KG.regionLabel)
        metrics = _first_of(found, KG.metric, KG.metricLabel)
        units = found.get(SCHEMA.unitText.value) or [ox.Literal("")]
        keys = frozenset(
            ((str(s), str(m), str(p), str(u)), (s.value, m.value, p.value, u.value), _value_text(v), _number(v))
            for s, m, p, u, v in itertools.product(subjects, metrics, found.get(SCHEMA.temporalCoverage.value, []),
                                                   units, found.get(SCHEMA.value.value, [])))
        row = rows.get(iri)
        out.append(ClaimRecord(iri, links, keys, _groups(found, links), claim_rows.pack(row, links) if row else b""))
    return out


@dataclass
class Entity:
    iri: str
    label: str
    type: str
    claims: int


@dataclass
class Metric:
    iri: str
    label: str
    regions: int
    claims: int


@dataclass
class Conflict:
    subject: str  # the string value of the subject node or written name
    metric: str
    period: str
    unit: str
    claims: list[str] = field(default_factory=list)  # at most `per_group` of them, every value shown
    values: int = 0  # distinct values
    total: int = 0  # claims in the group
    low: float | None = None  # the spread of the numeric values
    high: float | None = None


class Summaries:
    """The summary tables in the label index's SQLite file (whose names they join for labels); one connection
    of their own, one lock, like LabelIndex. `created` says the tables were new (an older store's file)."""

    def __init__(self, path: str | Path) -> None:
        self._lock = threading.Lock()
        self._derived: dict[str, dict[str, str | None]] = {}  # a claim's links (as kept) -> its rows' link fields
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA busy_timeout=10000")
        self.created = self._prepare()

    def _prepare(self) -> bool:
        """Create the tables, first dropping those of another layout (an older kg's file), in one transaction
        another process opening the same file waits for; True when they are new (to be counted from the store)."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            layout = db.execute("SELECT value FROM summary_meta WHERE key = 'layout'").fetchone() \
                if "summary_meta" in tables else None
            created = layout is None or layout[0] != _LAYOUT
            dropped = created and bool(tables & {*_TABLES, *_RETIRED})
            if created:
                for table in (*_TABLES, *_RETIRED):
                    db.execute(f"DROP TABLE IF EXISTS {table}")  # its indexes go with it
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            if db.execute("SELECT 1 FROM metric_regions LIMIT 1").fetchone() is None:
                # A file from before the kept count: counted once from the pairs (one scan), not rebuilt.
                db.execute("INSERT INTO metric_regions SELECT metric, COUNT(*) FROM metric_region GROUP BY metric")
            db.execute("INSERT OR REPLACE INTO summary_meta VALUES ('layout', ?)", (_LAYOUT,))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        if dropped:  # the old tables' pages (most of the file) given back, not left free beside the new ones
            db.execute("VACUUM")
        return created

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- writing ---------------------------------------------------------------------------------------------

    def add(self, graph: str, found: Iterable[ClaimRecord]) -> None:
        """Count a page's claims (a page already counted is replaced)."""
        self.add_many([(graph, found)])

    def add_many(self, pages: Iterable[tuple[str, Iterable[ClaimRecord]]]) -> None:
        """`add` for many pages in one transaction (the bulk loader's batches), their counts summed in Python
        and written with one statement per table."""
        chosen = [(graph, list(found)) for graph, found in pages]
        with self._lock:
            self._db.execute("BEGIN")
            try:
                for graph, _ in chosen:
                    self._remove(graph)
                self._add(chosen)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def remove(self, graph: str) -> None:
        """Stop counting a page's claims."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._remove(graph)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _ids(self, texts: Iterable[str]) -> dict[str, int]:
        """The interned ids of IRIs (nodes, predicates, graphs), interning the new ones."""
        chosen = sorted(set(texts))
        self._db.executemany("INSERT OR IGNORE INTO node (iri) VALUES (?)", [(t,) for t in chosen])
        return dict(self._select_in("SELECT iri, id FROM node WHERE iri IN ({})", chosen))

    def _select_in(self, sql: str, values: list, *before: object) -> list[tuple]:
        """Rows of `sql` with its IN list filled by `values`, asked in chunks SQLite's parameter limit allows."""
        rows: list[tuple] = []
        for start in range(0, len(values), 500):
            part = values[start:start + 500]
            rows += self._db.execute(sql.format(", ".join("?" * len(part))), (*before, *part)).fetchall()
        return rows

    def _least_claims(self, table: str, node_id: int, rank: int) -> int:
        """The `rank`-th largest claim count among the node's rows of `table` (node_pair, node_group: a range of
        an index that leads with the node), 0 when it has none: a cut at it joins only the rows that can be shown."""
        return self._db.execute(f"SELECT MIN(claims) FROM (SELECT claims FROM {table} WHERE node = ? "
                                "ORDER BY claims DESC LIMIT ?)", (node_id, rank)).fetchone()[0] or 0

    def _term(self, text: str) -> int | None:
        found = self._db.execute("SELECT id FROM node WHERE iri = ?", (text,)).fetchone()
        return found[0] if found else None

    def _claim_keys(self, iris: list[str]) -> dict[str, bytes]:
        """Sort keys for new claim IRIs (sorted, none kept yet): each run of them between two neighbouring kept
        IRIs gets keys between those two's keys (kg.rdf.sort_keys), two index seeks per run."""
        keys: dict[str, bytes] = {}
        at = 0
        while at < len(iris):
            below = self._db.execute("SELECT key FROM claim WHERE iri < ? ORDER BY iri DESC LIMIT 1",
                                     (iris[at],)).fetchone()
            above = self._db.execute("SELECT iri, key FROM claim WHERE iri > ? ORDER BY iri LIMIT 1",
                                     (iris[at],)).fetchone()
            end = at + 1
            while end < len(iris) and (above is None or iris[end] < above[0]):
                end += 1
            keys.update(zip(iris[at:end], sort_keys.between(below and below[0], above and above[1], end - at),
                            strict=True))
            at = end
        return keys

    def _add(self, pages: list[tuple[str, list[ClaimRecord]]]) -> None:
        db = self._db
        texts = {text for _, found in pages for r in found for link in r.links for text in link}
        ids = self._ids(texts | {graph for graph, _ in pages} | set(_COUNTED))
        claimed = {r.iri for _, found in pages for r in found}
        taken = {row[0] for row in self._select_in("SELECT iri FROM claim WHERE iri IN ({})", sorted(claimed))}
        fresh: dict[str, tuple[ClaimRecord, set[tuple[int, int]]]] = {}
        graph_of: dict[str, int] = {}
        for graph, found in pages:
            for record in found:
                if record.iri in taken or record.iri in fresh:
                    continue  # a claim IRI another page already states: counted once, with that page
                fresh[record.iri] = (record, {(ids[p], ids[n]) for p, n in record.links})
                graph_of[record.iri] = ids[graph]
        claim_keys = self._claim_keys(sorted(fresh))
        db.executemany("INSERT INTO claim (key, iri, graph) VALUES (?, ?, ?)",
                       [(claim_keys[iri], iri, graph_of[iri]) for iri in fresh])
        db.executemany("INSERT INTO claim_data (key, links, row) VALUES (?, ?, ?)",
                       [(claim_keys[iri], " ".join(f"{p}:{n}" for p, n in sorted(links)), record.row or None)
                        for iri, (record, links) in fresh.items()])
        key_ids = self._ids({key for record, _ in fresh.values() for _, key, _ in record.groups})
        members: dict[tuple[int, int, str], list[bytes]] = {}
        for iri, (record, _) in fresh.items():
            for node, key, year in record.groups:
                members.setdefault((ids[node], key_ids[key], year), []).append(claim_keys[iri])
        db.executemany("INSERT INTO node_group (node, key, year, claims) VALUES (?, ?, ?, ?) ON CONFLICT "
                       "DO UPDATE SET claims = claims + excluded.claims",
                       [(*group, len(claims)) for group, claims in members.items()])
        # The groups' ids through a temporary table joined once (a statement per group was most of the write).
        db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted_group (node INTEGER, key INTEGER, year TEXT)")
        db.execute("DELETE FROM wanted_group")
        db.executemany("INSERT INTO wanted_group VALUES (?, ?, ?)", list(members))
        group_ids = {(node, key, year): grp for grp, node, key, year in db.execute(
            "SELECT g.id, g.node, g.key, g.year FROM wanted_group w JOIN node_group g "
            "ON g.node = w.node AND g.key = w.key AND g.year = w.year")}
        db.executemany("INSERT INTO group_claim VALUES (?, ?)",
                       [(group_ids[group], claim) for group, claims in members.items() for claim in claims])
        keys = {ident: texts for record, _ in fresh.values() for ident, texts in
                ((_ident(key), texts) for key, texts, _, _ in record.keys)}
        db.executemany("INSERT OR IGNORE INTO conflict_group (ident, n_values, claims) VALUES (?, 0, 0)",
                       [(ident,) for ident in keys])
        groups = dict(self._select_in("SELECT ident, id FROM conflict_group WHERE ident IN ({})", list(keys)))
        self._count(ids, [(claim_keys[iri], links,
                           [(groups[_ident(key)], value, number) for key, _, value, number in record.keys])
                          for iri, (record, links) in fresh.items()], 1)
        db.executemany("INSERT OR IGNORE INTO conflict_text SELECT id, ?, ?, ?, ? FROM conflict_group "
                       "WHERE id = ? AND n_values > 1", [(*texts, groups[ident]) for ident, texts in keys.items()])

    def _remove(self, graph: str) -> None:
        """Subtract the page's claims as counted (the store's page graph may already be gone)."""
        db = self._db
        graph_id = self._term(graph)
        if graph_id is None:
            return
        claims = db.execute("SELECT claim.key, links FROM claim JOIN claim_data ON claim_data.key = claim.key "
                            "WHERE graph = ?", (graph_id,)).fetchall()
        if not claims:
            return
        values: dict[bytes, list[tuple[int, str, float | None]]] = {}
        for claim, grp, value, number in self._select_in(
                "SELECT claim, conflict_claim.grp, conflict_claim.value, number FROM conflict_claim "
                "JOIN conflict_value ON conflict_value.grp = conflict_claim.grp "
                "AND conflict_value.value = conflict_claim.value WHERE claim IN ({})", [c[0] for c in claims]):
            values.setdefault(claim, []).append((grp, value, number))
        ids = self._ids(_COUNTED)
        members = self._select_in("SELECT grp, claim FROM group_claim WHERE claim IN ({})", [c[0] for c in claims])
        db.executemany("DELETE FROM group_claim WHERE grp = ? AND claim = ?", members)
        left = Counter(grp for grp, _ in members)
        db.executemany("UPDATE node_group SET claims = claims - ? WHERE id = ?", [(n, g) for g, n in left.items()])
        db.executemany("DELETE FROM node_group WHERE id = ? AND claims <= 0", [(g,) for g in left])
        self._count(ids, [(claim, {(int(p), int(n)) for p, n in (pair.split(":") for pair in text.split())},
                           values.get(claim, [])) for claim, text in claims], -1)
        db.executemany("DELETE FROM claim_data WHERE key = ?", [(c[0],) for c in claims])
        db.execute("DELETE FROM claim WHERE graph = ?", (graph_id,))

    def _count(self, ids: dict[str, int],
               claims: list[tuple[bytes, set[tuple[int, int]], list[tuple[int, str, float | None]]]],
               sign: int) -> None:
        """Add (sign 1) or take away (-1) claims: (sort key, links as (predicate id, node id), conflict values as
        (group id, value, number)); the counts they make are summed here and written once per table."""
        db = self._db
        metric, region, any_link, regional = (ids[KG.metric.value], ids[KG.region.value], ids[ANY], ids[REGIONAL])
        via = {ids[p.value] for p in VIA}
        nodes: Counter[tuple[int, int]] = Counter()
        pairs: Counter[tuple[int, int]] = Counter()
        neighbours: Counter[tuple[int, int]] = Counter()
        values: Counter[tuple[int, str]] = Counter()
        numbers: dict[tuple[int, str], float | None] = {}
        for _, links, found in claims:
            nodes.update((node, pred) for pred, node in links)
            nodes.update((node, any_link) for node in {n for _, n in links})
            both = {(m, r) for pm, m in links if pm == metric for pr, r in links if pr == region}
            pairs.update(both)
            others = {n for p, n in links if p in via}
            neighbours.update((a, b) for a in {n for _, n in links} for b in others if a != b)
            nodes.update((m, regional) for m in {m for m, _ in both})
            for grp, value, number in found:
                values[(grp, value)] += 1
                numbers[(grp, value)] = number
        links_rows = [(n, claim, p) for claim, links, _ in claims for p, n in links]
        members = [(claim, grp, value) for claim, _, found in claims for grp, value, _ in found]
        if sign > 0:
            db.executemany("INSERT OR IGNORE INTO claim_link VALUES (?, ?, ?)", links_rows)
            db.executemany("INSERT INTO conflict_claim VALUES (?, ?, ?)", members)
        else:
            db.executemany("DELETE FROM claim_link WHERE node = ? AND claim = ? AND pred = ?", links_rows)
            db.executemany("DELETE FROM conflict_claim WHERE claim = ? AND grp = ? AND value = ?", members)
        # Pairs a metric gains or loses change its kept count of regions (metric_regions), so the start page
        # ranks metrics from an index instead of counting every pair.
        fresh = [pair for pair in pairs if sign > 0 and db.execute(
            "SELECT 1 FROM metric_region WHERE metric = ? AND region = ?", pair).fetchone() is None]
        for table, columns, counts in (("node_count", "node, pred", nodes), ("metric_region", "metric, region", pairs),
                                       ("node_pair", "node, other", neighbours)):
            db.executemany(f"INSERT INTO {table} ({columns}, claims) VALUES (?, ?, ?) "
                           "ON CONFLICT DO UPDATE SET claims = claims + excluded.claims",
                           [(*key, sign * n) for key, n in counts.items()])
            if sign < 0:
                first, second = columns.split(", ")
                db.executemany(f"DELETE FROM {table} WHERE {first} = ? AND {second} = ? AND claims <= 0", list(counts))
        gone = [pair for pair in pairs if sign < 0 and db.execute(
            "SELECT 1 FROM metric_region WHERE metric = ? AND region = ?", pair).fetchone() is None]
        changed = Counter(m for m, _ in fresh)
        changed.subtract(Counter(m for m, _ in gone))
        db.executemany("INSERT INTO metric_regions VALUES (?, ?) ON CONFLICT DO UPDATE SET regions = regions + "
                       "excluded.regions", [(m, n) for m, n in changed.items() if n])
        db.executemany("DELETE FROM metric_regions WHERE metric = ? AND regions <= 0",
                       [(m,) for m, n in changed.items() if n < 0])
        db.executemany("INSERT INTO conflict_value (grp, value, number, claims) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT DO UPDATE SET claims = claims + excluded.claims",
                       [(grp, value, numbers[(grp, value)], sign * n) for (grp, value), n in values.items()])
        if sign < 0:
            db.executemany("DELETE FROM conflict_value WHERE grp = ? AND value = ? AND claims <= 0", list(values))
        # Each touched group's distinct values and claims, counted again from its (few) values.
        db.executemany("UPDATE conflict_group SET n_values = (SELECT COUNT(*) FROM conflict_value WHERE grp = id), "
                       "claims = (SELECT COALESCE(SUM(claims), 0) FROM conflict_value WHERE grp = id) WHERE id = ?",
                       [(grp,) for grp in {g for g, _ in values}])
        if sign < 0:
            touched = [(grp,) for grp in {g for g, _ in values}]
            db.executemany("DELETE FROM conflict_group WHERE id = ? AND claims <= 0", touched)
            db.executemany("DELETE FROM conflict_text WHERE grp = ?1 AND NOT EXISTS "
                           "(SELECT 1 FROM conflict_group WHERE id = ?1 AND n_values > 1)", touched)

    def clear(self) -> None:
        """Forget every count; the layout and a stale mark stay (the mark is cleared only by a rebuild)."""
        with self._lock:
            self._db.execute("BEGIN")
            for table in _TABLES:
                self._db.execute(f"DELETE FROM {table}" + (" WHERE key NOT IN ('layout', 'stale')"
                                                           if table == "summary_meta" else ""))
            self._db.execute("COMMIT")

    def mark_stale(self) -> int:
        """Mark them stale and return the mark's generation, which every further mark raises."""
        with self._lock:
            return stale_mark(self._db, "summary_meta")

    @property
    def stale(self) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM summary_meta WHERE key = 'stale'").fetchone() is not None

    def rebuild(self, pages: Iterable[tuple[str, list[ClaimRecord]]], batch: int = 200) -> bool:
        """Count anew from every page's records (a store written by other means), read only once they are marked
        stale; they stay so until every page is counted. True when that mark is then cleared; False when it was
        marked again meanwhile (a write the pages read may have missed), so they stay stale for another rebuild."""
        generation = self.mark_stale()
        self.clear()
        chunks = iter(pages)
        for chunk in iter(lambda: list(itertools.islice(chunks, batch)), []):
            self.add_many(chunk)
        with self._lock:
            return clear_stale_mark(self._db, "summary_meta", generation)

    # -- reading ---------------------------------------------------------------------------------------------

    def busiest(self, limit: int = 15) -> list[Entity]:
        """The regions, agencies and programs with the most claims (each label of a node its own row, as the
        aggregate groups by label); ties by label."""
        with self._lock:
            preds = {self._term(p): kind for p, kind in STARTING.items()}
            preds.pop(None, None)
            if not preds:
                return []
            marks = ", ".join("?" * len(preds))
            # The limit-th largest count, from the index alone: the answer is among the nodes counted at least
            # that much, unless some of those have no label (then every node is ranked). Each kind's largest
            # `limit` counts are read in index order (the IN list made SQLite sort every node's count).
            largest = sorted((count for pred in preds for (count,) in self._db.execute(
                "SELECT claims FROM node_count WHERE pred = ? ORDER BY claims DESC LIMIT ?", (pred, limit))),
                reverse=True)[:limit]
            least = largest[-1] if largest else 0
            ranked = ("SELECT node.iri, name.text, nc.pred, nc.claims FROM node_count nc "
                      "JOIN node ON node.id = nc.node "
                      "JOIN name ON name.node = node.id AND name.field = 'label' "
                      f"WHERE nc.pred IN ({marks}) AND nc.claims >= ? "
                      "ORDER BY nc.claims DESC, name.text, node.iri, nc.pred LIMIT ?")
            rows = self._db.execute(ranked, (*preds, least, limit)).fetchall()
            if len(rows) < limit and least > 0:
                rows = self._db.execute(ranked, (*preds, 0, limit)).fetchall()
        return [Entity(node, label, preds[pred], claims) for node, label, pred, claims in rows]

    def comparable(self, limit: int = 60) -> list[Metric]:
        """Metrics that two or more regions report, most regions first, then most claims, then by label: the
        metrics down to the limit-th count of regions read from their kept counts' index, then ranked (every
        metric reported by two or more when some of those have no label)."""
        with self._lock:
            regional = self._term(REGIONAL)
            if regional is None:
                return []
            least = self._db.execute("SELECT MIN(regions) FROM (SELECT regions FROM metric_regions WHERE regions > 1 "
                                     "ORDER BY regions DESC LIMIT ?)", (limit,)).fetchone()[0] or 2
            # CROSS JOINs keep the metrics' index range first (else SQLite reads every metric's count or name).
            ranked = ("SELECT node.iri, name.text, mr.regions, node_count.claims AS total FROM metric_regions mr "
                      "CROSS JOIN node_count ON node_count.node = mr.metric AND node_count.pred = ? "
                      "CROSS JOIN node ON node.id = mr.metric "
                      "CROSS JOIN name ON name.node = node.id AND name.field = 'label' "
                      "WHERE mr.regions >= ? ORDER BY mr.regions DESC, total DESC, name.text, node.iri LIMIT ?")
            rows = self._db.execute(ranked, (regional, least, limit)).fetchall()
            if len(rows) < limit and least > 2:
                rows = self._db.execute(ranked, (regional, 2, limit)).fetchall()
        return [Metric(metric, label, regions, claims) for metric, label, regions, claims in rows]

    def conflicts(self, limit: int = 100, per_group: int | None = None) -> list[Conflict]:
        """The first `limit` groups with more than one value, ordered by subject, metric, period and unit text,
        each with the spread of its values and its claims, sorted: with `per_group`, at most that many, the
        least IRI of each value first (so the disagreement shows), then the least IRIs."""
        with self._lock:
            groups = self._db.execute(
                "SELECT grp, subject_text, metric_text, period_text, unit_text, n_values FROM conflict_text "
                "JOIN conflict_group ON conflict_group.id = grp "
                "ORDER BY subject_text, metric_text, period_text, unit_text, grp LIMIT ?",
                (limit,)).fetchall()
            found: list[tuple[Conflict, list[bytes]]] = []
            for grp, subject, metric, period, unit, values in groups:
                # Claims by key, whose order is their IRIs' (kg.rdf.sort_keys); the IRIs of the chosen read last.
                members = "FROM conflict_claim WHERE grp = ?"
                (total,) = self._db.execute(f"SELECT COUNT(DISTINCT claim) {members}", (grp,)).fetchone()
                if per_group is None or total <= per_group:
                    keys = [r[0] for r in self._db.execute(f"SELECT DISTINCT claim {members} ORDER BY claim", (grp,))]
                else:
                    shown = sorted({r[0] for r in self._db.execute(
                        f"SELECT MIN(claim) {members} GROUP BY value", (grp,))})[:per_group]
                    rest = self._db.execute(f"SELECT DISTINCT claim {members} ORDER BY claim LIMIT ?",
                                            (grp, per_group)).fetchall()
                    chosen = set(shown)
                    for (key,) in rest:
                        if len(chosen) >= per_group:
                            break
                        chosen.add(key)
                    keys = sorted(chosen)
                low, high = self._db.execute("SELECT MIN(number), MAX(number) FROM conflict_value WHERE grp = ?",
                                             (grp,)).fetchone()
                found.append((Conflict(subject, metric, period, unit, [], values, total, low, high), keys))
            iri_of = dict(self._select_in("SELECT key, iri FROM claim WHERE key IN ({})",
                                          sorted({key for _, keys in found for key in keys})))
        for conflict, keys in found:
            conflict.claims = [iri_of[key] for key in keys]
        return [conflict for conflict, _ in found]

    def claims_of(self, node: str, predicates: Iterable[str], limit: int) -> tuple[list[str], int]:
        """The first `limit` claims by IRI linking to `node` by any of the predicates, and how many there are:
        an index range read up to the limit and a kept count (a count over the range for a predicate set
        not counted on its own)."""
        names = sorted(set(predicates))
        with self._lock:
            node_id = self._term(node)
            chosen = [i for i in (self._term(p) for p in names) if i is not None]
            if node_id is None or not chosen:
                return [], 0
            marks = ", ".join("?" * len(chosen))
            rows = self._db.execute(  # the keys' order is the IRIs' (kg.rdf.sort_keys)
                "SELECT claim.iri FROM (SELECT DISTINCT claim AS k FROM claim_link WHERE node = ? "
                f"AND pred IN ({marks}) ORDER BY claim LIMIT ?) JOIN claim ON claim.key = k ORDER BY k",
                (node_id, *chosen, limit)).fetchall()
            if len(rows) < limit:
                return [r[0] for r in rows], len(rows)
            kept = ANY if set(names) == {p.value for p in LINKS} else names[0] if len(names) == 1 else None
            if kept is not None:
                found = self._db.execute("SELECT claims FROM node_count WHERE node = ? AND pred = ?",
                                         (node_id, self._term(kept))).fetchone()
                total = found[0] if found else 0
            else:
                total = self._db.execute(f"SELECT COUNT(DISTINCT claim) FROM claim_link WHERE node = ? "
                                         f"AND pred IN ({marks})", (node_id, *chosen)).fetchone()[0]
        return [r[0] for r in rows], total


    def rows(self, iris: Iterable[str]) -> dict[str, claim_rows.Stored]:
        """The kept rows of these claims (kg.rdf.rows), one keyed read each; claims without one are left out. The
        link fields left out of a packed row come from the claim's links, each distinct set of links resolved
        once and remembered (node ids are never reused: kg.rdf.labels keeps every node row)."""
        with self._lock:
            found = self._select_in("SELECT iri, row, links FROM claim JOIN claim_data ON claim_data.key = claim.key "
                                    "WHERE iri IN ({}) AND row IS NOT NULL", sorted(set(iris)))
            known = {links: self._derived.get(links) for *_, links in found}
            pairs = {pair: pair.partition(":") for links, fields in known.items() if fields is None
                     for pair in links.split()}
            texts = dict(self._select_in("SELECT id, iri FROM node WHERE id IN ({})",
                                         sorted({int(i) for p, _, n in pairs.values() for i in (p, n)})))
        if len(self._derived) > _DERIVED_KEPT:
            self._derived.clear()
        for links, fields in known.items():
            if fields is None:
                known[links] = self._derived[links] = claim_rows.from_links(
                    (texts[int(p)], texts[int(n)]) for p, _, n in (pairs[pair] for pair in links.split()))
        return {iri: claim_rows.unpack(iri, data, known[links]) for iri, data, links in found}

    def claim_counts(self, nodes: Iterable[str]) -> dict[str, int]:
        """How many claims link to each node by any of LINKS (the kept count): each node looked up by its IRI,
        then its count by key. (Joined the other way, SQLite read the counts of every node in the store.)"""
        with self._lock:
            pred = self._term(ANY)
            if pred is None:
                return {}
            return dict(self._select_in("SELECT node.iri, node_count.claims FROM node CROSS JOIN node_count "
                                        "ON node_count.node = node.id AND node_count.pred = ? "
                                        "WHERE node.iri IN ({})", sorted(set(nodes)), pred))

    def neighbours(self, node: str, limit: int) -> list[tuple[str, int, str | None, str | None]]:
        """The nodes a claim of `node` also names by VIA, with how many of its claims name both, most first, each
        with its kind and least label from the label index (None for either when it has not both), read by the
        row ids in hand rather than looked up again by IRI. Only the pairs down to the limit-th count are joined
        to their nodes' IRIs for the ties: a metric named with 129,000 others at 1 GB read them all (280 ms)."""
        with self._lock:
            node_id = self._term(node)
            if node_id is None:
                return []
            least = self._least_claims("node_pair", node_id, limit)
            rows = self._db.execute(
                "SELECT iri, claims, kind, (SELECT MIN(name.text) FROM name WHERE name.node = pair.other_id "
                "AND name.field = 'label') FROM (SELECT other.id AS other_id, other.iri AS iri, other.kind AS kind, "
                "node_pair.claims AS claims FROM node_pair JOIN node AS other ON other.id = node_pair.other "
                "WHERE node_pair.node = ? AND node_pair.claims >= ? "
                "ORDER BY node_pair.claims DESC, other.iri LIMIT ?) AS pair ORDER BY claims DESC, iri",
                (node_id, least, limit)).fetchall()
        return [(iri, claims, kind, label) if kind is not None and label is not None else (iri, claims, None, None)
                for iri, claims, kind, label in rows]

    def groups(self, node: str, limit: int, offset: int = 0) -> tuple[list[tuple[str, str, int, str, str | None]],
                                                                     int, int]:
        """The node's `limit` largest claim groups after the `offset` largest (key, year, claims, its first claim
        as kept, the key's label when the label index knows the key's kind and label, else None), ties by the
        key's label (the label index's, else the key as written) and year: the groups down to the
        (offset + limit)-th count read from the index by size and sorted here, so a first page of a node with
        thousands of groups of one reads only its largest; and how many groups and how many memberships it has
        in all (sums of kept counts, one per group)."""
        with self._lock:
            node_id = self._term(node)
            if node_id is None:
                return [], 0, 0
            groups, claims = self._db.execute("SELECT COUNT(*), COALESCE(SUM(claims), 0) FROM node_group "
                                              "WHERE node = ?", (node_id,)).fetchone()
            least = self._least_claims("node_group", node_id, offset + limit)
            chosen = self._db.execute(
                "SELECT k.iri, year, claims, n.id, k.kind, (SELECT MIN(name.text) FROM name "
                "WHERE name.node = k.id AND name.field = 'label') AS named "
                "FROM node_group n JOIN node k ON k.id = n.key WHERE n.node = ? AND claims >= ? "
                "ORDER BY claims DESC, COALESCE(named, k.iri), year LIMIT ? OFFSET ?",
                (node_id, least, limit, offset)).fetchall()
            # Each group's first claim: an index seek per group, in one statement per 500 groups.
            first = dict(self._select_in(
                "SELECT id, (SELECT claim.iri FROM group_claim JOIN claim ON claim.key = group_claim.claim "
                "WHERE grp = id ORDER BY group_claim.claim LIMIT 1) FROM node_group WHERE id IN ({})",
                [grp for _, _, _, grp, *_ in chosen]))
        return ([(key, year, count, first[grp], named if kind is not None else None)
                 for key, year, count, grp, kind, named in chosen], groups, claims)

    def group_claims(self, node: str, key: str | None, year: str | None, limit: int) -> tuple[list[str], int]:
        """The first `limit` claims of the node's group (`key`, `year`; either may be None: every key or year)
        by IRI (one index range for one group: the claims' keys sort as their IRIs), and how many there are: exact
        below the limit or for one group, else the sum of the groups' kept counts (a claim in two of them counts
        twice)."""
        with self._lock:
            node_id = self._term(node)
            key_id = self._term(key) if key is not None else None
            if node_id is None or (key is not None and key_id is None):
                return [], 0
            where = " AND ".join(["node = ?", *(f"{name} = ?" for name, value in (("key", key), ("year", year))
                                                if value is not None)])
            args = [node_id, *(v for v in (key_id, year) if v is not None)]
            one = self._db.execute(f"SELECT id FROM node_group WHERE {where}", args).fetchone() \
                if key is not None and year is not None else None
            if one is not None:  # one group: its first claims read in key order, `limit` of them and no more
                iris = [r[0] for r in self._db.execute(
                    "SELECT claim.iri FROM group_claim JOIN claim ON claim.key = group_claim.claim WHERE grp = ? "
                    "ORDER BY group_claim.claim LIMIT ?", (one[0], limit))]
            else:  # several groups: their claims merged and made distinct before the cut
                iris = [r[0] for r in self._db.execute(
                    "SELECT claim.iri FROM (SELECT DISTINCT claim AS k FROM group_claim "
                    f"WHERE grp IN (SELECT id FROM node_group WHERE {where}) ORDER BY claim LIMIT ?) "
                    "JOIN claim ON claim.key = k ORDER BY k", (*args, limit))]
            if len(iris) < limit:
                return iris, len(iris)
            total = self._db.execute(f"SELECT COALESCE(SUM(claims), 0) FROM node_group WHERE {where}",
                                     args).fetchone()[0]
        return iris, total

def store_records(store, graph: ox.NamedNode) -> list[ClaimRecord]:
    """A stored page's claim records, read from its whole graph (the rows take the evidence chain too)."""
    return records(store.quads_for_pattern(None, None, None, graph))
