"""The dictionary cut written out for the compiler (kg.text.words), the matches of kg.text.matching and
the bisection of kg.text.bisection give what jieba's precise cut without HMM, `Pattern.finditer` and the
stdlib's bisect give."""

from __future__ import annotations

import bisect
import re

import jieba
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.text import bisection
from kg.text.matching import char_starts, find_all
from kg.text.words import dictionary_words

# characters of common words, ASCII letters and digits (glued by the cut), the block's own signs
# (+#&._%-), punctuation, spaces and line ends (kept whole between blocks)
_CHARS = list("全县城乡居民医疗保险参保人数达到万元以上农村道路建设提升行动计划的了和") + list(
    "aZ09+#&._%-，。、“”（） \t\r\n\u3000")


def _jieba(text: str) -> tuple[str, ...]:
    jieba.setLogLevel(60)
    return tuple(jieba.dt.cut(text, HMM=False))


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_CHARS, max_size=40))
def test_cut_is_jiebas_cut_without_hmm(text: str) -> None:
    assert dictionary_words(text) == _jieba(text)


def test_cut_of_invented_sentences() -> None:
    for text in (
        "全县城乡居民医保参保人数达12.5万人，参保率达99%。",
        "开展“乡村振兴”道路提升行动ABC123计划\r\n第二阶段",
        "",
        "  ",
        "医保局2023年度工作总结",
    ):
        assert dictionary_words(text) == _jieba(text)


_PATTERNS = [re.compile(p) for p in (r"\d+", r"[县乡]|行动", r"(?<=\d)万?", r"x*", r"(?=县)", r"\b", r"^全|$")]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_PATTERNS), st.text(alphabet=list("全县乡12万x行动 "), max_size=20), st.data())
def test_find_all_is_finditer(pattern: re.Pattern[str], text: str, data: st.DataObject) -> None:
    pos = data.draw(st.integers(0, len(text)))
    endpos = data.draw(st.integers(pos, len(text)))
    spans = [(m.span(), m.groups()) for m in find_all(pattern, text, pos, endpos)]
    assert spans == [(m.span(), m.groups()) for m in pattern.finditer(text, pos, endpos)]
    assert [m.span() for m in find_all(pattern, text)] == [m.span() for m in pattern.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=list("全县，,。；;！？!?：:、 12"), max_size=30))
def test_char_starts_are_finditers_starts(text: str) -> None:
    breaks = re.compile(r"[，,。；;！？!?：:]")
    assert char_starts(breaks, text) == [m.start() for m in breaks.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(-5, 40), max_size=30), st.integers(-8, 45))
def test_bisection_is_the_stdlibs(values: list[int], x: int) -> None:
    values.sort()
    assert bisection.bisect_left(values, x) == bisect.bisect_left(values, x)
    assert bisection.bisect_right(values, x) == bisect.bisect_right(values, x)
