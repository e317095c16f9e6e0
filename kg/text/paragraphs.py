"""Paragraphs of a page: runs of printed lines joined by column wraps, located in `Page.text`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

import numpy as np

from kg.model import Page
from kg.text.lines import DATELINE, DATELINE_MARK, Kind, Line
from kg.text.normalise import folded_layout

_SPACES: Final = re.compile(r"\s+")
_DATELINE_SPAN: Final = 80


@dataclass(slots=True, init=False)
class Paragraph:
    start: int  # offsets into Page.text, half-open
    end: int
    kind: Kind
    lines: list[Line]
    index: int = 0  # position among the page's paragraphs
    opens_dated: bool | None = field(default=None, compare=False)  # `dateline`, kept once asked for

    def __init__(self, start: int, end: int, kind: Kind, lines: list[Line], index: int = 0,
                 opens_dated: bool | None = None) -> None:
        # Written out: mypyc compiles it, a generated __init__ stays interpreted (kg.compiled).
        self.start = start
        self.end = end
        self.kind = kind
        self.lines = lines
        self.index = index
        self.opens_dated = opens_dated

    @property
    def signature(self) -> bool:
        return self.lines[-1].signature

    @property
    def dateline(self) -> bool:
        """Opens with a dateline, even one a column wrap cut ("南昌新闻10月19" / "日讯（记者").

        Kept once asked for: story segmentation and article assembly ask for every paragraph, often twice."""
        if self.opens_dated is None:
            self.opens_dated = self._dateline()
        return self.opens_dated

    def _dateline(self) -> bool:
        first = self.lines[0]
        if first.dateline or first.kind is not Kind.BODY or len(self.lines) == 1:
            return first.dateline
        head = "".join([line.text for line in self.lines[:3]])
        if DATELINE_MARK.search(head) is None:  # most paragraphs: no mark anywhere in their first lines
            return False
        head = _SPACES.sub("", head)[:_DATELINE_SPAN]
        return DATELINE_MARK.search(head) is not None and DATELINE.match(head) is not None

    @property
    def ended(self) -> bool:
        return self.lines[-1].ended

    def spaced(self) -> str:
        """The paragraph as printed, the page's own spaces kept (names in bylines need them)."""
        return " ".join(line.text for line in self.lines)


def paragraphs(page: Page) -> list[Paragraph]:
    """Re-derive the layout `read_page` used and locate each paragraph in the clean text.

    A paragraph's first line start and last line end are looked up among the offsets of the clean
    text all at once (clean text keeps the order of the raw text, so the offsets are sorted)."""
    _, layout = folded_layout(page.raw)
    lines, size = layout.lines, len(page.text)
    if not lines:
        return []
    lasts = np.flatnonzero(~np.asarray(layout.wraps, dtype=bool))  # the lines that end a paragraph
    firsts = np.concatenate(([0], lasts[:-1] + 1))
    offsets = np.asarray(page.offsets[:size], dtype=np.int64)  # no copy of the reader's array
    starts = np.searchsorted(offsets, layout.starts[firsts]).tolist()
    ends = np.searchsorted(offsets, layout.ends[lasts]).tolist()
    result: list[Paragraph] = []
    caption, body = Kind.CAPTION, Kind.BODY
    for first, last, start, end in zip(firsts.tolist(), lasts.tolist(), starts, ends, strict=True):
        if end > start:
            run = lines[first : last + 1]
            head = run[0]
            kind = head.kind if head.kind is caption or first == last else body
            result.append(Paragraph(start, end, kind, run, len(result)))
    return result
