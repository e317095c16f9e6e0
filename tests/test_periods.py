"""Periods: which written time expressions date a value, their ISO bounds, and the year they leave out."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract import periods
from kg.extract.periods import ArticleTimes, resolve_period, value_times, with_year


def test_quarters_halves_and_year_ends_resolve_to_iso_bounds() -> None:
    assert resolve_period("二季度", "2019-07-10", 2019) == ("2019-04-01", "2019-06-30")
    assert resolve_period("前三季度", None, 2019) == ("2019-01-01", "2019-09-30")
    assert resolve_period("下半年", None, 2019) == ("2019-07-01", "2019-12-31")
    assert resolve_period("年末", None, 2015) == ("2015-12-31", "2015-12-31")
    assert resolve_period("3—8月", None, 2015) == ("2015-03-01", "2015-08-31")
    assert resolve_period("截至5月20日", None, 2015) == ("2015-01-01", "2015-05-20")


def test_a_part_of_a_year_is_led_by_the_articles_year() -> None:
    assert with_year("三季度", 2019) == "2019年三季度"
    assert with_year("全年", 2015) == "2015年全年"
    assert with_year("1-4月", 2015) == "2015年1-4月"
    assert with_year("今年以来", 2015) == "今年以来"  # a span up to the article, not a part of a year
    assert with_year("2014年末", 2015) == "2014年末"
    assert with_year("二季度", None) == "二季度"


def test_years_counted_back_and_this_year_are_periods() -> None:
    found = [m.group() for m in value_times("六年来，全镇修路80公里；这一年新建桥梁3座；近几年种树9000棵。")]
    assert found == ["六年来", "这一年", "近几年"]


def test_a_period_modifying_a_noun_or_naming_a_base_dates_nothing() -> None:
    text = "1至5月，完成全年目标任务的46%，较去年同期增长9%。"
    assert [m.group() for m in value_times(text)] == ["1至5月"]


def test_the_lead_period_holds_for_the_articles_later_paragraphs() -> None:
    times = ArticleTimes.of("某县推进道路硬化", 2016)
    times.paragraph("近日，记者从县交通局获悉，截至8月15日，全县硬化道路120公里。", 6)
    times.sentence("近日，记者从县交通局获悉，截至8月15日，全县硬化道路120公里。")
    assert times.at(30, None)[0] == "截至8月15日"
    times.sentence_done()
    times.paragraph("其中，东片完成40公里。", 3)
    times.sentence("其中，东片完成40公里。")
    assert times.at(8, "2016-08-20") == ("截至8月15日", "2016-01-01", "2016-08-15")


def test_a_headline_period_dates_a_report_whose_text_states_none() -> None:
    times = ArticleTimes.of("2015年四季度政务服务情况通报", 2015)
    times.paragraph("中心受理事项3000件。", 0)
    times.sentence("中心受理事项3000件。")
    assert times.at(8, None) == ("2015年四季度", "2015-10-01", "2015-12-31")


def test_a_day_in_the_lead_dates_the_news_and_the_span_after_it_the_figures() -> None:
    times = ArticleTimes.of("某县上半年招商引资成效明显", 2016)
    lead = "7月20日，记者从县商务局获悉，1至6月，全县引进资金12亿元。"
    times.paragraph(lead, 5)
    times.sentence(lead)
    times.sentence_done()
    times.paragraph("其中外资3000万美元。", 2)
    times.sentence("其中外资3000万美元。")
    assert times.at(6, None)[0] == "2016年1至6月"  # the lead's own span, before the headline's summary


# every character the dated-period pattern names, its marks left out, and a few it does not name
_UNMARKED = sorted({c for c in periods._DATED.pattern if "\u4e00" <= c <= "\u9fff"} - set(periods._DATED_MARKS))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=[*_UNMARKED, "1", "2", "0", "9", "-", "~", "县", "，"], max_size=16))
def test_a_text_without_the_marks_holds_no_dated_period(text: str) -> None:
    """value_times skips the pattern's search where no mark is: that must never skip a match."""
    assert periods._DATED.search(text) is None
    searched = [m.span() for m in periods.period_pattern(text).finditer(text) if periods.is_value_time(text, m)]
    assert [m.span() for m in value_times(text)] == searched


def test_the_marks_are_in_every_kind_of_dated_period() -> None:
    for text in ("1-10月", "今年以来", "近期", "截至目前", "当前", "连日来", "日前", "国庆长假", "假期", "节日期间",
                 "春节期间", "二季度", "上半年", "全年"):
        assert periods._DATED.fullmatch(text), text
        assert any(mark in text for mark in periods._DATED_MARKS), text
