"""Clean OCR text while keeping a map from every kept character back to the raw file.

Every edit is either a one-for-one character replacement (full-width digits and
letters, quote styles, odd spaces and line separators) or a deletion (OCR
spaces inside Chinese, column wraps, blank lines), so the clean text is the raw
text with characters folded and some dropped: offsets[i] is simply the raw index
of text[i].
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

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

_FOLDABLE = re.compile("[" + re.escape("".join(map(chr, _FOLD))) + "]")
_ASCII_QUOTED = re.compile(r'"([^"\n]*)"')
# Every space goes except one between two Latin words or numbers, or beside a Latin word.
_WORD_SPACES = re.compile(r"[A-Za-z0-9]( +)(?=[A-Za-z0-9])")
_AFTER_LATIN = re.compile(r"[A-Za-z]( +)(?=\S)")
_BEFORE_LATIN = re.compile(r"( +)(?=[A-Za-z])")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_WORD = re.compile(r"[A-Za-z0-9]")
_NEWLINE = "\n"
_NEWLINE_CODE = ord("\n")
_SPACE_CODE = ord(" ")
_UTF32 = "utf-32-le"
_SURROGATES = "surrogatepass"


def fold(raw: str) -> str:
    """One-for-one folding: same length as `raw`, so indices into it are raw indices."""
    folded = _FOLDABLE.sub(lambda m: _FOLD[ord(m.group())], raw) if _FOLDABLE.search(raw) else raw
    if '"' in folded:
        folded = _ASCII_QUOTED.sub(lambda m: f"“{m.group(1)}”", folded)
    return folded


@lru_cache(maxsize=16)
def folded_layout(raw: str) -> tuple[str, Layout]:
    """Folded text and its line layout; cached because splitting articles needs them again."""
    folded = fold(raw)
    return folded, analyse(folded)


def normalise(raw: str) -> tuple[str, list[int], Layout]:
    """Return the clean text, its offsets into `raw` (plus a final len(raw)) and the line layout."""
    folded, layout = folded_layout(raw)
    codes = np.frombuffer(folded.encode(_UTF32, _SURROGATES), dtype=np.uint32).copy()
    keep = np.ones(len(folded), dtype=bool)
    keep[codes == _SPACE_CODE] = False
    spaces = [m.end() - 1 for m in _WORD_SPACES.finditer(folded)]
    spaces.extend(m.end() - 1 for m in _AFTER_LATIN.finditer(folded))
    spaces.extend(m.end() - 1 for m in _BEFORE_LATIN.finditer(folded) if m.start() and folded[m.start() - 1] > " ")
    keep[spaces] = True
    drops = [m.span() for m in _INVISIBLE.finditer(folded)]
    lines = layout.lines
    if not lines:
        drops.append((0, len(folded)))
    else:
        drops.append((0, lines[0].start))
        drops.append((lines[-1].end, len(folded)))
    kept: list[int] = []  # positions inside dropped gaps that stay, as a newline or a space
    for line, after, wrap in zip(lines, lines[1:], layout.wraps, strict=False):
        start, end = line.end, after.start
        drops.append((start, end))
        if not wrap:
            newline = folded.index(_NEWLINE, start, end)
            codes[newline] = _NEWLINE_CODE
            kept.append(newline)
        elif _WORD.match(folded[start - 1]) and _WORD.match(folded[end]):
            codes[start] = _SPACE_CODE
            kept.append(start)
    for start, end in drops:
        keep[start:end] = False
    keep[kept] = True
    offsets = np.flatnonzero(keep)
    text = codes[offsets].tobytes().decode(_UTF32, _SURROGATES)
    return text, [*offsets.tolist(), len(raw)], layout
