"""How much of a headline's wording a stretch of body text repeats (character bigrams)."""

from __future__ import annotations

import re
from functools import lru_cache

# Bigrams are taken inside runs of CJK, Latin letters and digits: punctuation and quotes break runs.
_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9]+")


@lru_cache(maxsize=8192)
def bigrams(headline: str) -> frozenset[str]:
    """The distinct character bigrams of a (short) headline."""
    return frozenset(run[i : i + 2] for run in _RUN.findall(headline) for i in range(len(run) - 1))


def coverage(headline: str, body: str) -> float:
    """Share of the headline's bigrams that occur somewhere in the body text.

    Substring tests run in C over the body, so long bodies need no bigram set of their own.
    """
    grams = bigrams(headline)
    return sum(g in body for g in grams) / len(grams) if grams else 0.0
