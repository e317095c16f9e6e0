"""jieba's dictionary, in one place: words of a short text (no HMM guesses for unknown words),
word tags and frequencies.

The reader asks whether a column break cut a word; the extractors whether a name found by string
matching starts and ends on word boundaries, which word of a phrase is a verb, where words begin.
The cut is jieba's own precise cut without HMM (`Tokenizer.cut(text, HMM=False)`: the same blocks,
word graph, route and buffered ASCII), written out here so that mypyc compiles it: jieba's
interpreted version was 4 % of extraction (issue 17). tests/test_words.py holds it to jieba's.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from math import log
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import jieba

# jieba's re_han_default and re_skip_default: runs it cuts with the dictionary, and what it keeps whole
# between them (line ends and spaces; any other character stands alone)
_BLOCK: Final = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&\\._%\\-]+)")
_SKIP: Final = re.compile("(\r\n|\\s)")
# single letters and digits the cut glues back together (jieba's re_eng)
_ASCII_WORD: Final = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


@lru_cache(maxsize=4096)
def dictionary_words(text: str) -> tuple[str, ...]:
    """`text` cut into words that jieba's dictionary knows (single characters otherwise); kept per
    text, since a page's phrases repeat."""
    freq, log_total = _dictionary()
    words: list[str] = []
    for block in _BLOCK.split(text):
        if not block:
            continue
        if _BLOCK.match(block):
            _cut_block(block, freq, log_total, words)
            continue
        for piece in _SKIP.split(block):
            if _SKIP.match(piece):
                words.append(piece)
            else:
                words.extend(piece)
    return tuple(words)


def _cut_block(block: str, freq: dict[str, int], log_total: float, words: list[str]) -> None:
    """jieba's __cut_DAG_NO_HMM: the most probable route through the dictionary words of `block`
    (ties to the longer word, as jieba's max over (score, end) does), single ASCII letters and digits
    joined into one word."""
    n = len(block)
    ends: list[list[int]] = []  # per start, the ends (inclusive) of the dictionary words from there
    for k in range(n):
        found: list[int] = []
        i = k
        count = freq.get(block[k])
        while count is not None:
            if count:
                found.append(i)
            i += 1
            if i >= n:
                break
            count = freq.get(block[k : i + 1])
        ends.append(found or [k])
    score = [0.0] * (n + 1)
    last = [0] * (n + 1)
    for start in range(n - 1, -1, -1):
        best, best_end = 0.0, -1
        for end in ends[start]:
            value = log(freq.get(block[start : end + 1]) or 1) - log_total + score[end + 1]
            if best_end < 0 or value >= best:
                best, best_end = value, end
        score[start], last[start] = best, best_end
    x, buf = 0, ""
    while x < n:
        y = last[x] + 1
        word = block[x:y]
        if y - x == 1 and word in _ASCII_WORD:
            buf += word
        else:
            if buf:
                words.append(buf)
                buf = ""
            words.append(word)
        x = y
    if buf:
        words.append(buf)


@cache
def _dictionary() -> tuple[dict[str, int], float]:
    tokenizer = _tokenizer()
    return tokenizer.FREQ, log(tokenizer.total)


def is_verb(word: str) -> bool:
    """jieba's dictionary tags the word as a verb (v, vn, vd ...)."""
    return tags().get(word, "").startswith("v")


@cache
def tags() -> dict[str, str]:
    """Word -> part-of-speech tag of jieba's dictionary ("i" idiom, "n" noun, "v" verb ...)."""
    import jieba.posseg

    _tokenizer()
    return jieba.posseg.dt.word_tag_tab


def frequencies() -> dict[str, int]:
    """Word -> count in jieba's dictionary; every prefix of a word is a key too (count 0)."""
    return _tokenizer().FREQ


@cache
def _tokenizer() -> jieba.Tokenizer:
    import jieba

    jieba.setLogLevel(60)
    jieba.dt.check_initialized()
    return jieba.dt
