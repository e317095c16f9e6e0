"""All printed lines of a page classified at once, the same as `lines.make_line` one by one.

A generated page holds ~13,500 short column lines per MB and judging each with a dozen
small checks dominated reading. Here the character counts those checks need (spaces,
half-width cells, sentence punctuation, commas, brackets, dateline marks) come from one
cumulative sum over the whole page, and the plain cases (body text, plain headings) are
decided with array operations; a short unpunctuated line still gets the byline-role and
names-line regexes. A line any rarer rule could apply to (a caption or bullet mark,
furniture or credit words, a closing bracket or quote at its end, a dateline mark in a
line not yet known to be body text) is judged by `make_line` itself.
"""

from __future__ import annotations

from typing import Final

import numpy as np

from kg.text import lines as rules
from kg.text.lines import Kind, Line, cut_number, make_line

_UTF32: Final = "utf-32-le"
_SURROGATES: Final = "surrogatepass"
_NEWLINE: Final = ord("\n")
_SPACES: Final = "".join(c for c in map(chr, range(0x3001)) if c.isspace())  # what \s matches; U+3000 is the last
_HALF: Final = "".join(chr(c) for c in range(0x21, 0x7F)) + "，。、“”‘’：；（）《》！？"  # lines._HALF_CELL
# Characters counted per line, one column each (their order gives the columns below).
_COUNTED: Final = (
    _SPACES,
    " ",  # the only space folding leaves; a line with another one is judged by make_line
    _HALF,
    "。；;！？、",  # lines._SENTENCE_INSIDE
    "，,",
    "、",
    "。；;！!？?",  # lines.HEADING_STOP
    "（(",
    "）)",
    "".join(rules.DATELINE_MARKS),
    "星",  # only a "…星期X" date line can be furniture opening on a digit other than a "N版" line
    ":：/",  # an editor's line ("责任编辑：…") has one after its role
)
_SPACE, _BLANK, _HALFS, _INSIDE, _COMMAS, _DUN, _STOPS, _OPEN, _CLOSE, _MARK, _STAR, _COLON = range(len(_COUNTED))
# First characters of lines that may be furniture (lines.FURNITURE) or a credit (lines.CREDIT_START):
# a role followed by a colon, a whole two-character line ("专版"), a line ending in 版 ("下转2版",
# "第3版", "A3版"), or one opening with a bracket or a photo word. A caption or bullet mark (lines._MARKS)
# opens a line judged one by one, and so does a last character of a credit, a signature or a line whose
# end needs lines.ends_sentence to judge (closing quotes and brackets).
_ROLE_FIRST: Final = "责責美校版值本组組编編日时发更浏点阅字"  # editors' roles, a web page's record ("日期:")
_WORD_FIRST: Final = "专專广廣特"
_PAGE_FIRST: Final = "上下第0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_SLOW_FIRST: Final = "（(摄攝"
_CREDIT_LAST: Final = "摄攝影图圖供"
_SLOW_LAST: Final = ")）" + rules._CLOSERS
_DOT, _MIDDLE_DOT, _SPACE_CODE = ord("."), ord("·"), ord(" ")  # lines._DOTS: "...", "···", "· ·"
_DASH, _HYPHEN, _ZERO, _NINE, _DAY, _H, _W = ord("—"), ord("-"), ord("0"), ord("9"), ord("日"), ord("h"), ord("w")
_DATELINE_SPAN: Final = 40  # make_line looks for a dateline mark in a body line's first 40 characters


def _bits(groups: tuple[str, ...]) -> np.ndarray:
    """Code point → bit set of the groups it belongs to (one entry past the end for higher codes)."""
    top = max(ord(c) for group in groups for c in group)
    table = np.zeros(top + 2, dtype=np.uint16)
    for bit, group in enumerate(groups):
        for c in group:
            table[ord(c)] |= 1 << bit
    return table


_COUNT_BITS: Final = _bits(_COUNTED)
_COLUMN_BITS: Final = (1 << np.arange(len(_COUNTED), dtype=np.uint16)).astype(np.uint16)[:, None]
_EDGE: Final = _bits((rules._MARKS, _SLOW_FIRST, _ROLE_FIRST, _WORD_FIRST, _PAGE_FIRST, _CREDIT_LAST, _SLOW_LAST,
               rules._END_MARKS, rules.HEADING_OPEN_END))
_MARKED, _FIRST_SLOW, _ROLE, _WORD, _PAGE, _CREDIT, _LAST_SLOW, _END, _OPEN_END = (1 << bit for bit in range(9))
_PAGE_MARK: Final = ord("版")
# What the array pass leaves to do for a line: judge it one by one, or take it as a finished body line,
# an unfinished one, a body line to check for a dateline, or (unless it names a byline role or is a
# line of names) a heading or an unfinished body line.
_ONE_BY_ONE, _ENDED, _BODY, _DATED, _HEADING, _NOT_HEADING = range(6)


def _spans(codes: np.ndarray, spaces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends of the page's lines without their leading and trailing spaces (what the regex
    `\\S(?:[^\\n]*\\S)?` finds): the first and last runs of non-space characters between two newlines.

    `spaces` holds the positions of white space, in order: runs are the gaps between neighbouring ones."""
    bounds = np.concatenate(([-1], spaces, [len(codes)]))
    gap = bounds[1:] - bounds[:-1] > 1
    run_starts, run_ends = bounds[:-1][gap] + 1, bounds[1:][gap]
    if not len(run_starts):
        return run_starts, run_ends
    line = np.searchsorted(spaces[codes.take(spaces) == _NEWLINE], run_starts)  # newlines before each run
    change = line[1:] != line[:-1]
    return run_starts[np.concatenate(([True], change))], run_ends[np.concatenate((change, [True]))]


def page_lines(folded: str) -> list[Line]:
    """`make_line` for every line of folded page text, in order."""
    return line_table(folded)[0]


def line_table(folded: str) -> tuple[list[Line], np.ndarray, np.ndarray]:
    """`page_lines`, with the lines' starts and ends as arrays too (normalise works on them as arrays)."""
    codes = np.frombuffer(folded.encode(_UTF32, _SURROGATES), dtype=np.uint32)
    flags = _COUNT_BITS.take(codes, mode="clip")  # the table's last entry is 0: higher codes count nowhere
    # Most characters (plain hanzi) are counted in no column: work on the others only.
    counted = np.flatnonzero(flags)
    counted_flags = flags.take(counted)
    starts, ends = _spans(codes, counted[(counted_flags & 1) != 0])
    if not len(starts):
        return [], starts, ends
    sums = np.zeros((len(_COUNTED), len(counted) + 1), dtype=np.int32)
    np.cumsum((_COLUMN_BITS & counted_flags) != 0, axis=1, dtype=np.int32, out=sums[:, 1:])
    before = np.searchsorted(counted, starts)
    counts = sums.take(np.searchsorted(counted, ends), axis=1) - sums.take(before, axis=1)
    early = np.searchsorted(counted, np.minimum(starts + _DATELINE_SPAN, ends))
    marks_early = sums[_MARK].take(early) - sums[_MARK].take(before)
    length = ends - starts
    size = length - counts[_SPACE]  # characters other than spaces
    first = _EDGE.take(codes.take(starts), mode="clip")
    last_code = codes.take(ends - 1)
    last = _EDGE.take(last_code, mode="clip")
    before_last, third_last = codes.take(np.maximum(ends - 2, 0)), codes.take(np.maximum(ends - 3, 0))
    dots = (length >= 3) & (
        ((last_code == _DOT) & (before_last == _DOT) & (third_last == _DOT))
        | (
            (last_code == _MIDDLE_DOT)
            & (third_last == _MIDDLE_DOT)
            & ((before_last == _MIDDLE_DOT) | (before_last == _SPACE_CODE))
        )
    )
    commas = counts[_COMMAS]
    ended = ((last & _END) != 0) | dots
    # Decided before furniture and credits: long, or punctuated inside without a credit's possible end.
    plain_body = (size > rules.MAX_HEADING) | ((counts[_INSIDE] > 0) & ((last & _CREDIT) == 0))
    body = plain_body | ended | (commas > 1)
    furniture = (
        ((first & _FIRST_SLOW) != 0)
        | (((first & _ROLE) != 0) & (counts[_COLON] > 0))
        | (((first & _WORD) != 0) & (size == 2))
        | (((first & _PAGE) != 0) & (last_code == _PAGE_MARK))
        | (counts[_STAR] > 0)
        | ((last & _CREDIT) != 0)
    )
    first_code = codes.take(starts)
    # A heading may list with "、" inside brackets or after a subtitle's dash; a date alone is furniture.
    listed_heading = (
        (counts[_DUN] > 0) & (counts[_STOPS] == 0) & ~ended & (size <= rules.MAX_HEADING)
        & ((counts[_OPEN] > 0) | (first_code == _DASH) | (first_code == _HYPHEN))
    )
    date_alone = ((first & _PAGE) != 0) & (((last_code >= _ZERO) & (last_code <= _NINE)) | (last_code == _DAY))
    web_address = (first_code == _H) | (first_code == _W)  # "http://…", "www.…": furniture
    one_by_one = (
        listed_heading
        | web_address
        | date_alone
        | ((first & _MARKED) != 0)
        | ((last & _LAST_SLOW) != 0)
        | (counts[_SPACE] != counts[_BLANK])
        | (~plain_body & furniture)
        | (~body & (counts[_MARK] > 0))
    )
    heading = (
        (size >= 2)
        & ((last & _OPEN_END) == 0)
        & (counts[_DUN] == 0)
        & (counts[_OPEN] == counts[_CLOSE])
        & ((size <= rules._COMMA_HEADING_MAX) | (commas == 0))
        & (counts[_STOPS] == 0)
    )
    state = np.full(len(starts), _NOT_HEADING, dtype=np.int8)  # the first rule that applies, from the last
    state[heading] = _HEADING
    state[body] = _BODY
    state[ended] = _ENDED
    state[body & (marks_early > 0)] = _DATED
    state[one_by_one] = _ONE_BY_ONE
    narrow = np.where(length > rules.MAX_HEADING, length, size - 0.5 * counts[_HALFS])
    role, names = rules.BYLINE_ROLE.search, rules._names_line
    result: list[Line] = []
    append = result.append
    dated = rules.DATELINE.match
    body_kind, heading_kind, byline_kind = Kind.BODY, Kind.HEADING, Kind.BYLINE  # Enum lookups are slow in 3.11
    for s, e, todo, printed, is_ended in zip(
        starts.tolist(), ends.tolist(), state.tolist(), narrow.tolist(), ended.tolist(), strict=True
    ):
        text = folded[s:e]
        if todo == _BODY:
            append(Line(s, e, text, body_kind, False, False, False, printed))
        elif todo == _ENDED:  # a finished body line counts its characters
            append(Line(s, e, text, body_kind, True, False, False, e - s))
        elif todo == _DATED:  # a dateline mark in its first characters: make_line's dateline test
            dateline = dated("".join(text[:60].split())) is not None
            append(Line(s, e, text, body_kind, is_ended, False, dateline, e - s if is_ended else printed))
        elif todo == _ONE_BY_ONE:
            append(make_line(s, e, text))
        else:  # make_line's last checks: a byline role, a line of names, then heading or body
            spaced = " " in text
            if role("".join(text.split()) if spaced else text):
                append(make_line(s, e, text))
            elif spaced and names(text):
                append(Line(s, e, text, byline_kind, False, False, False, printed))
            else:  # a heading never ends on a digit: that is a number cut by the column wrap
                kind = heading_kind if todo == _HEADING and not cut_number(text) else body_kind
                append(Line(s, e, text, kind, False, False, False, printed))
    return result, starts, ends
