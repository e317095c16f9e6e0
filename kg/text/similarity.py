"""How much of a headline's wording a stretch of body text repeats (character bigrams)."""

from __future__ import annotations

import re

_KEEP = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9]+")


def bigrams(text: str) -> set[str]:
    """Character bigrams inside runs of CJK/Latin/digits (punctuation and quotes break runs)."""
    grams: set[str] = set()
    for run in _KEEP.findall(text):
        grams.update(run[i : i + 2] for i in range(len(run) - 1))
    return grams


def coverage(headline: str, body: set[str]) -> float:
    """Share of the headline's bigrams that occur in the body's bigram set."""
    grams = bigrams(headline)
    return len(grams & body) / len(grams) if grams else 0.0
