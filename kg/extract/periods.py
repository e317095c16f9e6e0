"""Time expressions a claim's value refers to, and their dates.

A period is kept as written ("截至11月13日", "1-10月", "今年以来") and,
when the article's date or year allows, resolved to an ISO interval. Relative
words are anchored to the article, never to today.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from functools import cache

_MD = r"\d{1,2}月(?:\d{1,2}[日号])?(?:底|末|初|中旬|上旬|下旬)?"
_YEAR = r"(?:(?:19|20)\d{2}年度?|今年|去年|前年|明年)"
_DATED = re.compile(
    r"(?=[截至到自从今去前明上下一全近两三连日目当国假节春\d])"
    rf"(?:截至|截止到?|至|到|自|从)?(?:{_YEAR}?(?:\d{{1,2}}[-—至到~]\d{{1,2}}月|{_MD}|上半年|下半年|前三季度|一季度|全年)"
    rf"|{_YEAR}(?:以来|底|初)?|今年以来|去年以来|近年来|近[一二两三四五六七八九十]年来?|[一二两三]年来|近期|"
    rf"截至目前|目前|当前|连日来|近日|日前|国庆(?:长假|假期|节)(?:期间)?|假期|节日期间|春节期间)"
    rf"(?:以来|起|止|期间|前)?"
)
# Spans named by an event: "保电期间", "“冬季攻势”以来", "自专班成立以来".
_EVENT = r"(?:自|从)?[\u4e00-\u9fff“”\"]{2,10}?(?:以来|期间)"
PERIOD = re.compile(rf"{_DATED.pattern}|{_EVENT}")
# Periods that hold for a whole article once stated (a year under review).
YEARLY = re.compile(rf"^{_YEAR}$|^全年$")


def period_pattern(text: str) -> re.Pattern[str]:
    """PERIOD, or the dated part alone when `text` holds no event period's ending: the
    same matches, without trying an event name at every character."""
    return PERIOD if "以来" in text or "期间" in text else _DATED


def find_period(text: str, end: int | None = None) -> re.Match[str] | None:
    """The last period expression in `text[:end]`."""
    found = None
    for m in period_pattern(text).finditer(text, 0, len(text) if end is None else end):
        found = m
    return found


def _year_of(expr: str, year: int | None) -> int | None:
    m = re.search(r"((?:19|20)\d{2})年", expr)
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


@cache
def resolve_period(expr: str, published: str | None, year: int | None) -> tuple[str | None, str | None]:
    """ISO start and end of a written period, anchored to the article's date and year."""
    pub = date.fromisoformat(published) if published else None
    year = year or (pub.year if pub else None)
    y = _year_of(expr, year)
    if y is None:
        return None, None
    try:
        m = re.search(r"(\d{1,2})[-—至到~](\d{1,2})月", expr)
        if m:
            return date(y, int(m.group(1)), 1).isoformat(), _month_end(y, int(m.group(2))).isoformat()
        m = re.search(r"(\d{1,2})月(?:(\d{1,2})[日号])?", expr)
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
        if "以来" in expr and pub and y == pub.year:
            return date(y, 1, 1).isoformat(), pub.isoformat()
        if re.search(r"年|全年", expr) and not re.search(r"近|来", expr):
            return date(y, 1, 1).isoformat(), date(y, 12, 31).isoformat()
    except ValueError:
        return None, None
    if re.search(r"截至目前|目前|当前", expr) and pub:
        return None, pub.isoformat()
    return None, None
