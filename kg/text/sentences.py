"""Split a paragraph of clean text into sentences that stay exact slices of `Page.text`."""

from __future__ import annotations

import re

from kg.model import Page, Sentence
from kg.text.lines import JUMP

# A sentence runs to its end mark and any closing quotes or brackets that follow it.
_SENTENCE = re.compile(r"[^。！？!?；;]+(?:[。！？!?；;]+[”’」』)）]*)?|[。！？!?；;]+[”’」』)）]*")
_CONTENT = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9]")
_TRIM = " \n"
_JUMP_MARK = "版"  # every jump note ends with it


def split_sentences(page: Page, start: int, end: int, paragraph: int, heading: str | None) -> list[Sentence]:
    """Sentences of page.text[start:end]; "(下转2版)" jump notes are left out."""
    text, offsets = page.text, page.offsets
    pieces: list[tuple[int, int]] = []
    pos = start
    if text.find(_JUMP_MARK, start, end) >= 0:  # the jump pattern is slow to scan for; most text has none
        for jump in JUMP.finditer(text, start, end):
            pieces.append((pos, jump.start()))
            pos = jump.end()
    pieces.append((pos, end))
    result: list[Sentence] = []
    for a, b in pieces:
        for m in _SENTENCE.finditer(text, a, b):
            s, e = m.span()
            if text[s] in _TRIM or text[e - 1] in _TRIM:
                s, e = _trim(text, s, e)
                if e <= s:
                    continue
            if not ("\u4e00" <= text[s] <= "\u9fff" or _CONTENT.search(text, s, e)):  # most open on a hanzi
                continue
            # page.raw_span(s, e) for a non-empty span, inlined: this runs once per sentence of the page
            result.append(Sentence(offsets[s], offsets[e - 1] + 1, text[s:e], s, paragraph, heading))
    return result


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end
