"""jieba's dictionary, in one place: words of a short text (no HMM guesses for unknown words),
word tags and frequencies.

The reader asks whether a column break cut a word; the extractors whether a name found by string
matching starts and ends on word boundaries, which word of a phrase is a verb, where words begin.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jieba


@lru_cache(maxsize=4096)
def dictionary_words(text: str) -> tuple[str, ...]:
    """`text` cut into words that jieba's dictionary knows (single characters otherwise); kept per
    text, since a page's phrases repeat."""
    return tuple(_tokenizer().cut(text, HMM=False))


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
