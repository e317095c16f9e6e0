"""Split a paragraph of clean text into sentences that stay exact slices of `Page.text`."""

from __future__ import annotations

import re
from typing import Final

from kg.model import Page, Sentence
from kg.text.lines import JUMP
from kg.text.matching import find_all

# A sentence runs to its end mark and any closing quotes or brackets that follow it.
_SENTENCE: Final = re.compile(r"[^。！？!?；;]+(?:[。！？!?；;]+[”’」』)）]*)?|[。！？!?；;]+[”’」』)）]*")
_CONTENT: Final = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9]")
_TRIM: Final = " \n"
_JUMP_MARK: Final = "版"  # every jump note ends with it


def split_sentences(page: Page, start: int, end: int, paragraph: int, heading: str | None) -> list[Sentence]:
    """Sentences of page.text[start:end]; "(下转2版)" jump notes are left out.

    Every position starts a match of the sentence pattern, so its matches tile a piece of text and
    `findall` (no match objects) gives each sentence's place by adding up lengths."""
    text, offsets = page.text, page.offsets
    pieces: list[tuple[int, int]] = []
    pos = start
    if text.find(_JUMP_MARK, start, end) >= 0:  # the jump pattern is slow to scan for; most text has none
        for jump in find_all(JUMP, text, start, end):
            pieces.append((pos, jump.start()))
            pos = jump.end()
    pieces.append((pos, end))
    result: list[Sentence] = []
    append = result.append
    content = _CONTENT.search
    for a, b in pieces:
        s = a
        for piece in _SENTENCE.findall(text, a, b):
            at = s
            s += len(piece)
            if piece[0] in _TRIM or piece[-1] in _TRIM:
                bare = piece.lstrip(_TRIM)
                at += len(piece) - len(bare)
                piece = bare.rstrip(_TRIM)
                if not piece:
                    continue
            if "\u4e00" <= piece[0] <= "\u9fff" or content(piece):  # most open on a hanzi
                # page.raw_span for a non-empty span, inlined: this runs once per sentence of the page
                append(Sentence(offsets[at], offsets[at + len(piece) - 1] + 1, piece, at, paragraph, heading))
    return result
