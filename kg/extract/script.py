"""A simplified-character view of a traditional page, for matching names.

Gazetteer, agency and program names are simplified, so a page printed in
traditional characters (醫療保障局) is read through a copy folded character by
character. The fold is one-to-one, so every offset into the copy is an offset
into the page; the caller cuts evidence from the raw text as printed. Pages that
merely carry a stray traditional character in a name (a company called 昇…)
are left alone.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from importlib.resources import files
from typing import Final

import numpy as np

from kg.model import Article, Page

# A page is read as traditional when at least this share of its characters is traditional-only.
TRADITIONAL_SHARE: Final = 0.005
MIN_TRADITIONAL: Final = 3


@cache
def _fold_table() -> dict[int, str]:
    """Traditional-only character → its first simplified form, from OpenCC's own dictionary."""
    table: dict[int, str] = {}
    simplified: set[str] = set()
    rows = (files("opencc") / "dictionary" / "TSCharacters.txt").read_text(encoding="utf-8").splitlines()
    for row in rows:
        key, _, values = row.partition("\t")
        forms = values.split(" ")
        simplified.update(forms)
        if len(key) == 1 and len(forms[0]) == 1:
            table[ord(key)] = forms[0]
    return {code: form for code, form in table.items() if chr(code) not in simplified}


@cache
def _traditional_table() -> np.ndarray:
    """Whether each code point is traditional-only, with one False entry past the end for every higher code."""
    codes = sorted(_fold_table())
    table = np.zeros(codes[-1] + 2, dtype=bool)
    table[codes] = True
    return table


def is_traditional(text: str) -> bool:
    """Counted with numpy: a per-character Python loop costs more than the rest of this module, and a
    lookup per character less than a binary search."""
    table = _traditional_table()
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    count = int(np.count_nonzero(table[np.minimum(codes, len(table) - 1)]))
    return count >= MIN_TRADITIONAL and count >= TRADITIONAL_SHARE * len(text)


def simplified_view(page: Page, articles: list[Article]) -> tuple[Page, list[Article]]:
    """The page and articles with simplified text, or themselves when the page is not traditional."""
    if not is_traditional(page.text):
        return page, articles
    table = _fold_table()
    text = page.text.translate(table)
    view = replace(page, raw=page.raw.translate(table), text=text)
    folded = [
        replace(
            article,
            headline=article.headline.translate(table),
            title=article.title.translate(table),
            kicker=article.kicker.translate(table) if article.kicker else None,
            subtitle=article.subtitle.translate(table) if article.subtitle else None,
            sentences=[
                replace(s, text=text[s.text_start:s.text_start + len(s.text)],
                        heading=s.heading.translate(table) if s.heading else None)
                for s in article.sentences
            ],
        )
        for article in articles
    ]
    return view, folded
