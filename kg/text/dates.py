"""Dates a page tells: the dateline's month and day, and the year the page speaks of."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Final

# Years a plan or a rule points to ("从2023年1月1日起", "预计2027年", "到2025年") are not the page's own.
# The checks on what precedes the year look back from its second digit, so that the pattern opens
# with "19" or "20" and the scan for candidates runs at the regex engine's literal speed.
_YEAR: Final = re.compile(
    r"((?:19|20)(?<![0-9]..)(?<![从自到至于]..)(?<!预计..|计划..|力争..|争取..|将于..|将在..)\d{2})"
    r"\s*年(?![^，。；]{0,8}?起)"
)


def main_year(text: str) -> int | None:
    """The year written most often ("2023年"); the later one on a tie; None when none is written."""
    counts = Counter(map(int, _YEAR.findall(text)))
    if not counts:
        return None
    return max(counts, key=lambda y: (counts[y], y))


def iso_date(year: int | None, month: str | None, day: str | None) -> str | None:
    """ISO date when year, month and day are all known and form a real date."""
    if year is None or not month or not day:
        return None
    try:
        return dt.date(year, int(month), int(day)).isoformat()
    except ValueError:
        return None
