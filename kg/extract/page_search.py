"""Whether a piece of text occurs more than once on a page, without scanning the page for every claim.

A claim's evidence is widened until it occurs once on the page. `str.find`
scans the page each time, which on a long page with thousands of claims
costs time quadratic in its length. After many scans the page is indexed by
its character pairs once; a lookup then checks only where the rarest of the
needle's first few pairs occurs. Indexing costs as much as about 1,800 scans
of the same page (`str.count` runs in C, the index is built in Python), so
ordinary pages never pay for it and a long page pays at most twice.
"""

from __future__ import annotations

from array import array

_SCANS_BEFORE_INDEX = 2000  # about what building the index costs, counted in scans of the page
_PAIRS_TRIED = 8  # the rarest of the needle's first pairs is rare enough


class PageSearch:
    """Whether a needle occurs more than once in one text, without overlap (`str.count(needle) > 1`)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.scans = 0
        self.pairs: dict[str, array[int]] | None = None

    def repeats(self, needle: str) -> bool:
        """Stops at the second occurrence: on a page that repeats itself, a needle can occur
        thousands of times, and counting them all would make a long page quadratic."""
        text = self.text
        if len(needle) < 2:
            return text.count(needle) > 1
        if self.pairs is None and self.scans < _SCANS_BEFORE_INDEX:
            self.scans += 1
            first = text.find(needle)
            return first >= 0 and text.find(needle, first + len(needle)) >= 0
        pairs = self.pairs if self.pairs is not None else self._index()
        empty: array[int] = array("q")
        tried = range(min(len(needle) - 1, _PAIRS_TRIED))
        offset = min(tried, key=lambda i: len(pairs.get(needle[i : i + 2], empty)))
        found, free = 0, 0
        for p in pairs.get(needle[offset : offset + 2], empty):
            start = p - offset
            if start >= free and text.startswith(needle, start):
                found += 1
                if found == 2:
                    return True
                free = start + len(needle)
        return False

    def _index(self) -> dict[str, array[int]]:
        pairs: dict[str, array[int]] = {}
        text = self.text
        for i in range(len(text) - 1):
            pair = text[i : i + 2]
            positions = pairs.get(pair)
            if positions is None:
                positions = pairs[pair] = array("q")
            positions.append(i)
        self.pairs = pairs
        return pairs
