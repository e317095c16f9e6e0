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
marks them stale, and the next read rebuilds them from the store's claim
statements, read predicate by predicate and graph by graph.

What is counted is exactly what the SPARQL aggregates in `SPARQL` count over the
union of the page graphs; tests hold the two equal after adds, replacements and
removals.
"""

from __future__ import annotations

import itertools
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.rdf.vocab import KG, RDF, SCHEMA, SKOS

# A claim's links to the nodes it is about, as the graph API follows them (kg.web.graph_view.CLAIM_LINKS).
LINKS = (SCHEMA.about, KG.region, KG.agency, KG.program, KG.metric)
STARTING = {KG.region.value: "region", KG.agency.value: "agency", KG.program.value: "program"}
ANY = ""  # the pred of a node's count of claims linking to it by any of LINKS
REGIONAL = "regional"  # the pred of a metric's count of claims that name a region too
_KEY_PARTS = (SCHEMA.about, KG.region, KG.subjectLabel, KG.regionLabel, KG.metric, KG.metricLabel,
              SCHEMA.temporalCoverage, SCHEMA.unitText, SCHEMA.value)
PREDICATES = tuple(dict.fromkeys((RDF.type, *LINKS, *_KEY_PARTS)))

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

_SCHEMA = """
CREATE TABLE IF NOT EXISTS claim (iri TEXT PRIMARY KEY, graph TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS claim_graph ON claim (graph);
CREATE TABLE IF NOT EXISTS claim_link (node TEXT NOT NULL, claim TEXT NOT NULL, pred TEXT NOT NULL,
                                       PRIMARY KEY (node, claim, pred)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS claim_link_claim ON claim_link (claim);
CREATE TABLE IF NOT EXISTS node_count (node TEXT NOT NULL, pred TEXT NOT NULL, claims INTEGER NOT NULL,
                                       PRIMARY KEY (node, pred)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS node_count_busiest ON node_count (pred, claims DESC);
CREATE TABLE IF NOT EXISTS metric_region (metric TEXT NOT NULL, region TEXT NOT NULL, claims INTEGER NOT NULL,
                                          PRIMARY KEY (metric, region)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS conflict_group (id INTEGER PRIMARY KEY, subject TEXT NOT NULL, metric TEXT NOT NULL,
    period TEXT NOT NULL, unit TEXT NOT NULL, subject_text TEXT NOT NULL, metric_text TEXT NOT NULL,
    period_text TEXT NOT NULL, unit_text TEXT NOT NULL, n_values INTEGER NOT NULL, claims INTEGER NOT NULL,
    UNIQUE (subject, metric, period, unit));
CREATE INDEX IF NOT EXISTS conflict_order ON conflict_group (subject_text, metric_text, period_text, unit_text)
    WHERE n_values > 1;
CREATE TABLE IF NOT EXISTS conflict_value (grp INTEGER NOT NULL, value TEXT NOT NULL, number REAL,
                                           claims INTEGER NOT NULL, PRIMARY KEY (grp, value)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS conflict_claim (claim TEXT NOT NULL, grp INTEGER NOT NULL, value TEXT NOT NULL,
                                           PRIMARY KEY (claim, grp, value)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS conflict_claim_group ON conflict_claim (grp, claim);
CREATE TABLE IF NOT EXISTS summary_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
_TABLES = ("claim", "claim_link", "node_count", "metric_region", "conflict_group", "conflict_value",
           "conflict_claim", "summary_meta")

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Key = tuple[str, str, str, str]  # subject, metric, period, unit: N-Triples terms (the group's identity)
Texts = tuple[str, str, str, str]  # their string values (the order and the answer)


@dataclass(frozen=True)
class ClaimRecord:
    """What the summaries count of one claim: its links to nodes and its conflict keys with their values."""

    iri: str
    links: frozenset[tuple[str, str]] = frozenset()  # (predicate, node IRI)
    keys: frozenset[tuple[Key, Texts, str, float | None]] = frozenset()  # (key, its texts, value term, number)

    def pairs(self) -> set[tuple[str, str]]:
        """(metric, region) pairs the claim reports."""
        metrics = [n for p, n in self.links if p == KG.metric.value]
        regions = [n for p, n in self.links if p == KG.region.value]
        return set(itertools.product(metrics, regions))


def _number(term: Term) -> float | None:
    try:
        return float(term.value)
    except ValueError:
        return None


def _first_of(props: dict[str, list[Term]], *predicates: ox.NamedNode) -> list[Term]:
    """The values of the first of the predicates that has any."""
    for predicate in predicates:
        if props.get(predicate.value):
            return props[predicate.value]
    return []


def records(triples: Iterable[ox.Triple | ox.Quad]) -> list[ClaimRecord]:
    """The claim records among a page's statements (subjects typed kg:Claim; other statements are ignored).
    Conflict keys follow the SPARQL aggregate: subject = about, else region, else the written subject or
    region; metric = the metric node, else its written name; unit = the unit, else ""; one key per
    combination of values when a property has several."""
    props: dict[str, dict[str, list[Term]]] = {}
    claims: set[str] = set()
    wanted = {p.value for p in PREDICATES}
    for t in triples:
        s, p, o = t.subject, t.predicate, t.object
        if not isinstance(s, ox.NamedNode) or p.value not in wanted:
            continue
        if p == RDF.type:
            if o == KG.Claim:
                claims.add(s.value)
            continue
        values = props.setdefault(s.value, {}).setdefault(p.value, [])
        if o not in values:
            values.append(o)  # type: ignore[arg-type]
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
            ((str(s), str(m), str(p), str(u)), (s.value, m.value, p.value, u.value), str(v), _number(v))
            for s, m, p, u, v in itertools.product(subjects, metrics, found.get(SCHEMA.temporalCoverage.value, []),
                                                   units, found.get(SCHEMA.value.value, [])))
        out.append(ClaimRecord(iri, links, keys))
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
    claims: list[str] = field(default_factory=list)
    values: int = 0  # distinct values
    low: float | None = None  # the spread of the numeric values
    high: float | None = None


class Summaries:
    """The summary tables in the label index's SQLite file (whose names they join for labels); one connection
    of their own, one lock, like LabelIndex. `created` says the tables were new (an older store's file)."""

    def __init__(self, path: str | Path) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA busy_timeout=10000")
        self.created = self._db.execute("SELECT 1 FROM sqlite_master WHERE name = 'summary_meta'").fetchone() is None
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- writing ---------------------------------------------------------------------------------------------

    def add(self, graph: str, found: Iterable[ClaimRecord]) -> None:
        """Count a page's claims (a page already counted is replaced: `remove` first)."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._remove(graph)
                self._count(graph, list(found), 1)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def add_many(self, pages: Iterable[tuple[str, Iterable[ClaimRecord]]]) -> None:
        """`add` for many pages in one transaction (the bulk loader's batches)."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                for graph, found in pages:
                    self._remove(graph)
                    self._count(graph, list(found), 1)
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

    def _remove(self, graph: str) -> None:
        """Subtract the page's records as stored (the store's page graph may already be gone)."""
        db = self._db
        iris = [row[0] for row in db.execute("SELECT iri FROM claim WHERE graph = ?", (graph,))]
        if not iris:
            return
        stored = []
        for iri in iris:
            links = frozenset(db.execute("SELECT pred, node FROM claim_link WHERE claim = ?", (iri,)).fetchall())
            keys = frozenset(
                ((g[0], g[1], g[2], g[3]), (g[4], g[5], g[6], g[7]), value, number)
                for *g, value, number in db.execute(
                    "SELECT subject, metric, period, unit, subject_text, metric_text, period_text, unit_text, "
                    "conflict_claim.value, number FROM conflict_claim JOIN conflict_group ON id = conflict_claim.grp "
                    "JOIN conflict_value ON conflict_value.grp = id AND conflict_value.value = conflict_claim.value "
                    "WHERE claim = ?", (iri,)))
            stored.append(ClaimRecord(iri, links, keys))
        self._count(graph, stored, -1)

    def _count(self, graph: str, found: list[ClaimRecord], sign: int) -> None:
        db = self._db
        nodes: Counter[tuple[str, str]] = Counter()
        pairs: Counter[tuple[str, str]] = Counter()
        for record in found:
            for pred, node in record.links:
                nodes[(node, pred)] += sign
            for node in {n for _, n in record.links}:
                nodes[(node, ANY)] += sign
            for pair in record.pairs():
                pairs[pair] += sign
            for metric in {m for m, _ in record.pairs()}:
                nodes[(metric, REGIONAL)] += sign
        if sign > 0:
            db.executemany("INSERT OR REPLACE INTO claim VALUES (?, ?)", [(r.iri, graph) for r in found])
            db.executemany("INSERT OR IGNORE INTO claim_link VALUES (?, ?, ?)",
                           [(node, r.iri, pred) for r in found for pred, node in r.links])
        else:
            db.executemany("DELETE FROM claim_link WHERE claim = ?", [(r.iri,) for r in found])
            db.executemany("DELETE FROM claim WHERE iri = ?", [(r.iri,) for r in found])
        db.executemany("INSERT INTO node_count VALUES (?, ?, ?) "
                       "ON CONFLICT DO UPDATE SET claims = claims + excluded.claims",
                       [(node, pred, n) for (node, pred), n in nodes.items()])
        db.execute("DELETE FROM node_count WHERE claims <= 0")
        db.executemany("INSERT INTO metric_region VALUES (?, ?, ?) "
                       "ON CONFLICT DO UPDATE SET claims = claims + excluded.claims",
                       [(m, r, n) for (m, r), n in pairs.items()])
        db.execute("DELETE FROM metric_region WHERE claims <= 0")
        for record in found:
            for key, texts, value, number in record.keys:
                self._count_value(record.iri, key, texts, value, number, sign)

    def _count_value(self, claim: str, key: Key, texts: Texts, value: str, number: float | None, sign: int) -> None:
        db = self._db
        db.execute("INSERT OR IGNORE INTO conflict_group (subject, metric, period, unit, subject_text, metric_text, "
                   "period_text, unit_text, n_values, claims) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0)", (*key, *texts))
        (grp,) = db.execute("SELECT id FROM conflict_group WHERE subject = ? AND metric = ? AND period = ? "
                            "AND unit = ?", key).fetchone()
        if sign > 0:
            db.execute("INSERT INTO conflict_claim VALUES (?, ?, ?)", (claim, grp, value))
            db.execute("INSERT INTO conflict_value VALUES (?, ?, ?, 0) ON CONFLICT DO NOTHING", (grp, value, number))
        else:
            db.execute("DELETE FROM conflict_claim WHERE claim = ? AND grp = ? AND value = ?", (claim, grp, value))
        db.execute("UPDATE conflict_value SET claims = claims + ? WHERE grp = ? AND value = ?", (sign, grp, value))
        gone = db.execute("DELETE FROM conflict_value WHERE grp = ? AND value = ? AND claims <= 0",
                          (grp, value)).rowcount
        (claims,) = db.execute("SELECT claims FROM conflict_value WHERE grp = ? AND value = ?",
                               (grp, value)).fetchone() or (0,)
        new = 1 if sign > 0 and claims == 1 else -1 if gone else 0
        db.execute("UPDATE conflict_group SET n_values = n_values + ?, claims = claims + ? WHERE id = ?",
                   (new, sign, grp))
        db.execute("DELETE FROM conflict_group WHERE id = ? AND claims <= 0", (grp,))

    def clear(self) -> None:
        with self._lock:
            self._db.execute("BEGIN")
            for table in _TABLES:
                self._db.execute(f"DELETE FROM {table}")
            self._db.execute("COMMIT")

    def mark_stale(self) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO summary_meta VALUES ('stale', '1')")

    @property
    def stale(self) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM summary_meta WHERE key = 'stale'").fetchone() is not None

    def rebuild(self, pages: Iterator[tuple[str, list[ClaimRecord]]], batch: int = 200) -> None:
        """Count anew from every page's records (a store written by other means)."""
        self.clear()
        self.mark_stale()  # until every page is counted
        for chunk in iter(lambda: list(itertools.islice(pages, batch)), []):
            self.add_many(chunk)
        with self._lock:
            self._db.execute("DELETE FROM summary_meta WHERE key = 'stale'")

    # -- reading ---------------------------------------------------------------------------------------------

    def busiest(self, limit: int = 15) -> list[Entity]:
        """The regions, agencies and programs with the most claims (each label of a node its own row, as the
        aggregate groups by label); ties by label."""
        with self._lock:
            rows = self._db.execute(
                "SELECT nc.node, name.text, nc.pred, nc.claims FROM node_count nc "
                "JOIN node ON node.iri = nc.node JOIN name ON name.node = node.id AND name.field = 'label' "
                f"WHERE nc.pred IN ({', '.join('?' * len(STARTING))}) "
                "ORDER BY nc.claims DESC, name.text, nc.node, nc.pred LIMIT ?", (*STARTING, limit)).fetchall()
        return [Entity(node, label, STARTING[pred], claims) for node, label, pred, claims in rows]

    def comparable(self, limit: int = 60) -> list[Metric]:
        """Metrics that two or more regions report, most regions first, then most claims, then by label."""
        with self._lock:
            rows = self._db.execute(
                "SELECT metric, name.text, regions, node_count.claims AS total FROM "
                "(SELECT metric, COUNT(*) AS regions FROM metric_region GROUP BY metric HAVING COUNT(*) > 1) "
                "JOIN node_count ON node_count.node = metric AND node_count.pred = ? "
                "JOIN node ON node.iri = metric JOIN name ON name.node = node.id AND name.field = 'label' "
                "ORDER BY regions DESC, total DESC, name.text, metric LIMIT ?", (REGIONAL, limit)).fetchall()
        return [Metric(metric, label, regions, claims) for metric, label, regions, claims in rows]

    def conflicts(self, limit: int = 100) -> list[Conflict]:
        """The first `limit` groups with more than one value, ordered by subject, metric, period and unit text,
        each with its claims (sorted) and the spread of its values."""
        with self._lock:
            groups = self._db.execute(
                "SELECT id, subject_text, metric_text, period_text, unit_text, n_values FROM conflict_group "
                "WHERE n_values > 1 ORDER BY subject_text, metric_text, period_text, unit_text, id LIMIT ?",
                (limit,)).fetchall()
            out = []
            for grp, subject, metric, period, unit, values in groups:
                claims = [r[0] for r in self._db.execute(
                    "SELECT DISTINCT claim FROM conflict_claim WHERE grp = ? ORDER BY claim", (grp,))]
                low, high = self._db.execute("SELECT MIN(number), MAX(number) FROM conflict_value WHERE grp = ?",
                                             (grp,)).fetchone()
                out.append(Conflict(subject, metric, period, unit, claims, values, low, high))
        return out

    def claims_of(self, node: str, predicates: Iterable[str], limit: int) -> tuple[list[str], int]:
        """The first `limit` claims by IRI linking to `node` by any of the predicates, and how many there are:
        an index range read up to the limit and a kept count (a count over the range for a predicate set
        not counted on its own)."""
        chosen = sorted(set(predicates))
        marks = ", ".join("?" * len(chosen))
        with self._lock:
            rows = self._db.execute(
                f"SELECT DISTINCT claim FROM claim_link WHERE node = ? AND pred IN ({marks}) ORDER BY claim LIMIT ?",
                (node, *chosen, limit)).fetchall()
            if len(rows) < limit:
                return [r[0] for r in rows], len(rows)
            kept = ANY if set(chosen) == {p.value for p in LINKS} else chosen[0] if len(chosen) == 1 else None
            if kept is not None:
                found = self._db.execute("SELECT claims FROM node_count WHERE node = ? AND pred = ?",
                                         (node, kept)).fetchone()
                total = found[0] if found else 0
            else:
                total = self._db.execute(f"SELECT COUNT(DISTINCT claim) FROM claim_link WHERE node = ? "
                                         f"AND pred IN ({marks})", (node, *chosen)).fetchone()[0]
        return [r[0] for r in rows], total


def store_records(store, graph: ox.NamedNode) -> list[ClaimRecord]:
    """A stored page's claim records, read predicate by predicate (an index range each) from its graph."""
    return records(q for p in PREDICATES for q in store.quads_for_pattern(None, p, None, graph))
