"""An ingest worker reads pages for hours: no memo of the extraction may grow with the text it has read."""

from __future__ import annotations

import functools
import inspect
import sys

import kg.ingest  # noqa: F401  (loads every module a worker runs)
from kg.extract import periods, units


def _memos():
    """(name, memoised function) of every functools cache in the kg modules an ingest worker has loaded."""
    for name, module in list(sys.modules.items()):
        if name.startswith("kg.") and module is not None:
            for attr, value in vars(module).items():
                if isinstance(value, functools._lru_cache_wrapper) and value.__module__ == name:
                    yield f"{name}.{attr}", value


def test_every_memo_with_arguments_is_bounded():
    memos = dict(_memos())
    assert "kg.extract.periods.resolve_period" in memos and len(memos) > 10
    unbounded = [name for name, memo in memos.items()
                 if memo.cache_info().maxsize is None and inspect.signature(memo.__wrapped__).parameters]
    assert unbounded == []


def test_resolve_period_keeps_at_most_its_bound_over_many_dates():
    for day in range(1, 29):
        for month in range(1, 13):
            for year in (2019, 2020, 2021):
                assert periods.resolve_period("今年以来", f"{year}-{month:02d}-{day:02d}", None)[0] == f"{year}-01-01"
    assert periods.resolve_period.cache_info().currsize <= periods.RESOLVED_KEPT < 28 * 12 * 3


def test_unit_lookup_keeps_at_most_its_bound_over_unknown_words():
    for n in range(units.UNITS_KEPT + 50):
        assert units.lookup(f"新建道路第{n}段") is None
    assert units.lookup.cache_info().currsize <= units.UNITS_KEPT
    found = units.lookup("万元")
    assert found is not None and found.factor == 10_000
