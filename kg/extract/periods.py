"""Time expressions a claim's value refers to, and their dates.

A period is kept as written ("截至11月13日", "1-10月", "今年以来") and,
when the article's date or year allows, resolved to an ISO interval. Relative
words are anchored to the article, never to today.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Final

from kg.text.matching import find_all

_MD: Final = r"\d{1,2}月(?:\d{1,2}[日号])?(?:底|末|初|中旬|上旬|下旬)?"
_YEAR: Final = r"(?:(?:19|20)\d{2}年度?|今年|去年|前年|明年)"
_COUNT: Final = r"[一二两三四五六七八九十几]"
# Parts of a year: months, quarters ("二季度", "第三季度", "前三季度"), halves, the whole year and its end.
_PART: Final = (
    rf"\d{{1,2}}[-—–至到~]\d{{1,2}}月(?:份)?|{_MD}|[上下]半年|前[一二三]季度|第?[一二三四]季度|全年|年[末底初]"
)
_DATED: Final = re.compile(
    r"(?=[截至到自从今去前明上下一二三四第全近两三五六七八九十这年连日目当国假节春\d])"
    rf"(?:截至|截止到?|至|到|自|从)?(?:{_YEAR}?(?:{_PART})"
    rf"|{_YEAR}(?:以来|底|末|初)?|今年以来|去年以来|近年来|近几年来?|近{_COUNT}年来?|{_COUNT}+年来|这{_COUNT}?年|近期|"
    rf"截至目前|目前|当前|连日来|近日|日前|国庆(?:长假|假期|节)(?:期间)?|假期|节日期间|春节期间)"
    rf"(?:以来|起|止|期间|前)?"
)
# Spans named by an event: "保电期间", "“冬季攻势”以来", "自专班成立以来".
_EVENT: Final = r"(?:自|从)?[\u4e00-\u9fff“”\"]{2,10}?(?:以来|期间)"
PERIOD: Final = re.compile(rf"{_DATED.pattern}|{_EVENT}")
# Periods that hold for a whole article once stated (a year under review).
YEARLY: Final = re.compile(rf"^{_YEAR}$|^全年$")
# A period word that modifies a noun ("全年目标任务", "年度计划") or names a comparison's base
# ("较去年同期", "比上年") says nothing of when the value holds.
_ATTRIBUTIVE: Final = re.compile(r"(?:的)?(?:目标|任务|预算)|同期")
_BASE_BEFORE: Final[tuple[str, ...]] = ("较", "比", "同比", "与", "和")
# Words that date the reporting ("近日，记者从…获悉"), not the figures: never carried over an article.
_REPORTING: Final = frozenset(("近日", "日前", "连日来"))
_DAY: Final = re.compile(r"^\d{1,2}月\d{1,2}[日号]$")
# A written period that is a part of some year ("二季度", "1-10月", "全年", "年末") is completed by the
# year the article states when it leaves the year out.
_YEAR_PART: Final = re.compile(rf"^(?:{_PART})(?:以来|起|止|期间|前)?$")
_HAS_YEAR: Final = re.compile(r"(?:19|20)\d{2}|[今去前明上]年")
# resolve_period's patterns, compiled once: re.search with a pattern string looks it up in re's cache
# (interpreted code) at every call
_YEAR_NUMBER: Final = re.compile(r"((?:19|20)\d{2})年")
_MONTH_RANGE: Final = re.compile(r"(\d{1,2})[-—–至到~](\d{1,2})月")
_MONTH_DAY: Final = re.compile(r"(\d{1,2})月(?:(\d{1,2})[日号])?")
_QUARTER: Final = re.compile(r"(前)?第?([一二三四])季度")
_YEAR_END: Final = re.compile(r"年[末底]")
_YEAR_WORD: Final = re.compile(r"年|全年")
_RECENT: Final = re.compile(r"近|来")
_NOW: Final = re.compile(r"截至目前|目前|当前")


# Every _DATED match holds one of these (月, 年 or 季度 of a part of a year, 近期 and 假期, 目前 and 当前,
# 近日 and 日前, 国庆; tests/test_periods.py holds the pattern to it): a sentence holding none has no dated
# period, and a few looks for them cost less than the pattern's search, which tries a match at most characters.
_DATED_MARKS: Final[tuple[str, ...]] = ("年", "月", "日", "前", "期", "季", "庆")


def period_pattern(text: str) -> re.Pattern[str]:
    """PERIOD, or the dated part alone when `text` holds no event period's ending: the
    same matches, without trying an event name at every character."""
    return PERIOD if "以来" in text or "期间" in text else _DATED


def _undated(text: str, pattern: re.Pattern[str]) -> bool:
    """Whether `pattern` (period_pattern(text)) is the dated part alone and `text` holds none of its marks."""
    return pattern is _DATED and not any(mark in text for mark in _DATED_MARKS)


def _periods(text: str, end: int) -> list[re.Match[str]]:
    """The matches of `period_pattern(text)` in text[:end]."""
    pattern = period_pattern(text)
    return [] if _undated(text, pattern) else find_all(pattern, text, 0, end)


def strip_periods(text: str) -> str:
    """`text` without its period expressions."""
    pattern = period_pattern(text)
    return text if _undated(text, pattern) else pattern.sub("", text)


def find_period(text: str, end: int | None = None) -> re.Match[str] | None:
    """The last period expression in `text[:end]`."""
    found = None
    for m in _periods(text, len(text) if end is None else end):
        found = m
    return found


def _year_of(expr: str, year: int | None) -> int | None:
    m = _YEAR_NUMBER.search(expr) if "年" in expr else None
    if m:
        return int(m.group(1))
    if year is None:
        return None
    if "去年" in expr:
        return year - 1
    if "前年" in expr:
        return year - 2
    if "明年" in expr:
        return year + 1
    return year


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


# Keyed by the article's date, so an unbounded memo grew with the corpus (an ingest worker by ~3.5 kB a page).
# Measured over 60 pages (~100 calls a page): hit rate 0.39 with 64 entries, 0.40 with 256, 0.43 unbounded.
RESOLVED_KEPT: Final = 256


@lru_cache(maxsize=RESOLVED_KEPT)
def resolve_period(expr: str, published: str | None, year: int | None) -> tuple[str | None, str | None]:
    """ISO start and end of a written period, anchored to the article's date and year."""
    pub = date.fromisoformat(published) if published else None
    year = year or (pub.year if pub else None)
    y = _year_of(expr, year)
    if y is None:
        return None, None
    try:
        # each pattern is searched only where a character it needs is: a look costs less than a search
        m = _MONTH_RANGE.search(expr) if "月" in expr else None
        if m:
            return date(y, int(m.group(1)), 1).isoformat(), _month_end(y, int(m.group(2))).isoformat()
        m = _MONTH_DAY.search(expr) if "月" in expr else None
        if m:
            month = int(m.group(1))
            day = date(y, month, int(m.group(2))) if m.group(2) else _month_end(y, month)
            if expr.startswith(("截至", "截止", "至", "到")):
                return date(y, 1, 1).isoformat(), day.isoformat()
            if m.group(2):
                return day.isoformat(), day.isoformat()
            return date(y, month, 1).isoformat(), day.isoformat()
        if "上半年" in expr:
            return date(y, 1, 1).isoformat(), date(y, 6, 30).isoformat()
        if "下半年" in expr:
            return date(y, 7, 1).isoformat(), date(y, 12, 31).isoformat()
        m = _QUARTER.search(expr) if "季度" in expr else None
        if m:
            quarter = "一二三四".index(m.group(2)) + 1
            first = 1 if m.group(1) else 3 * quarter - 2
            return date(y, first, 1).isoformat(), _month_end(y, 3 * quarter).isoformat()
        if "年" in expr and _YEAR_END.search(expr):
            return date(y, 12, 31).isoformat(), date(y, 12, 31).isoformat()
        if "以来" in expr and pub and y == pub.year:
            return date(y, 1, 1).isoformat(), pub.isoformat()
        if "年" in expr and _YEAR_WORD.search(expr) and not _RECENT.search(expr):
            return date(y, 1, 1).isoformat(), date(y, 12, 31).isoformat()
    except ValueError:
        return None, None
    if "前" in expr and _NOW.search(expr) and pub:
        return None, pub.isoformat()
    return None, None


def is_value_time(text: str, m: re.Match[str]) -> bool:
    """Whether a period match dates the values of its clause, not a noun it modifies ("完成全年目标任务的
    46%") nor the base a change is measured against ("较去年同期增长9%")."""
    if _ATTRIBUTIVE.match(text, m.end()):
        return False
    return not text[max(0, m.start() - 2) : m.start()].endswith(_BASE_BEFORE)


@lru_cache(maxsize=4096)
def value_times(text: str) -> tuple[re.Match[str], ...]:
    """The period expressions of a sentence that date its values, in order (kept per text: a
    paragraph's first sentence is read for its opening and again as a sentence)."""
    return tuple(m for m in _periods(text, len(text)) if is_value_time(text, m))


def with_year(expr: str, year: int | None) -> str:
    """The written period, led by the article's year when it names a part of a year without one
    ("三季度" in a report on 2019 -> "2019年三季度"): a period label must hold outside its article."""
    if year is None or _HAS_YEAR.search(expr) or not _YEAR_PART.match(expr):
        return expr
    return f"{year}年{expr}"


@dataclass
class ArticleTimes:
    """Period expressions read so far in one article, to date each number.

    A number takes the nearest period before it in its sentence, else the paragraph's latest,
    else the paragraph's opening, else the article's: the last year under review the article
    named (it holds until another is named), or the span its lead states ("1-10月，全市…"; not
    the date of the reporting, "近日", "7月20日，记者获悉"), or the headline's period. A report
    states its period once and its later paragraphs go on under it.
    """

    headline: str | None = None
    year: int | None = None  # the year the article speaks of
    lead: str | None = None
    opening: str | None = None
    last: str | None = None
    yearly: str | None = None
    here: tuple[re.Match[str], ...] = ()
    paragraphs: int = 0  # paragraphs begun so far

    @classmethod
    def of(cls, headline: str, year: int | None) -> ArticleTimes:
        found = [m.group() for m in value_times(headline) if m.group() not in _REPORTING]
        return cls(headline=found[-1] if found else None, year=year)

    def paragraph(self, first_sentence: str, opening_end: int) -> None:
        """A new paragraph begins: its opening time phrase (within `opening_end`) frames it."""
        found = [m for m in value_times(first_sentence) if m.end() <= opening_end]
        self.opening = found[-1].group() if found else None
        self.last = None
        self.paragraphs += 1

    def sentence(self, text: str) -> None:
        """Read a sentence's periods before its numbers are dated."""
        self.here = value_times(text)

    def sentence_done(self) -> None:
        """The sentence's periods now frame the rest of its paragraph (and a year the article)."""
        if not self.here:
            return
        self.last = self.here[-1].group()
        years = [m.group() for m in self.here if "年" in m.group() and YEARLY.match(m.group())]  # each holds 年
        self.yearly = years[-1] if years else self.yearly
        if self.lead is None and self.paragraphs <= 1:
            spans = [m.group() for m in self.here if m.group() not in _REPORTING]
            # a lone day in the lead dates the news ("7月20日，记者从…获悉，1至6月，…"); a span dates figures
            self.lead = next((p for p in spans if not _DAY.match(p)), spans[0] if spans else None)

    def at(self, position: int, published: str | None) -> tuple[str | None, str | None, str | None]:
        """The period of a number at `position` in the current sentence: written form (led by the
        article's year where it leaves it out), ISO start and end."""
        here = [m.group() for m in self.here if m.end() <= position]
        period = (here[-1] if here else None) or self.last or self.opening or self.yearly or self.lead or self.headline
        if not period:
            return None, None, None
        return (with_year(period, self.year), *resolve_period(period, published, self.year))
