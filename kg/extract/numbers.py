"""Numbers as Chinese papers print them, read into `Quantity` records.

Covers Arabic numerals with thousands separators and decimals, Chinese
numerals (三千, 两万, 七点八八亿, 六成), mixed forms (2.3万多, 20余万, 1.6万余),
ranges (6至8小时, 五六个), percentages, percentage points, multiples and
per-period rates (625元/月, 每人每月…元).  Names that merely contain digits
(《titles》, quoted slogans, 〔2022〕61号, K1378+801, 5G, N95, 12345热线,
dates, clock times, ordinals, ages) are masked before numbers are looked for,
so they never come back as quantities.

cn2an converts the numeral strings it understands; it rejects decimal Chinese
numerals ("七点八八亿") and bare magnitudes ("近百", "上千"), which are read here.
jionlp's money and time parsers are not used: they read "15分钟" inside
"15分钟医保服务圈" as a duration and anchor "全年"/"去年" to today, not to the
article (periods.py anchors them to the article).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Final

import cn2an

from kg.extract.units import PERIODS, UNIT_PATTERN, lookup
from kg.model import Quantity
from kg.text.bisection import bisect_right
from kg.text.matching import char_starts, find_all
from kg.text.words import is_verb

MASK: Final = "\u2591"  # stands in for masked characters, so offsets stay unchanged
_CN_DIGITS: Final = "零〇一二两三四五六七八九"
_CN_NUM: Final = f"[{_CN_DIGITS}十百千万亿]+(?:点[{_CN_DIGITS}]+[万亿]?)?"
_AR_NUM: Final = r"\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MAGNITUDE: Final = r"(?:[十百万亿]|千(?![瓦伏米克]))"
_ONE: Final = rf"(?:(?:{_AR_NUM})(?:余|多)?{_MAGNITUDE}{{0,2}}(?:余|多)?|{_CN_NUM}(?:余|多)?)"
_RANGE_SEP: Final = r"(?:至|到|~|～|-|－|—)"

PREFIX_QUALIFIERS: Final = {
    "不低于": "more_than",
    "不少于": "more_than",
    "超过": "more_than",
    "至少": "more_than",
    "突破": "more_than",
    "逾": "more_than",
    "超": "more_than",
    "上": "more_than",
    "多达": "more_than",
    "近": "approx",
    "约": "approx",
    "将近": "approx",
    "接近": "approx",
    "大约": "approx",
    "不到": "less_than",
    "不足": "less_than",
    "不超过": "less_than",
    "最多": "less_than",
}
SUFFIX_QUALIFIERS: Final = {
    "以上": "more_than",
    "之多": "more_than",
    "多": "more_than",
    "余": "more_than",
    "左右": "approx",
    "上下": "approx",
    "以内": "less_than",
    "以下": "less_than",
    "之内": "less_than",
}
_PREFIX: Final = "|".join(sorted(PREFIX_QUALIFIERS, key=len, reverse=True))
_SUFFIX: Final = "|".join(sorted(SUFFIX_QUALIFIERS, key=len, reverse=True))
_PER: Final = "|".join(PERIODS)

_STARTS: Final = "".join(sorted({w[0] for w in PREFIX_QUALIFIERS}))
_QUANTITY: Final = re.compile(
    rf"(?=[\d{_CN_DIGITS}十百千万亿{_STARTS}])"
    rf"(?P<prefix>{_PREFIX})?"
    rf"(?P<num>{_ONE}(?:{_RANGE_SEP}{_ONE})?)"
    rf"(?P<unit>%|％|(?:{UNIT_PATTERN})(?:/(?:{_PER}))?)?"
    rf"(?P<suffix>{_SUFFIX})?"
)

# Runs that contain digits but are names, codes, dates or ordinals.
_MASKS: Final = [
    re.compile(r"《[^《》]{1,60}》"),
    re.compile(r"[“\"‘'「『][^“”\"‘’'「」『』]{1,14}[”\"’'」』]"),
    re.compile(r"[“\"「『][^“”\"「」『』]{0,40}[!！][^“”\"「」『』]{0,40}[”\"」』]"),
    re.compile(r"[〔\[［【(（]\d{4}[〕\]］】)）]\s*\d+\s*号"),
    re.compile(r"\d+号(?:文|令)?"),
    re.compile(r"[A-Za-z]+[\d+\-.]*\d[\dA-Za-z+\-.]*|\d+[A-Za-z][\dA-Za-z]*"),
    re.compile(r"\d+(?:\+\d+)+"),
    re.compile(r"\d{5,}(?=热线|服务热线|专线)|\d{3,4}-\d{7,8}|\d{11}"),
    re.compile(rf"第[\d{_CN_DIGITS}十百千]+"),
    re.compile(r"(?:19|20)\d{2}\s*(?:年度?|[-—至到](?:19|20)\d{2}年?)"),
    re.compile(r"\d{1,2}(?:[-—~至到]\d{1,2})?月(?:\d{1,2}(?:[-—~至到]\d{1,2})?[日号])?(?:底|初|份|上旬|中旬|下旬)?"),
    re.compile(r"(?<!个)\d{1,2}[日号](?![\d])"),
    re.compile(r"\d{1,2}(?:[时点]|:\d{2})(?:\d{1,2}分)?(?!\d)"),
    re.compile(rf"[{_CN_DIGITS}十]{{1,3}}月(?:份|底|初)?|[{_CN_DIGITS}十]{{1,3}}[日号](?!常|益)"),
    re.compile(rf"[\d{_CN_DIGITS}十]+(?:岁|周岁|℃|度(?=[,，。]))"),
    re.compile(rf"[{_CN_DIGITS}十]+(?:大(?!幅)|级|化|届|中全会|类)|二次"),
    re.compile(r"(?:十[一二三四五]五)"),
]

_HAS_NUMERAL: Final = re.compile(rf"[\d{_CN_DIGITS}十百千万亿]")
_NUMERAL_STARTS: Final = frozenset(f"0123456789{_CN_DIGITS}十")  # characters _HAS_NUMERAL finds, a mask may open on
_ARABIC_VALUE: Final = re.compile(r"(\d+(?:\.\d+)?)([十百千万亿]*)")
_CN_DECIMAL: Final = re.compile(rf"([{_CN_DIGITS}]+)点([{_CN_DIGITS}]+)([万亿]?)")
_CN_INTEGER: Final = re.compile(rf"[{_CN_DIGITS}十百千万亿]+")
_RANGE_SPLIT: Final = re.compile(_RANGE_SEP)
# One pass over the text: the first character decides which alternatives are tried.
_MASK: Final = re.compile(
    rf"(?=[\d《“\"‘'「『〔\[［【(（A-Za-z第{_CN_DIGITS}十])(?:" + "|".join(p.pattern for p in _MASKS) + ")"
)
_FULLWIDTH: Final = tuple(zip("０１２３４５６７８９．，％／", "0123456789.,%/", strict=True))


def fold_width(text: str) -> str:
    """Full-width digits and signs as ASCII, same length (str.translate is slow on CJK text)."""
    for wide, narrow in _FULLWIDTH:
        if wide in text:
            text = text.replace(wide, narrow)
    return text


def _has_numeral(text: str, m: re.Match[str]) -> bool:
    """Whether the match holds a numeral: most open on one, which needs no search."""
    return text[m.start()] in _NUMERAL_STARTS or _HAS_NUMERAL.search(m.group()) is not None


def mask_names(text: str) -> str:
    """Text of the same length with names, codes, dates and ordinals blanked out."""
    folded = fold_width(text)
    spans = sorted(m.span() for m in find_all(_MASK, folded) if _has_numeral(folded, m))
    pieces, done = [], 0
    for start, end in spans:
        start = max(start, done)
        if end > start:
            pieces += [folded[done:start], MASK * (end - start)]
            done = end
    pieces.append(folded[done:])
    return "".join(pieces)


def _split_approx(text: str) -> tuple[str, bool]:
    """Drop 余/多 from a numeral ("20余万" -> "20万") and say whether one was there."""
    stripped = text.replace("余", "").replace("多", "")
    return stripped, stripped != text


# Units that after a Chinese numeral make a word, not a quantity ("四方责任", "三日").
_CN_AMBIGUOUS_UNITS: Final[tuple[str, ...]] = ("方", "度", "日", "年", "块", "口")
_NOT_PER_PERIOD: Final[tuple[str, ...]] = ("duration", "rate", "rate_change", "multiple")
_BARE: Final = {"十": 10, "百": 100, "千": 1000, "万": 1e4, "亿": 1e8}
_DIGIT_VALUE: Final = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}


def numeral_value(text: str) -> float | None:
    """Value of one numeral without qualifiers: "2.3万" 23000, "七点八八亿" 7.88e8, "百" 100."""
    text = text.replace(",", "")
    if text in _BARE:
        return float(_BARE[text])
    m = _ARABIC_VALUE.fullmatch(text)
    if m:
        value = float(m.group(1))
        for c in m.group(2):
            value *= _BARE[c]
        return value
    m = _CN_DECIMAL.fullmatch(text)
    if m:
        whole = numeral_value(m.group(1)) if len(m.group(1)) > 1 else float(_DIGIT_VALUE[m.group(1)])
        if whole is None:
            return None
        fraction = float("0." + "".join(str(_DIGIT_VALUE[c]) for c in m.group(2)))
        return (whole + fraction) * (_BARE[m.group(3)] if m.group(3) else 1)
    if _CN_INTEGER.fullmatch(text):
        if len(text) > 1 and not any(c in "十百千万亿" for c in text):
            return None  # digit runs ("唯一一家") are words; years are masked before
        try:
            return float(cn2an.cn2an(text, "normal"))
        except ValueError:
            return None
    return None


def _adjacent_digits(text: str) -> tuple[float, float] | None:
    """Chinese paired-digit ranges: "五六" 5–6, "四五" 4–5."""
    if len(text) == 2 and all(c in _DIGIT_VALUE for c in text):
        a, b = _DIGIT_VALUE[text[0]], _DIGIT_VALUE[text[1]]
        if b == a + 1 and a > 0:
            return float(a), float(b)
    return None


def _bounds(value: float, qualifier: str, prefix: str | None) -> tuple[float | None, float | None]:
    if qualifier == "more_than":
        return value, None
    if qualifier == "less_than":
        return None, value
    if qualifier == "approx" and prefix in ("近", "将近", "接近"):
        return None, value
    return None, None


_AT_LEAST: Final = re.compile(r"(?:至少|不少于)[\u4e00-\u9fff]{0,4}$")
_PER_PERIOD: Final = re.compile(rf"每(?:人|户|个|位|名)?每?(?P<per>{_PER})")
_CLAUSE_BREAK: Final = re.compile(r"[，,。；;！？!?：:]")
# A standard or a monthly average per period: "年救助标准", "月补助标准", "月人均补差" (not "今年标准",
# "2011年标准": a year named, not a rate's period). It opens on the period and looks back from there, so
# the scan skips to 月 and 年.
_PERIOD_STANDARD: Final = re.compile(
    r"(?P<per>[月年])(?<![今去明前上下本当全该同\d].)(?:(?<=月)人均|[\u4e00-\u9fff]{0,4}?标准)"
)


def _period_denominator(text: str, start: int, break_ends: list[int]) -> str | None:
    """ "每人每月不低于…元", "每年办理…件", "年接待…人次": the period a count or amount is per.

    `break_ends` are the sorted ends of the text's clause breaks, so finding the
    clause costs one bisection, not a scan from the start of the text.
    """
    i = bisect_right(break_ends, start)
    clause_start = break_ends[i - 1] if i else 0
    # each pattern opens on its character (每; 月 or 年): a clause without it needs no search
    if text.find("每", clause_start, start) >= 0:
        found = [m.group("per") for m in find_all(_PER_PERIOD, text, clause_start, start)]
        found = [p for p in found if p not in ("人", "户", "个")]
        if found:
            return found[-1]
    dated = text.find("月", clause_start, start) >= 0 or text.find("年", clause_start, start) >= 0
    standards = find_all(_PERIOD_STANDARD, text, clause_start, start) if dated else []
    if standards:  # "年救助标准2400元", "月人均补差150元": a standard or an average per period
        return standards[-1].group("per")
    annual = text.startswith("年", clause_start) and is_verb(text[clause_start + 1 : clause_start + 3])
    return "年" if annual else None  # "年排查…1.6万余条": a clause opening on 年 and a verb counts per year


@lru_cache(maxsize=8192)
def _read_values(number_text: str) -> tuple[tuple[float, ...], bool] | None:
    """The value (or the two ends of a range) of a numeral, and whether 余/多 marked it
    (kept per numeral: a page writes the same few numerals again and again)."""
    adjacent = _adjacent_digits(number_text)
    if adjacent:
        return adjacent, False
    parts = _RANGE_SPLIT.split(number_text, maxsplit=1)
    if len(parts) == 2 and parts[0][:1].isdigit() != parts[1][:1].isdigit():
        return None
    values: list[float] = []
    approx_mark = False
    for part in parts:
        core, marked = _split_approx(part)
        value = numeral_value(core)
        if value is None:
            return None
        values.append(value)
        approx_mark = approx_mark or marked
    if len(values) == 2 and values[0] > values[1]:
        return None  # a range runs upwards: "3-1" is a score, "8至6" a misprint
    return tuple(values), approx_mark


def parse_quantities(text: str, masked: str | None = None) -> list[Quantity]:
    """Every number in `text` with its unit and qualifier; offsets index `text`.

    Numbers without a unit are returned with unit "" so that a caller can
    decide from context (a head noun such as 志愿者) what they count.
    `masked` is `mask_names` of `text` when the caller masked a wider text
    (a quote can run across a sentence break).
    """
    masked = mask_names(text) if masked is None else masked
    out: list[Quantity] = []
    if not _HAS_NUMERAL.search(masked):
        return out  # every number holds a numeral: a third of a page's sentences hold none
    previous: tuple[int, str | None, str | None] | None = None  # end, prefix, per
    break_ends = [at + 1 for at in char_starts(_CLAUSE_BREAK, masked)]
    for m in find_all(_QUANTITY, masked):
        number_text = m.group("num")  # holds a numeral: each of _ONE's forms does
        prefix = m.group("prefix")
        unit_text = (m.group("unit") or "").replace("％", "%")
        is_bare = number_text in _BARE
        if is_bare and prefix not in ("近", "上", "约", "超", "逾", "将近", "接近"):
            continue
        if not number_text[:1].isdigit() and not unit_text:
            continue
        if prefix == "上" and not is_bare:
            prefix = None
        start = m.start("prefix") if prefix else m.start("num")
        if start > 0 and (masked[start - 1].isdigit() or masked[start - 1] == "."):
            continue
        read = _read_values(number_text)
        if read is None:
            continue
        values, approx_mark = read
        unit = lookup(unit_text) if unit_text else None
        if unit_text and unit is None:
            continue
        if not number_text[:1].isdigit() and (unit_text in _CN_AMBIGUOUS_UNITS or number_text == "二"):
            continue
        per = None
        if unit is not None and "/" not in unit_text:
            per = _period_denominator(masked, start, break_ends)
            if per is None and previous and _joined(masked, previous[0], start):
                per = previous[2]
            if per is not None and unit.dimension not in _NOT_PER_PERIOD:
                unit = lookup(f"{unit_text}/{per}") or unit
        suffix = m.group("suffix")
        if prefix is None and previous and _joined(masked, previous[0], start):
            prefix = previous[1]
        qualifier = "exact"
        if prefix is None and _AT_LEAST.search(masked, max(0, start - 6), start):
            prefix = "至少"
        if prefix and prefix in PREFIX_QUALIFIERS:
            qualifier = PREFIX_QUALIFIERS[prefix]
        if approx_mark or "多" in unit_text:
            qualifier = "more_than"
        if suffix:
            qualifier = SUFFIX_QUALIFIERS[suffix]
        factor = unit.factor if unit else 1.0
        scaled = [v * factor for v in values]
        if not all(map(math.isfinite, scaled)):
            continue  # a run of digits too long to be a reported figure
        value = scaled[0]
        lower, upper = _bounds(value, qualifier, prefix)
        if len(scaled) == 2:
            lower, upper = scaled
            qualifier = "approx" if qualifier == "exact" else qualifier
        end = m.end()
        out.append(
            Quantity(
                text=text[m.start("num") : m.end("unit") if unit_text else m.end("num")],
                number_text=number_text + (suffix if suffix in ("余", "多") else ""),
                value=value,
                unit=unit.base if unit else "",
                unit_written=unit_text,
                dimension=unit.dimension if unit else None,
                qualifier=qualifier,
                lower=lower,
                upper=upper,
                start=start,
                end=end,
            )
        )
        previous = (end, prefix, per)
    return out


def _joined(text: str, previous_end: int, start: int) -> bool:
    """True when two numbers are coordinated ("不低于A和B", "A、B")."""
    return text[previous_end:start] in ("和", "、", "及", "与", ",", "，")
