"""bench.call_costs times every browser call in-process and lists the plans of the SQLite statements they run."""

from __future__ import annotations

from pathlib import Path

from conftest import extraction_store
from test_ui_browser import city_extraction

from bench.call_costs import measure, plans
from kg.rdf.store import open_store
from kg.web.app import create_app


def test_every_call_is_timed_split_and_answered(tmp_path: Path) -> None:
    store = open_store(extraction_store(tmp_path / "store", city_extraction()))
    app = create_app(store, query_workers=1)
    try:
        found, answers = measure(store, app, 1)
        assert {row["status"] for row in found} == {200}
        assert any(name.startswith("groups (busy region") for name in answers)
        assert all(row["cpu_ms"] > 0 and {"sparql_ms", "sqlite_ms", "index_ms"} <= row.keys() for row in found)
        statements = plans(store, app)
        counts = [plan for _, shape, plan in statements if "FROM node CROSS JOIN node_count" in shape]
        assert counts and not any(step.startswith("SCAN") for step in counts[0]), "counts read by key"
        assert any(suspect for suspect, shape, _ in statements if "metric_region" in shape), "a scan is marked"
    finally:
        store.close()
