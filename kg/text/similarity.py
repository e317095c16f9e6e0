"""How much of a headline's wording a stretch of body text repeats (character bigrams)."""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import accumulate
from typing import Final

# Bigrams are taken inside runs of CJK, Latin letters and digits: punctuation and quotes break runs.
_RUN: Final = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9]+")


@lru_cache(maxsize=8192)
def bigrams(headline: str) -> frozenset[str]:
    """The distinct character bigrams of a (short) headline."""
    return frozenset(run[i : i + 2] for run in _RUN.findall(headline) for i in range(len(run) - 1))


def coverage(headline: str, body: str) -> float:
    """Share of the headline's bigrams that occur somewhere in the body text.

    Substring tests run in C over the body, so long bodies need no bigram set of their own.
    """
    grams = bigrams(headline)
    return sum(map(body.__contains__, grams)) / len(grams) if grams else 0.0


class SplitCoverage:
    """`coverage` of a headline by parts[:j] and by parts[j:] joined with newlines, for every cut j.

    A bigram never holds a line break, so it occurs in the joined parts exactly when it occurs in one
    part: one pass over the parts (recording the first and last part holding each bigram) answers
    every cut, where joining and searching per cut would be quadratic in the number of parts.
    """

    def __init__(self, headline: str, parts: list[str]) -> None:
        grams = bigrams(headline)
        firsts = [0] * (len(parts) + 1)  # firsts[k]: bigrams first found in part k
        lasts = [0] * (len(parts) + 1)  # lasts[k]: bigrams last found in part k
        for gram in grams:
            where = [k for k, part in enumerate(parts) if gram in part]
            if where:
                firsts[where[0]] += 1
                lasts[where[-1]] += 1
        self._size = len(grams)
        self._in_head = [0, *accumulate(firsts)]  # _in_head[j]: bigrams found in parts[:j]
        self._in_tail = [*accumulate(reversed(lasts))][::-1]  # _in_tail[j]: bigrams found in parts[j:]

    def head(self, j: int) -> float:
        return self._in_head[j] / self._size if self._size else 0.0

    def tail(self, j: int) -> float:
        return self._in_tail[j] / self._size if self._size else 0.0
