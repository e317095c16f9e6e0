"""How much of a headline's wording a stretch of body text repeats (character bigrams)."""

from __future__ import annotations

import re

# Anything but CJK, Latin letters and digits breaks a run; bigrams never span a break.
_BREAK = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9]+")
_GAP = "\x00"

Bigrams = set[tuple[str, str]]


def bigrams(text: str) -> Bigrams:
    """Character bigrams of `text`. Pairs touching a break are kept (cheaper) but never match a
    headline's bigrams, which `coverage` takes without them."""
    runs = _BREAK.sub(_GAP, text)
    return set(zip(runs, runs[1:], strict=False))


def coverage(headline: str, body: Bigrams) -> float:
    """Share of the headline's bigrams that occur in the body's bigram set."""
    grams = {g for g in bigrams(headline) if _GAP not in g}
    return len(grams & body) / len(grams) if grams else 0.0
