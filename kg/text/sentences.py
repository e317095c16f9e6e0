"""Split a paragraph of clean text into sentences that stay exact slices of `Page.text`."""

from __future__ import annotations

import re

from kg.model import Page, Sentence
from kg.text.lines import JUMP

# A sentence runs to its end mark and any closing quotes or brackets that follow it.
_SENTENCE = re.compile(r"[^。！？!?；;]+(?:[。！？!?；;]+[”’」』)）]*)?|[。！？!?；;]+[”’」』)）]*")
_CONTENT = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9]")
_TRIM = " \n"


def split_sentences(page: Page, start: int, end: int, paragraph: int, heading: str | None) -> list[Sentence]:
    """Sentences of page.text[start:end]; "(下转2版)" jump notes are left out."""
    pieces: list[tuple[int, int]] = []
    pos = start
    for jump in JUMP.finditer(page.text, start, end):
        pieces.append((pos, jump.start()))
        pos = jump.end()
    pieces.append((pos, end))
    result: list[Sentence] = []
    for a, b in pieces:
        for m in _SENTENCE.finditer(page.text, a, b):
            s, e = _trim(page.text, m.start(), m.end())
            if e <= s or not _CONTENT.search(page.text, s, e):
                continue
            raw_start, raw_end = page.raw_span(s, e)
            result.append(
                Sentence(
                    start=raw_start,
                    end=raw_end,
                    text=page.text[s:e],
                    text_start=s,
                    paragraph=paragraph,
                    heading=heading,
                )
            )
    return result


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end
