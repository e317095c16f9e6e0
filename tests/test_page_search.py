"""PageSearch says whether a needle repeats as str.count does, before and after it indexes the page."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kg.extract.page_search import PageSearch

_TEXT = st.text(alphabet="ab县市。", max_size=60)


@given(_TEXT, st.lists(st.text(alphabet="ab县市。", max_size=6), min_size=1, max_size=50))
def test_repeats_match_str_count(text: str, needles: list[str]) -> None:
    search = PageSearch(text)
    for needle in needles:
        assert search.repeats(needle) == (text.count(needle) > 1)
    search.scans = 10**6  # the second round runs on the index
    for needle in needles:
        assert search.repeats(needle) == (text.count(needle) > 1)


def test_overlapping_occurrences_count_once_per_stretch() -> None:
    for scans in (0, 10**6):  # scanned, then on the index
        search = PageSearch("全县全县全县")
        search.scans = scans
        assert not search.repeats("县全县")  # "全县全县全县".count("县全县") == 1
        assert search.repeats("全县")
