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
substring, shorter names first — is done on the few matching rows.

A SPARQL update can change names the index never saw: the store then marks the
index stale and the next search rebuilds it from the shared graph, which is
small (one description per node, not per page).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.rdf.vocab import ENTITY_CLASSES, KG, RDF, SKOS

FILE_NAME = "labels.sqlite"
KINDS = {node.value: kind for kind, node in ENTITY_CLASSES.items()} | {KG.Metric.value: "metric"}
NAME_PREDICATES = (SKOS.prefLabel, SKOS.altLabel, SKOS.notation)
_NAMES = dict(zip((p.value for p in NAME_PREDICATES), ("label", "alias", "code"), strict=True))

# Each name is stored once (table name); the FTS5 table keeps only its index of the name's characters
# (external content: its rows are never read back, and deleting one passes the indexed text again).
_SCHEMA = """
CREATE TABLE IF NOT EXISTS node (id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, kind TEXT);
CREATE TABLE IF NOT EXISTS name (id INTEGER PRIMARY KEY, node INTEGER NOT NULL, field TEXT NOT NULL,
                                 text TEXT NOT NULL, UNIQUE (node, field, text));
CREATE VIRTUAL TABLE IF NOT EXISTS grams USING fts5(chars, content = 'name', content_rowid = 'id',
                                                    tokenize = 'unicode61 remove_diacritics 0');
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def chars(text: str) -> str:
    """The text's letters and digits as space-separated characters: the index's tokens. Punctuation, spaces
    and control characters are no tokens (unicode61 would split on them anyway), so a query made of them
    matches nothing rather than reaching FTS5's query parser."""
    return " ".join(c for c in text.casefold() if c.isalnum())


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
        self._db.executescript(_SCHEMA)

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
            for iri in {k[0] for k in kinds} | {n[0] for n in names}:
                self._db.execute("INSERT OR IGNORE INTO node (iri) VALUES (?)", (iri,))
            self._db.executemany("UPDATE node SET kind = ? WHERE iri = ?", [(kind, iri) for iri, kind in kinds])
            for iri, field, text in names:
                cursor = self._db.execute("INSERT OR IGNORE INTO name (node, field, text) "
                                          "SELECT id, ?, ? FROM node WHERE iri = ?", (field, text, iri))
                if cursor.rowcount:
                    self._db.execute("INSERT INTO grams (rowid, chars) VALUES (?, ?)", (cursor.lastrowid, chars(text)))
            self._db.execute("COMMIT")

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
                self._db.execute("DELETE FROM node WHERE iri = ?", (iri,))
            self._db.execute("COMMIT")

    def clear(self) -> None:
        with self._lock:
            self._db.execute("BEGIN")
            self._db.execute("INSERT INTO grams (grams) VALUES ('delete-all')")
            for table in ("node", "name", "meta"):
                self._db.execute(f"DELETE FROM {table}")
            self._db.execute("COMMIT")

    def mark_stale(self) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('stale', '1')")

    @property
    def stale(self) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM meta WHERE key = 'stale'").fetchone() is not None

    def rebuild(self, quads: Iterator[ox.Quad]) -> None:
        """Index anew from these statements (the shared nodes' types and names)."""
        self.clear()
        batch: list[ox.Quad] = []
        for q in quads:
            batch.append(q)
            if len(batch) >= 10000:
                self.add(batch)
                batch = []
        self.add(batch)

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
        labels first within each."""
        phrase = _phrase(query)
        if phrase is None:
            return []
        needle = "".join(query.split()).lower()
        with self._lock:
            # Ranked and cut by SQLite: only the best `limit` nodes' rows come back to Python.
            rows = self._db.execute(
                "SELECT node.iri, name.field, node.kind, COALESCE(label.text, ''), "
                "CASE WHEN lower(name.text) = ?1 THEN 0 WHEN substr(lower(name.text), 1, length(?1)) = ?1 THEN 1 "
                "ELSE 2 END AS rank "
                "FROM grams JOIN name ON name.id = grams.rowid JOIN node ON node.id = name.node "
                "LEFT JOIN name label ON label.node = node.id AND label.field = 'label' "
                "WHERE grams MATCH ?2 AND node.kind IS NOT NULL "
                "ORDER BY rank, length(label.text), node.iri, name.field <> 'label' LIMIT ?3",
                (needle, f"chars : {phrase}", limit * 4)).fetchall()
            best: dict[str, tuple[tuple[int, int, str], str, str, str]] = {}
            for iri, field, kind, label, rank in rows:
                label = label or iri.rsplit("/", 1)[-1]
                key = (rank, len(label), iri)
                if iri not in best or key < best[iri][0]:
                    best[iri] = (key, field, kind, label)
            chosen = sorted(best.values())[:limit]
            hits = []
            for (_, _, iri), field, kind, label in chosen:
                code = self._db.execute("SELECT MIN(text) FROM name JOIN node ON node.id = name.node "
                                        "WHERE node.iri = ? AND field = 'code'", (iri,)).fetchone()[0] \
                    if kind == "region" else None
                hits.append(Hit(iri, kind, label, code, field))
        return hits
