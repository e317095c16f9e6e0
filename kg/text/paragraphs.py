"""Paragraphs of a page: runs of printed lines joined by column wraps, located in `Page.text`."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from kg.model import Page
from kg.text.lines import DATELINE, DATELINE_MARKS, Kind, Line
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
        head = _SPACES.sub("", "".join(line.text for line in self.lines[:3]))[:_DATELINE_SPAN]
        return any(mark in head for mark in DATELINE_MARKS) and DATELINE.match(head) is not None

    @property
    def ended(self) -> bool:
        return self.lines[-1].ended

    def spaced(self) -> str:
        """The paragraph as printed, the page's own spaces kept (names in bylines need them)."""
        return " ".join(line.text for line in self.lines)


def paragraphs(page: Page) -> list[Paragraph]:
    """Re-derive the layout `read_page` used and locate each paragraph in the clean text."""
    _, layout = folded_layout(page.raw)
    result: list[Paragraph] = []
    run: list[Line] = []
    for line, wrap in zip(layout.lines, layout.wraps, strict=True):
        run.append(line)
        if wrap:
            continue
        start = bisect_left(page.offsets, run[0].start, 0, len(page.text))
        end = bisect_left(page.offsets, run[-1].end, start, len(page.text))
        kind = run[0].kind if run[0].kind is Kind.CAPTION or len(run) == 1 else Kind.BODY
        if end > start:
            result.append(Paragraph(start=start, end=end, kind=kind, lines=run, index=len(result)))
        run = []
    return result
