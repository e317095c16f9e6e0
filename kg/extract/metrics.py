"""What a number measures: a short phrase from the clause's grammar, and a comparable key.

Chinese reports put the measure before the number ("整改图斑面积达1784.61亩",
"城镇新增就业5511人") or, with a measure word, after it ("302个问题图斑").
The phrase is the noun/verb–object run that governs the number, with scope
words, time expressions and linking verbs stripped; jieba's part-of-speech
tags decide where the noun phrase after a number ends.
"""

from __future__ import annotations

import re
from functools import cache

from kg.extract.periods import PERIOD
from kg.model import Quantity

METRIC_MAX = 16
_SCOPE = re.compile(r"^(?:全省|全市|全州|全县|全区|全镇|全乡|该省|该市|该县|该区|该镇|该局|该院|该中心|该公司|全院)")
_LEAD = re.compile(r"^(?:并|且|同时|其中|还|和|及|以及|与|已经|已|共|共计|累计|全年|今年|通过|目前|此外|另外|分别)+")
_TRAIL = re.compile(
    r"(?:分别|同比|共计|共有|共|累计|达到|高达|达|为|是|有|约|近|超过|超|逾|已|了|在|至|到|稳定在|控制在|"
    r"保持在|提高到|提高至|增加到|增至|突破|不低于|不少于|不到|每人每月|每人|每月|每年|的|等)+$"
)
_PUNCT = re.compile(r"[“”\"‘’'「」『』《》()（）、\s]")
_NOUNISH = ("n", "vn", "an", "j", "l", "b", "a", "ng", "nz", "nr", "ns", "nt", "v", "eng")


@cache
def _posseg():
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)
    return jieba.posseg


def _clean(phrase: str) -> str:
    return _PUNCT.sub("", phrase)


def _noun_phrase_after(text: str) -> str:
    """The noun phrase a measure word introduces: "个'非农化'问题图斑已举证" -> 问题图斑."""
    words: list[str] = []
    for word, flag in _posseg().cut(_clean(text)[:20]):
        if flag.startswith(("n", "j", "b", "a", "vn", "l", "eng")) or (flag == "v" and not words):
            if flag == "v" and words:
                break
            words.append(word)
        elif words:
            break
    return "".join(words)


def metric_phrase(
    text: str, clause_start: int, clause_end: int, q: Quantity, names: tuple[str, ...] = ()
) -> str | None:
    """What the number at `q` (offsets into `text`) measures, at most 16 characters.

    `names` are the places and bodies named in the sentence: they say whose
    measure it is, not what is measured, and are left out.
    """
    before = PERIOD.sub("", text[clause_start : q.start])
    for name in sorted(names, key=len, reverse=True):
        before = before.replace(name, "")
    before = _clean(before)
    before = _SCOPE.sub("", before)
    before = _LEAD.sub("", before)
    before = _TRAIL.sub("", before)
    if len(before) >= 2:
        return before[-METRIC_MAX:]
    after = _noun_phrase_after(text[q.end : clause_end])
    if after:
        suffix = "数" if q.dimension not in ("money", "rate", "area", "length") else ""
        return (after + suffix)[:METRIC_MAX]
    return before or None


def metric_key(metric: str, unit: str) -> str:
    """A key under which the same measure compares across regions and articles."""
    core = _LEAD.sub("", _SCOPE.sub("", _clean(metric)))
    return f"{core or metric}|{unit}"
