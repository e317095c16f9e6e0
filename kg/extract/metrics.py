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

from kg.extract.periods import period_pattern
from kg.model import Quantity

METRIC_MAX = 16
_SCOPE = re.compile(r"^(?:全省|全市|全州|全县|全区|全镇|全乡|该省|该市|该县|该区|该镇|该局|该院|该中心|该公司|全院)")
_LEAD = re.compile(r"^(?:并|且|同时|其中|还|和|及|以及|与|已经|已|共|共计|累计|全年|今年|通过|目前|此外|另外|分别)+")
_TRAIL = re.compile(
    r"(?:分别|同比|共计|共有|共|累计|达到|高达|达|为|是|有|约|近|超过|超|逾|已|了|在|至|到|稳定在|控制在|"
    r"保持在|提高到|提高至|增加到|增至|突破|不低于|不少于|不到|每人每月|每人|每月|每年|的|等)+$"
)
# Where the noun phrase after a number ends: the predicate begins.
_AFTER_STOP = re.compile(
    r"已|均|都|全部|实现|开通|参与|入选|被|可|获|实施|进行|提供|接受|纳入|享受|完成|达到|覆盖|登台|主动|联合|组成|"
    r"正在|成功|签约|投入|建立|开展|认定|的|在|为|与|和|及|等|中|[、，,。；;：:]|\d"
)
_PUNCT = re.compile(r"[“”\"‘’'「」『』《》()（）、\s]")
# Measures whose number is an amount of something named before it ("投入资金…元").
_AMOUNTS = ("money", "rate", "rate_change", "area", "length", "volume", "mass", "power", "energy", "multiple")


@cache
def _posseg():
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)
    jieba.posseg.dt.tokenizer.check_initialized()
    return jieba.posseg


def _clean(phrase: str) -> str:
    return _PUNCT.sub("", phrase)


def _noun_phrase_after(text: str) -> str:
    """The noun phrase a measure word introduces: "个'非农化'问题图斑已举证" -> 非农化非粮化问题图斑."""
    stop = _AFTER_STOP.search(text)
    return _clean(text[: stop.start() if stop else len(text)])[:12]


def metric_phrase(
    text: str, clause_start: int, clause_end: int, q: Quantity, names: tuple[str, ...] = ()
) -> str | None:
    """What the number at `q` (offsets into `text`) measures, at most 16 characters.

    `names` are the places and bodies named in the sentence: they say whose
    measure it is, not what is measured, and are left out.
    """
    before = text[clause_start : q.start].rpartition("、")[2]
    before = period_pattern(before).sub("", before)
    for name in sorted(names, key=len, reverse=True):
        before = before.replace(name, "")
    before = _clean(before)
    before = _SCOPE.sub("", before)
    before = _LEAD.sub("", before)
    before = _TRAIL.sub("", before)
    after = "" if q.dimension in _AMOUNTS else _noun_phrase_after(text[q.end : clause_end])
    if after and (len(before) <= 6 or _final_verb(before)):
        verb = _final_verb(before)
        head = verb if verb and len(before) > 6 else before
        return (head + after + "数")[-METRIC_MAX:]
    return before[-METRIC_MAX:] or None


def _final_verb(phrase: str) -> str | None:
    """The verb a phrase ends with ("累计建成" -> 建成), by jieba's dictionary tags."""
    tags = _posseg().dt.word_tag_tab
    for size in (4, 3, 2):
        word = phrase[-size:]
        if len(word) == size and tags.get(word, "").startswith("v"):
            return word
    return None


def metric_key(metric: str, unit: str) -> str:
    """A key under which the same measure compares across regions and articles."""
    core = _LEAD.sub("", _SCOPE.sub("", _clean(metric)))
    return f"{core or metric}|{unit}"
