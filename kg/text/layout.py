"""Which line breaks of a page are column wraps inside a paragraph and which end one.

OCR gives either one printed column line per text line (narrow lines, often with a
blank line after each) or one paragraph per line (long lines, column breaks left
as spaces). A break is a wrap when the line before is body text that has not
finished its sentence and the line after goes on with body text; on narrow
columns a short unpunctuated line after an unfinished one is still body text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Final

import numpy as np

from kg.text.lines import MAX_HEADING, Kind, Line
from kg.text.pagelines import line_table

_COLUMN_MAX: Final = 32  # a page whose body lines are this narrow was printed in columns
_WINDOW: Final = 8
_CAPTION_TAIL: Final = 12
_SHORT_CAPTION: Final = 40
_COLUMN_MIN: Final = 8  # no newspaper column is narrower
_INDENT: Final = 3.0  # a paragraph's first line is two cells short (indent), with some slack
_HEADING_CONTINUES: Final = re.compile(r"(?:[，,：:]|——|—)$")
_COMMA: Final = re.compile(r"[，,]")
# A line that closes a quote it never opened, opens with a comma or a closing bracket, or ends on a
# dash goes on from the line before.
_CLOSING_MARKS: Final = "，。、；：）)"
_CONTINUES: Final = re.compile(rf"^[^“]*”|——$|^[{_CLOSING_MARKS}]")
# Justified lines the OCR letter-spaced ("创 新 推 行“ 党 建") fill their column whatever they count.
_LETTER_GAP: Final = re.compile(r"[\u4e00-\u9fff“”]\s+(?=[\u4e00-\u9fff“”])")
_LETTER_GAPS: Final = 4
_SENTENCE_MARK: Final = re.compile(r"[。；;！!？?、]")


@dataclass(slots=True)
class Layout:
    lines: list[Line]
    wraps: list[bool]  # wraps[i]: the break after lines[i] is a column wrap
    columns: bool
    starts: np.ndarray  # the lines' starts and ends, as arrays
    ends: np.ndarray


def analyse(folded: str) -> Layout:
    """Classify the lines of folded page text and decide every break between them."""
    lines, starts, ends = line_table(folded)
    body, heading, caption = Kind.BODY, Kind.HEADING, Kind.CAPTION
    body_widths = sorted([x.width for x in lines if (x.kind is body or x.kind is heading) and not x.ended])
    printed = [x.width for x in lines if x.kind is body] or body_widths
    columns = bool(printed) and sorted(printed)[(3 * len(printed) - 3) // 4] <= _COLUMN_MAX  # upper quartile
    _continue_before_punctuation(lines)
    _title_first(lines, columns, body_widths)
    if columns:
        _resolve_columns(lines, body_widths)
    else:
        _mark_photo_captions(lines)
    wraps = [  # _wraps, its body-line case inlined: it runs for every line break of the page
        _wraps(a, b) if a.kind is caption else a.kind is body and not a.ended and b.kind is body and not b.dateline
        for a, b in zip(lines, lines[1:], strict=False)
    ]
    if lines:
        wraps.append(False)
    return Layout(lines=lines, wraps=wraps, columns=columns, starts=starts, ends=ends)


def _wraps(before: Line, after: Line) -> bool:
    if before.kind is Kind.CAPTION:  # a "▲" caption's short last line
        return not before.ended and after.kind in (Kind.BODY, Kind.CAPTION) and after.width <= _CAPTION_TAIL
    return before.kind is Kind.BODY and not before.ended and after.kind is Kind.BODY and not after.dateline


def _continue_before_punctuation(lines: list[Line]) -> None:
    """A heading-like line followed by a line that opens with "，" or "。" is cut-off body text."""
    heading, body = Kind.HEADING, Kind.BODY
    last = len(lines) - 1
    # A line changes only when its own turn comes, so the heading lines to look at are known from the start.
    for i in [i for i, x in enumerate(lines) if x.kind is heading]:
        after = lines[i + 1] if i < last else None
        if after is not None and after.kind is body and after.text[0] in _CLOSING_MARKS:
            lines[i].kind = body


def _title_first(lines: list[Line], columns: bool, body_widths: list[float]) -> None:
    """A page's first line that ends no sentence and holds no sentence mark is its title, commas or not
    ("某县：加快公路建设，让群众走上幸福路"), when it cannot be a column line: the page prints one paragraph
    per line, or the line is wider than the column."""
    if len(lines) < 2 or lines[0].kind is not Kind.BODY or lines[0].ended or lines[1].kind is not Kind.BODY:
        return
    first = lines[0]
    if len(first.text) > MAX_HEADING or _SENTENCE_MARK.search(first.text) or _CONTINUES.search(lines[1].text):
        return
    if not columns or first.width > _column([], body_widths) + _INDENT:
        first.kind = Kind.HEADING


def _mark_photo_captions(lines: list[Line]) -> None:
    """On long-line pages a short unfinished line beside a "▲" caption is another photo's caption."""
    for before, after in zip(lines, lines[1:], strict=False):
        if before.kind is Kind.CAPTION and _wraps(before, after):
            after.kind = Kind.CAPTION
    for i, line in enumerate(lines):
        if line.kind is not Kind.BODY or line.ended or line.width > _SHORT_CAPTION:
            continue
        if any(0 <= k < len(lines) and lines[k].kind is Kind.CAPTION for k in (i - 1, i + 1)):
            line.kind = Kind.CAPTION


def _open(line: Line) -> bool:
    """An unfinished body line with a bracket still open."""
    text = line.text
    return (
        line.kind is Kind.BODY
        and not line.ended
        and text.count("（") + text.count("(") > text.count("）") + text.count(")")
    )


def _resolve_columns(lines: list[Line], body_widths: list[float]) -> None:
    """On narrow columns decide, top down, which heading-like lines are really body lines.

    A line as wide as the column is body text when it goes on from an unfinished line
    or opens a paragraph before more body text; a shorter one is a heading, and an
    unfinished line that opens a paragraph right before it is the heading's first line.
    """
    body, heading, byline = Kind.BODY, Kind.HEADING, Kind.BYLINE
    unfinished = [i for i, x in enumerate(lines) if x.kind is body and not x.ended]
    unfinished_widths = [lines[i].width for i in unfinished]
    columns: dict[tuple[int, int], float] = {}  # column width by window: neighbouring lines often share one
    # Only bylines and headings change here, each when its turn comes (and the line before it, already
    # passed), so the lines to visit are known from the start.
    find, gaps = bisect_left, _LETTER_GAP.findall
    continues, heading_continues = _CONTINUES.search, _HEADING_CONTINUES.search
    last = len(lines) - 1
    for i in [i for i, x in enumerate(lines) if x.kind is heading or x.kind is byline]:
        line = lines[i]
        if line.kind is byline:
            if i and _open(lines[i - 1]):
                line.kind = body  # "记者 X 通讯员 Y" wrapped inside a dateline's bracket
            continue
        lo = find(unfinished, i - _WINDOW)
        hi = find(unfinished, i + _WINDOW, lo)
        column = columns.get((lo, hi))
        if column is None:
            column = columns[lo, hi] = _column(unfinished_widths[lo:hi], body_widths)
        text = line.text  # a gap is white space: a space, or some character str.isprintable rejects
        spaced = (" " in text or not text.isprintable()) and len(gaps(text)) >= _LETTER_GAPS
        wide = column if spaced else line.width
        before = lines[i - 1] if i else None
        going_on = before is not None and before.kind is body and not before.ended
        if going_on and (column - _INDENT <= wide <= column + _INDENT or continues(text)):
            line.kind = body
        elif going_on and before is not None:
            opener = i < 2 or lines[i - 2].kind is not body or lines[i - 2].ended
            if opener and heading_continues(before.text):
                before.kind = heading
        elif column - _INDENT <= wide <= column + 1 and i < last:  # a full-width line: does it open a paragraph?
            if _opens_paragraph(line, before, lines[i + 1], column):
                line.kind = body


def _opens_paragraph(line: Line, before: Line | None, after: Line, column: float) -> bool:
    """A full-width line opens a paragraph when body text follows; after a signature only if punctuated."""
    after_body = (after.kind is Kind.BODY and not after.dateline) or (
        after.kind is Kind.HEADING and after.width >= column - _INDENT
    )
    return after_body and (before is None or not before.signature or bool(_COMMA.search(line.text)))


def _column(near: list[float], body_widths: list[float]) -> float:
    """Column width near a line: median width of the full (unfinished) body lines within `_WINDOW`
    lines of it, or of all of them when none is that near."""
    widths = sorted(near) if near else body_widths
    return max(_COLUMN_MIN, widths[len(widths) // 2])
