"""PageSearch counts as str.count does, before and after it indexes the page."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kg.extract.page_search import PageSearch

_TEXT = st.text(alphabet="ab县市。", max_size=60)


@given(_TEXT, st.lists(st.text(alphabet="ab县市。", max_size=6), min_size=1, max_size=50))
def test_counts_match_str_count(text: str, needles: list[str]) -> None:
    search = PageSearch(text)
    for needle in needles:
        assert search.count(needle) == text.count(needle)
    search.scans = 10**6  # the second round runs on the index
    for needle in needles:
        assert search.count(needle) == text.count(needle)


def test_overlapping_occurrences_count_once_per_stretch() -> None:
    search = PageSearch("全县全县全县")
    search.scans = 10**6  # force the index
    assert search.count("县全县") == "全县全县全县".count("县全县") == 1
    assert search.count("全县") == 3
