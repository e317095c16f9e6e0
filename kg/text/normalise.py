"""Clean OCR text while keeping a map from every kept character back to the raw file.

Every edit is either a one-for-one character replacement (full-width digits and
letters, quote styles, odd spaces and line separators) or a deletion (OCR
spaces inside Chinese, column wraps, blank lines), so the clean text is the raw
text with characters folded and some dropped: offsets[i] is simply the raw index
of text[i].
"""

from __future__ import annotations

import re

from kg.text.layout import Layout, analyse

_FOLD: dict[int, str] = {}
for _code in range(0xFF10, 0xFF1A):  # ０-９
    _FOLD[_code] = chr(_code - 0xFEE0)
for _code in [*range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]:  # Ａ-Ｚ ａ-ｚ
    _FOLD[_code] = chr(_code - 0xFEE0)
_FOLD.update({ord(k): v for k, v in {
    "％": "%", "＋": "+", "．": ".", "／": "/", "＝": "=", "＜": "<", "＞": ">", "＃": "#", "＆": "&",
    "＠": "@", "＂": '"', "＇": "'", "﹪": "%",
    "「": "“", "」": "”", "『": "‘", "』": "’", "〝": "“", "〞": "”",
    "\u3000": " ", "\xa0": " ", "\t": " ", "\u2002": " ", "\u2003": " ", "\u2004": " ", "\u2005": " ",
    "\u2006": " ", "\u2007": " ", "\u2008": " ", "\u2009": " ", "\u200a": " ", "\u202f": " ",
    "\u205f": " ", "\u1680": " ",
    "\r": "\n", "\x0b": "\n", "\x0c": "\n", "\x1c": "\n", "\x1d": "\n", "\x1e": "\n", "\x1f": "\n",
    "\x85": "\n", "\u2028": "\n", "\u2029": "\n",
}.items()})

_ASCII_QUOTED = re.compile(r'"([^"\n]*)"')
_SPACE_RUN = re.compile(r" +")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_WORD = re.compile(r"[A-Za-z0-9]")
_LATIN = re.compile(r"[A-Za-z]")
_NEWLINE = "\n"


def fold(raw: str) -> str:
    """One-for-one folding: same length as `raw`, so indices into it are raw indices."""
    folded = raw.translate(_FOLD)
    if '"' in folded:
        folded = _ASCII_QUOTED.sub(lambda m: f"“{m.group(1)}”", folded)
    return folded


def normalise(raw: str) -> tuple[str, list[int], Layout]:
    """Return the clean text, its offsets into `raw` (plus a final len(raw)) and the line layout."""
    folded = fold(raw)
    layout = analyse(folded)
    edits: list[tuple[int, int, str, int]] = []  # (start, end, replacement or "", raw index of it)
    edits.extend((m.start(), m.end(), "", 0) for m in _INVISIBLE.finditer(raw))
    lines = layout.lines
    if lines:
        edits.append((0, lines[0].start, "", 0))
        edits.append((lines[-1].end, len(folded), "", 0))
    for line in lines:
        for m in _SPACE_RUN.finditer(folded, line.start, line.end):
            edits.append(_space_edit(folded, m.start(), m.end()))
    for i, (line, after) in enumerate(zip(lines, lines[1:], strict=False)):
        edits.append(_gap_edit(folded, line.end, after.start, layout.wraps[i]))
    if not lines:
        edits.append((0, len(folded), "", 0))
    return _apply(folded, edits, len(raw)) + (layout,)


def _space_edit(text: str, start: int, end: int) -> tuple[int, int, str, int]:
    """Keep one space between Latin words, between numbers, and beside a Latin word; drop the rest."""
    left, right = text[start - 1], text[end]
    keep = (_WORD.match(left) and _WORD.match(right)) or _LATIN.match(left) or _LATIN.match(right)
    return (start, end, " ", start) if keep else (start, end, "", 0)


def _gap_edit(text: str, start: int, end: int, wrap: bool) -> tuple[int, int, str, int]:
    """A wrap disappears (or becomes a space between two numbers); a paragraph end stays one newline."""
    if wrap:
        if _WORD.match(text[start - 1]) and _WORD.match(text[end]):
            return start, end, " ", start
        return start, end, "", 0
    return start, end, _NEWLINE, text.index(_NEWLINE, start, end)


def _apply(folded: str, edits: list[tuple[int, int, str, int]], raw_len: int) -> tuple[str, list[int]]:
    pieces: list[str] = []
    offsets: list[int] = []
    pos = 0
    for start, end, repl, origin in sorted(edits):
        if end <= pos and not repl:
            continue
        if start > pos:
            pieces.append(folded[pos:start])
            offsets.extend(range(pos, start))
        if repl and origin >= pos:
            pieces.append(repl)
            offsets.append(origin)
        pos = max(pos, end)
    if pos < len(folded):
        pieces.append(folded[pos:])
        offsets.extend(range(pos, len(folded)))
    offsets.append(raw_len)
    return "".join(pieces), offsets
