"""Bring back the rest of a story that the layout printed before its headline.

OCR reads a page column by column, so a story that runs on into the column to
its left can come out as: the end of its body, then its headline, dateline and
the beginning of its body, cut mid-sentence ("……工作压力较大，希"). The end is
then read as the tail of the story before ("望更好地了解身体健康状况。……").
It is moved back when three things agree: the story's last paragraph stops
mid-sentence, the run sits right before the story's first line with a finished
sentence before it, and jieba, reading across the cut, finds a word that spans it
("希|望"), which the break between two unrelated stories seldom gives.
"""

from __future__ import annotations

import re
from typing import Final

from kg.model import Page
from kg.text.blocks import Block
from kg.text.paragraphs import Paragraph
from kg.text.words import dictionary_words

_JOIN: Final = 6  # characters each side of the break that jieba reads
_HAN: Final = re.compile(r"[\u4e00-\u9fff]+")
_MAX_RUN: Final = 4  # paragraphs the rest may span
_OPENERS: Final = "“\"‘'「『（(【《●■◆★□◇○•▲"  # a paragraph opening on these starts afresh


def rejoin_continuations(blocks: list[Block], page: Page) -> None:
    """Move each cut-off story's rest, read as the tail of the story printed before it, back to it."""
    owner = {id(p): b for b in blocks for p, _ in b.body}
    by_index = {p.index: p for b in blocks for p, _ in b.body}
    for block in blocks:
        last = block.body[-1][0] if block.body else None
        if last is None or last.ended:
            continue
        before = by_index.get(min(p.index for p in _paragraphs(block)) - 1)
        if before is None or owner[id(before)] is block:
            continue
        donor = owner[id(before)]
        run = _rest(donor, before, page.text[last.start : last.end], page)
        if not run:
            continue
        heading = block.body[-1][1]
        block.body.extend((p, heading) for p in run)
        del donor.body[len(donor.body) - len(run) :]
        for p in run:
            owner[id(p)] = block
        block.body_text = donor.body_text = None
        block.closed = block.closed or run[-1].signature


def _paragraphs(block: Block) -> list[Paragraph]:
    found = [p for c in block.clusters() for p in c] + [p for p, _ in block.body]
    return found + ([block.byline] if block.byline is not None else [])


def _rest(donor: Block, before: Paragraph, cut: str, page: Page) -> list[Paragraph]:
    """The donor's last paragraphs (printed one after another, ending at `before`, finished) that
    continue the cut sentence: the first of them opens mid-sentence after a finished paragraph."""
    body = [p for p, _ in donor.body]
    if body[-1] is not before or not before.ended:
        return []
    for k in range(len(body) - 1, max(0, len(body) - _MAX_RUN) - 1, -1):
        if k < len(body) - 1 and body[k].index != body[k + 1].index - 1:
            break
        if k and body[k - 1].ended and not _fresh(body[k]) and _joins_word(cut, page.text[body[k].start : body[k].end]):
            return body[k:]
    return []


def _fresh(para: Paragraph) -> bool:
    """A paragraph that opens as a story or quotation does, not as the rest of a sentence."""
    first = para.lines[0].text.lstrip()
    return para.dateline or not first or first[0] in _OPENERS


def _joins_word(left: str, right: str) -> bool:
    """jieba, reading the two sides as one text, puts a word across the break ("较大，希|望更好" gives
    "希望"); a break between two whole words ("新湖南|下一步") gives none."""
    left, right = "".join(left.split())[-_JOIN:], "".join(right.split())[:_JOIN]
    at = 0
    for word in dictionary_words(left + right):
        if at < len(left) < at + len(word) and _HAN.fullmatch(word):  # digits run on across any break
            return True
        at += len(word)
    return False
