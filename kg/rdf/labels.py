"""A full-text index of the shared nodes' names, kept in SQLite FTS5 beside the embedded store.

Label search must not scan every label in the store. The names (preferred
label, aliases, region code) of the regions, agencies, programs,
organisations and metrics are written here by the same calls that write them
into the store's shared graph. Chinese has no spaces and a one-character query
(县, 镇) must match, so every character is its own token (unigrams) and a query
is a phrase of its characters: 新邵县 matches the names holding 新, 邵, 县 in a
row, 县 every name with 县 in it. (FTS5's trigram tokenizer cannot match a
query shorter than three characters; a word segmenter would miss a name cut
differently from the query.) Ranking — exact name, then prefix, then
substring; shorter preferred labels first; ties by IRI — must cost what the
answer costs, not what the needle's matches cost (县 is in most region names):
each name row keeps its node's label length (`klen`), exact and prefix hits
come from an index on (klen, folded name) probed one length at a time, and a
name's FTS rowid starts with klen, so FTS5's own rowid order yields substring
hits shortest label first and the scan stops once `limit` nodes and their
length are complete.

A SPARQL update can change names the index never saw: the store then marks the
index stale and a thread of its own rebuilds it from the shared graph, which is
small (one description per node, not per page); until then the store's searches
answer None and the caller scans labels with SPARQL (kg.rdf.store.EmbeddedStore.ready).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.rdf.vocab import ENTITY_CLASSES, KG, RDF, SKOS

FILE_NAME = "labels.sqlite"
KINDS = {node.value: kind for kind, node in ENTITY_CLASSES.items()} | {KG.Metric.value: "metric"}
NAME_PREDICATES = (SKOS.prefLabel, SKOS.altLabel, SKOS.notation)
_NAMES = dict(zip((p.value for p in NAME_PREDICATES), ("label", "alias", "code"), strict=True))

# A node's row is never deleted (a forgotten node keeps its row, without kind or names): the summaries
# (kg.rdf.summaries) intern their IRIs in the same table and keep its ids.
NODE_TABLE = "CREATE TABLE IF NOT EXISTS node (id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, kind TEXT)"
# Each name is stored once (table name); the FTS5 table keeps only its index of the name's characters
# (external content: its rows are never read back, and deleting one passes the indexed text again).
_SCHEMA = f"""
{NODE_TABLE};
CREATE TABLE IF NOT EXISTS name (id INTEGER PRIMARY KEY, node INTEGER NOT NULL, field TEXT NOT NULL,
                                 text TEXT NOT NULL, folded TEXT NOT NULL, klen INTEGER NOT NULL,
                                 UNIQUE (node, field, text));
CREATE INDEX IF NOT EXISTS name_rank ON name (klen, folded);
CREATE VIRTUAL TABLE IF NOT EXISTS grams USING fts5(chars, content = 'name', content_rowid = 'id',
                                                    tokenize = 'unicode61 remove_diacritics 0');
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

# A name's id (its FTS rowid) is klen << _SHIFT | a sequence number, so rowid order is label-length order.
_SHIFT = 32
_MAX_KLEN = 1 << 20
_FIELD_ORDER = {"label": 0, "alias": 1, "code": 2}


def stale_mark(db: sqlite3.Connection, table: str) -> int:
    """Set or raise the generation of the stale mark in `table` (a key-value table); the new generation."""
    db.execute(f"INSERT INTO {table} VALUES ('stale', '1') "
               "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1")
    return int(db.execute(f"SELECT value FROM {table} WHERE key = 'stale'").fetchone()[0])


def clear_stale_mark(db: sqlite3.Connection, table: str, generation: int) -> bool:
    """Clear the stale mark unless a later mark raised its generation; whether it was cleared."""
    return db.execute(f"DELETE FROM {table} WHERE key = 'stale' AND CAST(value AS INTEGER) = ?",
                      (generation,)).rowcount > 0


def fold(text: str) -> str:
    """The text as the exact and prefix tiers compare it: its letters and digits, case-folded (the index's
    tokens without their spaces)."""
    return "".join(filter(str.isalnum, text.casefold()))


def chars(text: str) -> str:
    """The text's letters and digits as space-separated characters: the index's tokens. Punctuation, spaces
    and control characters are no tokens (unicode61 would split on them anyway), so a query made of them
    matches nothing rather than reaching FTS5's query parser."""
    return " ".join(filter(str.isalnum, text.casefold()))


def _phrase(query: str) -> str | None:
    """An FTS5 phrase of the query's characters, quotes doubled; None when nothing is left to match."""
    tokens = chars(query)
    return '"' + tokens.replace('"', '""') + '"' if tokens else None


@dataclass
class Hit:
    iri: str
    kind: str
    label: str
    code: str | None
    match: str  # which name matched: label, alias or code


class LabelIndex:
    """The FTS5 index in one SQLite file; safe to share between threads (one connection, one lock)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(name)")}
        if columns and "klen" not in columns:
            self._migrate()
        self._db.executescript(_SCHEMA)

    def _migrate(self) -> None:
        """Re-index a file written before names kept their label length, in one transaction, from its own rows
        (a file without the store beside it loses nothing)."""
        db = self._db
        db.execute("PRAGMA busy_timeout=60000")  # another process opening the same old file migrates it first
        db.execute("BEGIN IMMEDIATE")
        if "klen" in {row[1] for row in db.execute("PRAGMA table_info(name)")}:
            db.execute("COMMIT")
            return
        kinds = db.execute("SELECT iri, kind FROM node WHERE kind IS NOT NULL").fetchall()
        names = db.execute("SELECT node.iri, name.field, name.text FROM name JOIN node ON node.id = name.node "
                           "ORDER BY name.id").fetchall()
        for table in ("grams", "name", "node"):
            db.execute(f"DROP TABLE {table}")
        db.execute("DROP TABLE IF EXISTS summary_meta")  # the summaries' node ids are gone: counted anew
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                db.execute(statement)
        self._write(kinds, names)
        db.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- writing ---------------------------------------------------------------------------------------------

    def add(self, quads: Iterable[ox.Quad | ox.Triple]) -> None:
        """Index the kinds and names among these statements (any others are ignored)."""
        kinds: list[tuple[str, str]] = []
        names: list[tuple[str, str, str]] = []
        for q in quads:
            s, p, o = q.subject, q.predicate, q.object
            if not isinstance(s, ox.NamedNode):
                continue
            if p == RDF.type and o.value in KINDS:
                kinds.append((s.value, KINDS[o.value]))
            elif p.value in _NAMES and isinstance(o, ox.Literal):
                names.append((s.value, _NAMES[p.value], o.value))
        if not kinds and not names:
            return
        with self._lock:
            self._db.execute("BEGIN")
            self._write(kinds, names)
            self._db.execute("COMMIT")

    def _write(self, kinds: list[tuple[str, str]], names: list[tuple[str, str, str]]) -> None:
        """Insert kinds and new names inside the caller's transaction. A node's names all carry its label length
        (its shortest preferred label, or its IRI's last segment without one); a new label that shortens it
        moves the node's older names to their new rowids."""
        db = self._db
        by_node: dict[str, dict[tuple[str, str], None]] = {}
        for iri, field, text in names:
            by_node.setdefault(iri, {})[(field, text)] = None
        created: dict[str, int] = {}  # nodes new in this write: no names to read back
        for iri in {k[0] for k in kinds} | by_node.keys():
            cursor = db.execute("INSERT OR IGNORE INTO node (iri) VALUES (?)", (iri,))
            if cursor.rowcount:
                created[iri] = cursor.lastrowid
        db.executemany("UPDATE node SET kind = ? WHERE iri = ?", [(kind, iri) for iri, kind in kinds])
        row = db.execute("SELECT value FROM meta WHERE key = 'seq'").fetchone()
        seq = int(row[0]) if row else 0
        for iri, wanted in by_node.items():
            if iri in created:
                node, rows = created[iri], []
            else:
                node = db.execute("SELECT id FROM node WHERE iri = ?", (iri,)).fetchone()[0]
                rows = db.execute("SELECT id, field, text, klen FROM name WHERE node = ?", (node,)).fetchall()
            fresh = [name for name in wanted if name not in {(f, t) for _, f, t, _ in rows}]
            if not fresh:
                continue
            labels = [t for _, f, t, _ in rows if f == "label"] + [t for f, t in fresh if f == "label"]
            klen = min(min(map(len, labels)) if labels else len(iri.rsplit("/", 1)[-1]), _MAX_KLEN - 1)
            for rowid, _, text, old in rows:
                if old != klen:
                    seq += 1
                    db.execute("INSERT INTO grams (grams, rowid, chars) VALUES ('delete', ?, ?)", (rowid, chars(text)))
                    db.execute("UPDATE name SET id = ?, klen = ? WHERE id = ?", (klen << _SHIFT | seq, klen, rowid))
                    db.execute("INSERT INTO grams (rowid, chars) VALUES (?, ?)", (klen << _SHIFT | seq, chars(text)))
            for field, text in fresh:
                seq += 1
                db.execute("INSERT INTO name (id, node, field, text, folded, klen) VALUES (?, ?, ?, ?, ?, ?)",
                           (klen << _SHIFT | seq, node, field, text, fold(text), klen))
                db.execute("INSERT INTO grams (rowid, chars) VALUES (?, ?)", (klen << _SHIFT | seq, chars(text)))
        if seq >= 1 << _SHIFT:
            raise ValueError(f"{self.path}: more names written than rowids hold; rebuild the index")
        db.execute("INSERT OR REPLACE INTO meta VALUES ('seq', ?)", (str(seq),))

    def remove(self, iris: Iterable[str]) -> None:
        """Forget these nodes (dropped from the shared graph)."""
        chosen = [(i,) for i in iris]
        if not chosen:
            return
        with self._lock:
            self._db.execute("BEGIN")
            for (iri,) in chosen:
                rows = self._db.execute("SELECT name.id, name.text FROM name JOIN node ON node.id = name.node "
                                        "WHERE node.iri = ?", (iri,)).fetchall()
                self._db.executemany("INSERT INTO grams (grams, rowid, chars) VALUES ('delete', ?, ?)",
                                     [(rowid, chars(text)) for rowid, text in rows])
                self._db.executemany("DELETE FROM name WHERE id = ?", [(rowid,) for rowid, _ in rows])
                self._db.execute("UPDATE node SET kind = NULL WHERE iri = ?", (iri,))
            self._db.execute("COMMIT")

    def clear(self) -> None:
        """Forget every name; a stale mark stays (it is cleared only by the rebuild that began after it)."""
        with self._lock:
            self._db.execute("BEGIN")
            self._db.execute("INSERT INTO grams (grams) VALUES ('delete-all')")
            self._db.execute("UPDATE node SET kind = NULL WHERE kind IS NOT NULL")
            self._db.execute("DELETE FROM name")
            self._db.execute("DELETE FROM meta WHERE key != 'stale'")
            self._db.execute("COMMIT")

    def mark_stale(self) -> int:
        """Mark the index stale and return the mark's generation, which every further mark raises."""
        with self._lock:
            return stale_mark(self._db, "meta")

    @property
    def stale(self) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM meta WHERE key = 'stale'").fetchone() is not None

    def rebuild(self, quads: Iterable[ox.Quad]) -> bool:
        """Index anew from these statements (the shared nodes' types and names), read only once the index is
        marked stale; it stays so until every one is in. True when that mark is then cleared; False when it was
        marked again meanwhile (a write the statements may have missed), so it stays stale for another rebuild."""
        generation = self.mark_stale()
        self.clear()
        batch: list[ox.Quad] = []
        for q in quads:
            batch.append(q)
            if len(batch) >= 10000:
                self.add(batch)
                batch = []
        self.add(batch)
        with self._lock:
            return clear_stale_mark(self._db, "meta", generation)

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM node WHERE kind IS NOT NULL").fetchone()[0]

    # -- reading ---------------------------------------------------------------------------------------------

    def named(self, iris: Iterable[str]) -> dict[str, tuple[str, str]]:
        """(kind, preferred label) of the indexed nodes among `iris` that have both; the least label when a
        node has several, as kg.web.graph_view.Info.label takes it."""
        chosen = sorted(set(iris))
        found: dict[str, tuple[str, str]] = {}
        with self._lock:
            for start in range(0, len(chosen), 500):
                part = chosen[start:start + 500]
                rows = self._db.execute(
                    "SELECT node.iri, node.kind, MIN(name.text) FROM node JOIN name ON name.node = node.id "
                    f"AND name.field = 'label' WHERE node.iri IN ({', '.join('?' * len(part))}) "
                    "AND node.kind IS NOT NULL GROUP BY node.id", part).fetchall()
                found.update((iri, (kind, label)) for iri, kind, label in rows)
        return found

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        """Nodes with a name holding the query: exact names first, then prefixes, then the rest; shorter
        preferred labels first within each, ties by IRI. Each tier is read in label-length order and stops
        once `limit` nodes and every node of the last one's length are in hand."""
        phrase, needle = _phrase(query), fold(query)
        if phrase is None or not needle or limit <= 0:
            return []
        with self._lock:
            chosen: list[tuple[int, str, str, int]] = []  # (klen, iri, field, node id) in answer order
            taken: set[int] = set()
            lengths = self._lengths()
            within = f"klen IN ({', '.join(map(str, lengths))})"  # integers from the index: one seek each, in order
            tiers = [(f"SELECT id, node, field FROM name WHERE {within} AND folded = ? ORDER BY klen", (needle,)),
                     (f"SELECT id, node, field FROM name WHERE {within} AND folded > ? AND folded < ? ORDER BY klen",
                      (needle, needle + "\U0010ffff")),
                     ("SELECT grams.rowid, name.node, name.field FROM grams JOIN name ON name.id = grams.rowid "
                      "WHERE grams MATCH ? ORDER BY grams.rowid", (f"chars : {phrase}",))]
            for sql, params in tiers:  # a tier's statement runs only when the ones before it left room
                if len(chosen) >= limit:
                    break
                chosen += self._tier(self._db.execute(sql, params), limit - len(chosen), taken)
            return [self._hit(node, iri, field) for _, iri, field, node in chosen]

    def _lengths(self) -> list[int]:
        """The label lengths present, shortest first: each a seek on the rank index (a skip scan), not a scan."""
        return [row[0] for row in self._db.execute(
            "WITH RECURSIVE length(k) AS (SELECT MIN(klen) FROM name UNION ALL "
            "SELECT (SELECT MIN(klen) FROM name WHERE klen > length.k) FROM length WHERE length.k IS NOT NULL) "
            "SELECT k FROM length WHERE k IS NOT NULL")]

    def _tier(self, rows: Iterable[tuple[int, int, str]], need: int,
              taken: set[int]) -> list[tuple[int, str, str, int]]:
        """The first `need` typed nodes among name rows (rowid, node, field) that come in label-length order,
        skipping nodes in `taken` (an earlier tier's) and adding the chosen ones to it."""
        found: dict[int, tuple[int, str, str]] = {}  # node -> (klen, iri, best matching field)
        cutoff: int | None = None
        for rowid, node, field in rows:
            klen = rowid >> _SHIFT
            if cutoff is not None and klen > cutoff:
                break
            if node in taken:
                continue
            if node in found:
                if _FIELD_ORDER[field] < _FIELD_ORDER[found[node][2]]:
                    found[node] = (klen, found[node][1], field)
                continue
            typed = self._db.execute("SELECT iri FROM node WHERE id = ? AND kind IS NOT NULL", (node,)).fetchone()
            if typed is None:
                taken.add(node)  # an untyped node is never a hit; skip its other names without a lookup
                continue
            found[node] = (klen, typed[0], field)
            if cutoff is None and len(found) >= need:
                cutoff = klen
        ranked = sorted((klen, iri, field, node) for node, (klen, iri, field) in found.items())[:need]
        taken.update(node for *_, node in ranked)
        return ranked

    def _hit(self, node: int, iri: str, field: str) -> Hit:
        kind, label, code = self._db.execute(
            "SELECT node.kind, (SELECT text FROM name WHERE node = node.id AND field = 'label' "
            "ORDER BY length(text), text LIMIT 1), (SELECT MIN(text) FROM name WHERE node = node.id AND "
            "field = 'code') FROM node WHERE node.id = ?", (node,)).fetchone()
        return Hit(iri, kind, label or iri.rsplit("/", 1)[-1], code if kind == "region" else None, field)
