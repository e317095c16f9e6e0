"""Paragraphs of a page: runs of printed lines joined by column wraps, located in `Page.text`."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from kg.model import Page
from kg.text.lines import DATELINE, DATELINE_MARK, Kind, Line
from kg.text.normalise import folded_layout

_SPACES = re.compile(r"\s+")
_DATELINE_SPAN = 80


@dataclass(slots=True)
class Paragraph:
    start: int  # offsets into Page.text, half-open
    end: int
    kind: Kind
    lines: list[Line]
    index: int = 0  # position among the page's paragraphs

    @property
    def signature(self) -> bool:
        return self.lines[-1].signature

    @property
    def dateline(self) -> bool:
        """Opens with a dateline, even one a column wrap cut ("南昌新闻10月19" / "日讯（记者")."""
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
    """Re-derive the layout `read_page` used and locate each paragraph in the clean text."""
    _, layout = folded_layout(page.raw)
    lines, offsets, size = layout.lines, page.offsets, len(page.text)
    result: list[Paragraph] = []
    first = 0
    for i, wrap in enumerate(layout.wraps):
        if wrap:
            continue
        run = lines[first : i + 1]
        first = i + 1
        start = bisect_left(offsets, run[0].start, 0, size)
        end = bisect_left(offsets, run[-1].end, start, size)
        if end > start:
            kind = run[0].kind if run[0].kind is Kind.CAPTION or len(run) == 1 else Kind.BODY
            result.append(Paragraph(start, end, kind, run, len(result)))
    return result
