"""Words of a short stretch of text by jieba's dictionary alone (no HMM guesses for unknown words).

The reader and the extractors ask it whether a position falls inside a word: where a column
break cut a story, whether a name found by string matching starts and ends on word boundaries.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jieba


def dictionary_words(text: str) -> list[str]:
    """`text` cut into words that jieba's dictionary knows (single characters otherwise)."""
    return list(_tokenizer().cut(text, HMM=False))


@cache
def _tokenizer() -> jieba.Tokenizer:
    import jieba

    jieba.setLogLevel(60)
    jieba.dt.check_initialized()
    return jieba.dt
