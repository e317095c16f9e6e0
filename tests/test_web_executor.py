"""The query worker's kept read-only view and its one-pass answer, tested in-process on a real store."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.rdf.store import EmbeddedStore
from kg.web import executor
from kg.web.executor import QueryFailed, QueryJob, answer

JSON = "application/sparql-results+json"
SELECT_ALL = "SELECT * WHERE { ?s ?p ?o }"


def _store(tmp_path: Path, n: int) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path / "store")
    graph = ox.NamedNode("https://example.org/g")
    store.add_quads(ox.Quad(ox.NamedNode(f"https://example.org/s{i}"), ox.NamedNode("https://example.org/p"),
                            ox.Literal("值" * 50), graph) for i in range(n))
    return store


def _rows(job: QueryJob, location: str, version: int) -> int:
    outcome = executor._run_in_worker(location, version, job)
    assert not isinstance(outcome, QueryFailed), outcome
    return len(list(ox.parse_query_results(outcome.body, format=ox.QueryResultsFormat.JSON)))


def test_view_is_kept_until_the_store_is_written(tmp_path: Path) -> None:
    store = _store(tmp_path, 3)
    location = str(store.path)
    job = QueryJob(SELECT_ALL, JSON, "text/turtle")
    assert _rows(job, location, store.version) == 3
    kept = executor._read_view(location, store.version)
    assert executor._read_view(location, store.version) is kept
    store.update("INSERT DATA { GRAPH <https://example.org/g> "
                 "{ <https://example.org/new> <https://example.org/p> 1 } }")
    assert _rows(job, location, store.version) == 4  # the write is seen: a fresh view was opened
    assert executor._read_view(location, store.version) is not kept


@pytest.mark.parametrize("media", [JSON, "application/sparql-results+xml", "text/csv", "text/tab-separated-values"])
def test_answer_counts_against_the_cap_in_every_format(tmp_path: Path, media: str) -> None:
    store = _store(tmp_path, 20).store
    assert answer(store, QueryJob(SELECT_ALL, media, "text/turtle", max_results=20)).kind == "solutions"
    with pytest.raises(QueryFailed, match="result limit"):
        answer(store, QueryJob(SELECT_ALL, media, "text/turtle", max_results=19))


def test_answer_too_large_to_serialise_on_trust_is_counted_first(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    store = _store(tmp_path, 20).store
    whole = answer(store, QueryJob(SELECT_ALL, JSON, "text/turtle", max_results=20)).body
    monkeypatch.setattr(executor, "SERIALISED_BUDGET", 100)
    assert answer(store, QueryJob(SELECT_ALL, JSON, "text/turtle", max_results=20)).body == whole
    with pytest.raises(QueryFailed, match="result limit"):
        answer(store, QueryJob(SELECT_ALL, JSON, "text/turtle", max_results=19))
