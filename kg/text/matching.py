"""Every match of a pattern in a text, as `Pattern.finditer` gives them, at a fraction of its cost.

Why: extraction runs a few dozen patterns over every sentence, most of which find nothing there.
CPython's `finditer` builds a scanner, looks up its `search` method by name and wraps it in a
call-iterator before the first character is read: about 1,500 instructions per call, 5 % of
extraction's instructions over sentences that average 30 characters (issue 17). `search` from the previous end
finds the same matches (lookbehinds and `^` see the whole text either way); an empty match, where
`finditer` must step past it, hands the rest to `finditer` itself.
"""

from __future__ import annotations

import re
import sys


def find_all(pattern: re.Pattern[str], text: str, pos: int = 0, endpos: int = sys.maxsize) -> list[re.Match[str]]:
    """The matches `pattern.finditer(text, pos, endpos)` yields, in order."""
    found: list[re.Match[str]] = []
    m = pattern.search(text, pos, endpos)
    while m is not None:
        end = m.end()
        if end == m.start():
            found.extend(pattern.finditer(text, end, endpos))
            return found
        found.append(m)
        m = pattern.search(text, end, endpos)
    return found


def char_starts(pattern: re.Pattern[str], text: str) -> list[int]:
    """Where `pattern`, one character class and no group, matches in `text`: one `split` instead of a
    search per match (clause breaks are asked of every sentence)."""
    starts: list[int] = []
    at = -1
    for piece in pattern.split(text)[:-1]:
        at += len(piece) + 1
        starts.append(at)
    return starts
