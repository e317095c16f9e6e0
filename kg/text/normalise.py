"""Clean OCR text while keeping a map from every kept character back to the raw file.

Every edit is either a one-for-one character replacement (full-width digits and
letters, quote styles, odd spaces and line separators) or a deletion (OCR
spaces inside Chinese, column wraps, blank lines), so the clean text is the raw
text with characters folded and some dropped: offsets[i] is simply the raw index
of text[i].
"""

from __future__ import annotations

import re
from array import array
from functools import lru_cache
from typing import Final

import numpy as np

from kg.text.layout import Layout, analyse

_FOLD: Final[dict[int, str]] = {}
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

_FOLD_TABLE: Final = np.arange(0x10000, dtype=np.uint32)  # every folded character is in the BMP
_FOLD_TABLE[list(_FOLD)] = [ord(c) for c in _FOLD.values()]
_ASCII_QUOTED: Final = re.compile(r'"([^"\n]*)"')


def _table(chars: str) -> np.ndarray:
    """Membership table indexed by code point, with one False entry past the end for every higher code."""
    table = np.zeros(max(map(ord, chars)) + 2, dtype=bool)
    table[list(map(ord, chars))] = True
    return table


def _member(codes: np.ndarray, table: np.ndarray) -> np.ndarray:
    return table[np.minimum(codes, len(table) - 1)]


_INVISIBLE_CHARS: Final = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE: Final = _table(_INVISIBLE_CHARS)
_WHITESPACE: Final = _table("".join(c for c in map(chr, range(0x3001)) if c.isspace()))  # \s; U+3000 is the last
_NEWLINE_CODE: Final = ord("\n")
_SPACE_CODE: Final = ord(" ")
_UTF32: Final = "utf-32-le"
_SURROGATES: Final = "surrogatepass"


def fold(raw: str) -> str:
    """One-for-one folding: same length as `raw`, so indices into it are raw indices.

    Characters are mapped through a code-point table in one array operation (scanned pages carry
    thousands of full-width digits, and a regex callback per character is slow)."""
    codes = np.frombuffer(raw.encode(_UTF32, _SURROGATES), dtype=np.uint32)
    mapped = np.where(codes <= 0xFFFF, _FOLD_TABLE[np.minimum(codes, 0xFFFF)], codes)
    folded = mapped.tobytes().decode(_UTF32, _SURROGATES)
    if '"' in folded:
        folded = _ASCII_QUOTED.sub(lambda m: f"“{m.group(1)}”", folded)
    return folded


@lru_cache(maxsize=16)
def folded_layout(raw: str) -> tuple[str, Layout]:
    """Folded text and its line layout; cached because splitting articles needs them again."""
    folded = fold(raw)
    return folded, analyse(folded)


def normalise(raw: str) -> tuple[str, array[int], Layout]:
    """Return the clean text, its offsets into `raw` (plus a final len(raw)) and the line layout.

    A character stays when it is inside a printed line and is neither invisible nor a space that
    parts Chinese text or a single space inside a number; between lines only a newline that ends a
    paragraph stays, or a space where a wrap parts two Latin words (a number cut by a wrap is joined).
    Decided with array operations: a page has thousands of lines.
    The offsets are a machine-integer array, a copy of numpy's buffer (a list would need an int object
    per character of the page).
    """
    folded, layout = folded_layout(raw)
    codes = np.frombuffer(folded.encode(_UTF32, _SURROGATES), dtype=np.uint32).copy()
    keep = codes != _SPACE_CODE
    keep[_kept_spaces(codes)] = True
    if any(c in folded for c in _INVISIBLE_CHARS):  # rare: most pages need no pass over every character
        keep[_member(codes, _INVISIBLE)] = False
    lines, starts, ends = layout.lines, layout.starts, layout.ends
    inside = np.zeros(len(folded) + 1, dtype=np.int32)  # +1 where a line starts, -1 where one ends
    inside[starts] = 1
    inside[ends] = -1
    keep &= np.cumsum(inside[:-1], dtype=np.int32).astype(bool)  # int32: numpy sums it fastest
    if len(lines) > 1:
        wraps = np.array(layout.wraps[:-1], dtype=bool)  # the break after each line but the last
        gap_start, gap_end = ends[:-1], starts[1:]
        newlines = np.flatnonzero(codes == _NEWLINE_CODE)
        keep[newlines[np.searchsorted(newlines, gap_start[~wraps])]] = True  # the first newline of the gap
        wrapped = gap_start[wraps]
        before, after = codes[wrapped - 1], codes[gap_end[wraps]]
        # a wrap parts two Latin words with a space; a number cut by the line end ("2350" / "2人") is one number
        joins = wrapped[_is_word(before) & _is_word(after) & ~(_is_digit(before) & _is_digit(after))]
        codes[joins] = _SPACE_CODE
        keep[joins] = True
    offsets = np.flatnonzero(keep)
    text = codes[offsets].tobytes().decode(_UTF32, _SURROGATES)
    return text, array("q", np.append(offsets, len(raw)).astype(np.int64, copy=False).tobytes()), layout


def _kept_spaces(codes: np.ndarray) -> np.ndarray:
    """Every run of spaces goes except its last space when the run parts two Latin words or numbers,
    follows a Latin letter and precedes text, or precedes a Latin letter and follows text."""
    space = codes == _SPACE_CODE
    if len(codes) < 3:  # no room for a space between two characters
        return np.empty(0, dtype=np.intp)
    # Runs at either end of the text have nothing to part: only runs between two other characters count.
    firsts = np.flatnonzero(space[1:] & ~space[:-1]) + 1
    lasts = np.flatnonzero(space[:-1] & ~space[1:])
    if space[0]:
        lasts = lasts[1:]
    if space[-1]:
        firsts = firsts[:-1]
    before, after = codes[firsts - 1], codes[lasts + 1]
    # one space between two digits is OCR noise inside a number ("5 321.75"); a wider gap parts table cells
    inside_number = _is_digit(before) & _is_digit(after) & (firsts == lasts)
    stays = (
        (_is_word(before) & _is_word(after) & ~inside_number)
        | (_is_letter(before) & ~_member(after, _WHITESPACE))
        | (_is_letter(after) & (before > _SPACE_CODE))
    )
    return lasts[stays]


def _is_letter(codes: np.ndarray) -> np.ndarray:
    """Which code points are ASCII letters ([A-Za-z])."""
    lower = codes | 0x20  # A-Z to a-z; nothing else lands in a-z
    return (lower >= 0x61) & (lower <= 0x7A)


def _is_digit(codes: np.ndarray) -> np.ndarray:
    """Which code points are ASCII digits (full-width ones are folded before)."""
    return (codes >= 0x30) & (codes <= 0x39)


def _is_word(codes: np.ndarray) -> np.ndarray:
    """Which code points are ASCII letters or digits ([A-Za-z0-9])."""
    return ((codes >= 0x30) & (codes <= 0x39)) | _is_letter(codes)
