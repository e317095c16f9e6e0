"""Words of a short stretch of text by jieba's dictionary alone (no HMM guesses for unknown words).

The reader and the extractors ask it whether a position falls inside a word (where a column
break cut a story, whether a name found by string matching starts and ends on word boundaries)
and whether a word is a verb.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jieba


def dictionary_words(text: str) -> list[str]:
    """`text` cut into words that jieba's dictionary knows (single characters otherwise)."""
    return list(_tokenizer().cut(text, HMM=False))


def is_verb(word: str) -> bool:
    """jieba's dictionary tags the word as a verb (v, vn, vd ...)."""
    return _tags().get(word, "").startswith("v")


@cache
def _tags() -> dict[str, str]:
    import jieba.posseg

    _tokenizer()
    return jieba.posseg.dt.word_tag_tab


@cache
def _tokenizer() -> jieba.Tokenizer:
    import jieba

    jieba.setLogLevel(60)
    jieba.dt.check_initialized()
    return jieba.dt
