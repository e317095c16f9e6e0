"""The label-search index beside the embedded store (SQLite FTS5, one token per character)."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pyoxigraph as ox

from kg.rdf import iris
from kg.rdf.labels import LabelIndex
from kg.rdf.store import EmbeddedStore, open_store
from kg.rdf.vocab import KG, RDF, SKOS

SHARED = ox.NamedNode(iris.shared_graph_iri())


def region(code: str, label: str, *aliases: str) -> list[ox.Quad]:
    node = ox.NamedNode(iris.region_iri(code))
    return [ox.Quad(node, RDF.type, KG.Region, SHARED), ox.Quad(node, SKOS.prefLabel, ox.Literal(label, language="zh"),
                                                                  SHARED),
            ox.Quad(node, SKOS.notation, ox.Literal(code), SHARED)] + [
        ox.Quad(node, SKOS.altLabel, ox.Literal(a, language="zh"), SHARED) for a in aliases]


INVENTED = region("990101", "青石县", "青石") + region("990102", "青石县白沙镇") + region("990103", "红河市")


def test_one_character_query_matches_inside_names(tmp_path: Path) -> None:
    index = LabelIndex(tmp_path / "labels.sqlite")
    index.add(INVENTED)
    assert [h.label for h in index.search("县")] == ["青石县", "青石县白沙镇"]
    assert [h.label for h in index.search("沙")] == ["青石县白沙镇"]
    assert index.search("石白") == [], "the characters must stand in a row"


def test_exact_then_prefix_then_substring(tmp_path: Path) -> None:
    index = LabelIndex(tmp_path / "labels.sqlite")
    index.add(INVENTED)
    hits = index.search("青石")
    assert [(h.label, h.match) for h in hits] == [("青石县", "alias"), ("青石县白沙镇", "label")]
    assert [(h.label, h.code, h.match) for h in index.search("990103")] == [("红河市", "990103", "code")]
    assert index.search("  ") == [] and index.search('"') == []


def test_the_store_writes_and_forgets_names_with_its_pages(tmp_path: Path) -> None:
    page = ox.NamedNode(iris.graph_iri("invented.txt"))
    page_node = ox.NamedNode(iris.page_iri("invented.txt"))
    refs = [ox.Quad(page_node, KG.uses, ox.NamedNode(iris.region_iri(c)), page) for c in ("990101", "990102")]
    with open_store(tmp_path / "db") as store:
        assert isinstance(store, EmbeddedStore)
        store.replace_graph(page.value, refs + INVENTED[:-3])
        assert [h.label for h in store.search_labels("县") or []] == ["青石县", "青石县白沙镇"]
        store.remove_graph(page.value)
        assert store.search_labels("县") == []


def test_a_sparql_update_makes_the_index_rebuild(tmp_path: Path) -> None:
    with open_store(tmp_path / "db") as store:
        assert isinstance(store, EmbeddedStore)
        body = " ".join(f"{q.subject} {q.predicate} {q.object} ." for q in INVENTED)
        store.update(f"INSERT DATA {{ GRAPH {SHARED} {{ {body} }} }}")
        assert store.search_labels("红") is None, "stale: the caller scans the names with SPARQL meanwhile"
        store.ready(wait=True)
        assert [h.label for h in store.search_labels("红") or []] == ["红河市"]


def agency(key: str, label: str | None, *aliases: str, typed: bool = True) -> list[ox.Quad]:
    node = ox.NamedNode(f"https://kg.example.org/id/agency/{key}")
    quads = [ox.Quad(node, RDF.type, KG.Agency, SHARED)] if typed else []
    if label is not None:
        quads.append(ox.Quad(node, SKOS.prefLabel, ox.Literal(label, language="zh"), SHARED))
    return quads + [ox.Quad(node, SKOS.altLabel, ox.Literal(a, language="zh"), SHARED) for a in aliases]


def expected(names: dict[str, list[str]], labels: dict[str, str], needle: str, limit: int) -> list[str]:
    """The ranking contract spelt out by brute force: best tier over a node's names, then label length, then IRI."""
    ranked = []
    for iri, texts in names.items():
        tiers = [0 if t == needle else 1 if t.startswith(needle) else 2 for t in texts if needle in t]
        if tiers:
            ranked.append((min(tiers), len(labels[iri]), iri))
    return [iri for *_, iri in sorted(ranked)[:limit]]


def test_ties_within_a_tier_go_by_iri(tmp_path: Path) -> None:
    index = LabelIndex(tmp_path / "labels.sqlite")
    index.add(agency("b", "丙丁局") + agency("a", "甲丁局") + agency("c", "丁局") + agency("d", "戊己丁局办"))
    assert [h.iri.rsplit("/", 1)[-1] for h in index.search("丁")] == ["c", "a", "b", "d"]
    assert [h.iri.rsplit("/", 1)[-1] for h in index.search("丁", limit=2)] == ["c", "a"]
    assert [h.iri.rsplit("/", 1)[-1] for h in index.search("丁局")] == ["c", "a", "b", "d"]


def test_a_common_character_over_many_names_gives_the_right_first_ones(tmp_path: Path) -> None:
    rng = random.Random(7)
    stock = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰"
    names: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    quads: list[ox.Quad] = []
    for n in range(600):
        label = "".join(rng.choice(stock) for _ in range(rng.randint(1, 7)))
        aliases = ["".join(rng.choice(stock) for _ in range(rng.randint(1, 4)))] if n % 3 == 0 else []
        iri = f"https://kg.example.org/id/agency/n{rng.randrange(10 ** 6):06d}-{n}"
        names[iri], labels[iri] = [label, *aliases], label
        quads += agency(iri.rsplit("/", 1)[-1], label, *aliases)
    index = LabelIndex(tmp_path / "labels.sqlite")
    for start in range(0, len(quads), 97):  # several writes, as pages arrive
        index.add(quads[start:start + 97])
    for needle in ("甲", "子", "甲乙", "丙丁戊"):
        for limit in (1, 5, 20, 300):
            found = [h.iri for h in index.search(needle, limit)]
            assert found == expected(names, labels, needle, limit), (needle, limit)


def test_a_later_shorter_label_moves_the_node_up(tmp_path: Path) -> None:
    index = LabelIndex(tmp_path / "labels.sqlite")
    index.add(agency("wxyz", None, "庚辛壬癸局") + agency("y", "辛壬局"))
    assert [h.label for h in index.search("局")] == ["辛壬局", "wxyz"], "no label: the IRI's last segment stands in"
    index.add(agency("wxyz", "辛局"))
    hits = index.search("局")
    assert [(h.label, h.match) for h in hits] == [("辛局", "label"), ("辛壬局", "label")]
    index.remove(["https://kg.example.org/id/agency/wxyz"])
    assert [h.label for h in index.search("局")] == ["辛壬局"]


def test_untyped_nodes_are_no_hits(tmp_path: Path) -> None:
    index = LabelIndex(tmp_path / "labels.sqlite")
    index.add(agency("u", "壬局", typed=False) + agency("t", "癸壬局"))
    assert [h.label for h in index.search("壬", limit=1)] == ["癸壬局"]


OLD_SCHEMA = """
CREATE TABLE node (id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, kind TEXT);
CREATE TABLE name (id INTEGER PRIMARY KEY, node INTEGER NOT NULL, field TEXT NOT NULL,
                   text TEXT NOT NULL, UNIQUE (node, field, text));
CREATE VIRTUAL TABLE grams USING fts5(chars, content = 'name', content_rowid = 'id',
                                      tokenize = 'unicode61 remove_diacritics 0');
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE kept (x);
"""


def test_a_file_from_before_the_length_column_is_migrated_on_open(tmp_path: Path) -> None:
    path = tmp_path / "labels.sqlite"
    db = sqlite3.connect(path)
    db.executescript(OLD_SCHEMA)
    rows = [("https://kg.example.org/id/agency/p", "agency", "label", "乙丙局办"),
            ("https://kg.example.org/id/agency/p", "agency", "alias", "丙局"),
            ("https://kg.example.org/id/agency/q", "agency", "label", "丙局"),
            ("https://kg.example.org/id/agency/r", None, "label", "丙")]
    for iri, kind, field, text in rows:
        db.execute("INSERT OR IGNORE INTO node (iri, kind) VALUES (?, ?)", (iri, kind))
        cursor = db.execute("INSERT INTO name (node, field, text) SELECT id, ?, ? FROM node WHERE iri = ?",
                            (field, text, iri))
        db.execute("INSERT INTO grams (rowid, chars) VALUES (?, ?)", (cursor.lastrowid, " ".join(text)))
    db.execute("INSERT INTO meta VALUES ('stale', '1')")
    db.execute("INSERT INTO kept VALUES (1)")
    db.commit()
    db.close()
    index = LabelIndex(path)
    assert [(h.label, h.match) for h in index.search("丙局")] == [("丙局", "label"), ("乙丙局办", "alias")]
    assert index.stale, "a stale mark survives the migration"
    assert index.named(["https://kg.example.org/id/agency/q"]) == {"https://kg.example.org/id/agency/q":
                                                                   ("agency", "丙局")}
    index.close()
    assert sqlite3.connect(path).execute("SELECT x FROM kept").fetchall() == [(1,)], "other tables are left alone"
    assert [h.label for h in LabelIndex(path).search("丙")] == ["丙局", "乙丙局办"], "reopened: no second migration"


def test_exact_and_prefix_ignore_punctuation_and_case(tmp_path: Path) -> None:
    index = LabelIndex(tmp_path / "labels.sqlite")
    index.add(agency("m", "丙甲乙") + agency("n", "“甲乙计划”") + agency("o", "Ab-C"))
    assert [h.label for h in index.search("甲乙")] == ["“甲乙计划”", "丙甲乙"], "the quoted name starts with 甲乙"
    assert [(h.label, h.match) for h in index.search("abc")] == [("Ab-C", "label")]
