"""Traditional → simplified folding, for matching names however a page writes them."""

from __future__ import annotations

from functools import lru_cache
from typing import Final

from opencc import OpenCC

_T2S: Final = OpenCC("t2s")


@lru_cache(maxsize=65536)
def to_simplified(text: str) -> str:
    """Simplified-character form of `text` ("醫療保障局" → "医疗保障局"); other characters unchanged."""
    return _T2S.convert(text)
