"""Sort keys (kg.rdf.sort_keys) handed out between kept ones always sort as the texts they stand for."""

from __future__ import annotations

import bisect
import random

import pytest

from kg.rdf import sort_keys


def _insert(kept: list[tuple[str, bytes]], texts: list[str]) -> None:
    """Key new texts as kg.rdf.summaries does: each run between two kept neighbours gets keys between theirs."""
    texts = sorted(set(texts) - {t for t, _ in kept})
    at = 0
    while at < len(texts):
        place = bisect.bisect(kept, (texts[at], b""))
        below = kept[place - 1][1] if place else None
        above = kept[place] if place < len(kept) else None
        end = at + 1
        while end < len(texts) and (above is None or texts[end] < above[0]):
            end += 1
        keys = sort_keys.between(below, above and above[1], end - at)
        kept[place:place] = list(zip(texts[at:end], keys, strict=True))
        at = end


@pytest.mark.parametrize("order", ["ascending", "descending", "shuffled"])
def test_keys_keep_text_order_whatever_order_pages_come_in(order: str) -> None:
    pages = [[f"page{p:04d}/claim{c}" for c in range(random.Random(p).randint(1, 60))] for p in range(400)]
    if order == "descending":
        pages.reverse()
    elif order == "shuffled":
        random.Random(7).shuffle(pages)
    kept: list[tuple[str, bytes]] = []
    for page in pages:
        _insert(kept, page)
    keys = [k for _, k in kept]
    assert [t for t, _ in kept] == sorted(t for page in pages for t in page)
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert all(sort_keys.encode(sort_keys.decode(k)) == k for k in keys)
    if order == "shuffled":  # each page put between two kept ones may take a level (two bytes) more
        assert sum(map(len, keys)) / len(keys) <= 8
    else:  # every run before the first key or after the last: one level, a length byte and two
        assert max(map(len, keys)) == 3


def test_a_page_between_two_kept_ones_fits_in_the_room_left_or_one_level_down() -> None:
    kept: list[tuple[str, bytes]] = []
    for p in (0, 2):
        _insert(kept, [f"p{p}/{c:02d}" for c in range(10)])
    _insert(kept, [f"p1/{c:02d}" for c in range(10)])  # 10 keys fit in the gap left before page 2's run
    assert [len(sort_keys.decode(k)) for _, k in kept] == [1] * 30
    _insert(kept, [f"p0/00{c}" for c in range(5)])  # between two consecutive integers: a level down
    assert [t for t, _ in kept] == sorted(t for t, _ in kept)
    assert [k for _, k in kept] == sorted(k for _, k in kept)
    assert max(len(sort_keys.decode(k)) for _, k in kept) == 2


def test_between_refuses_bounds_out_of_order() -> None:
    with pytest.raises(ValueError, match="out of order"):
        sort_keys.between(sort_keys.encode((5,)), sort_keys.encode((4,)), 1)
    with pytest.raises(ValueError, match="not a sort key"):
        sort_keys.between(b"\x05", None, 1)
    assert sort_keys.between(None, None, 0) == []
