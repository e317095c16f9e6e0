"""Number parsing: the forms Chinese papers print, parsed back; names that are not numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.extract.numbers import mask_names, numeral_value, parse_quantities

_CN = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    """Write 1 <= n < 10000 as papers do in Chinese numerals (三千二百零五)."""
    if n == 2:
        return "两"
    out, zero = "", False
    for power, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // power % 10
        if d:
            if zero and out:
                out += "零"
            out += _CN[d] + name
            zero = False
        else:
            zero = bool(out)
    return out


def one(text: str):
    found = parse_quantities(text)
    assert len(found) == 1, found
    return found[0]


@given(st.integers(min_value=1, max_value=10**9))
def test_arabic_with_and_without_separators(n: int) -> None:
    assert one(f"完成{n}件").value == n
    assert one(f"完成{n:,}件").value == n


@given(st.integers(min_value=1, max_value=99999), st.sampled_from(["万", "亿"]))
def test_decimal_with_magnitude(n: int, magnitude: str) -> None:
    text = f"{n / 100:g}"
    q = one(f"资金{text}{magnitude}元")
    factor = 1e4 if magnitude == "万" else 1e8
    assert q.value == pytest.approx(float(text) * factor)
    assert q.unit == "元"


@given(st.integers(min_value=2, max_value=9999))
def test_chinese_numerals(n: int) -> None:
    q = one(f"建成{_chinese(n)}个站点")
    assert q.value == n
    assert q.unit == "个"


@given(st.integers(min_value=1, max_value=999), st.sampled_from(["余", "多"]))
def test_approximate_marks_give_a_lower_bound(n: int, mark: str) -> None:
    q = one(f"发放{n}{mark}万份")
    assert q.value == n * 1e4
    assert q.qualifier == "more_than"
    assert q.lower == q.value


@given(st.integers(min_value=1, max_value=99), st.integers(min_value=0, max_value=99))
def test_percentages_full_and_half_width(whole: int, frac: int) -> None:
    text = f"{whole}.{frac:02d}"
    for sign in ("%", "％"):
        q = one(f"参保率{text}{sign}")
        assert q.unit == "%"
        assert q.value == pytest.approx(float(text))


@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier"),
    [
        ("门诊2.3万多人次", 23000, "人次", "more_than"),
        ("海报20余万张", 200000, "张", "more_than"),
        ("追回资金七点八八亿元", 7.88e8, "元", "exact"),
        ("完成任务六成", 60, "%", "exact"),
        ("最大负荷3125万千瓦", 3.125e7, "千瓦", "exact"),
        ("下调0.15个百分点", 0.15, "百分点", "exact"),
        ("是平时的近5倍", 5, "倍", "approx"),
        ("近百位护理人员", 100, "人", "approx"),
        ("还有上千户", 1000, "户", "more_than"),
        ("参保率稳定在95%以上", 95, "%", "more_than"),
        ("失业率控制在5.5%以内", 5.5, "%", "less_than"),
        ("超过1800个乡镇", 1800, "个", "more_than"),
        ("不到30人", 30, "人", "less_than"),
        ("约6亿元", 6e8, "元", "approx"),
        ("开展活动120场次", 120, "场", "exact"),
        ("注册会员两万名", 20000, "人", "exact"),
        ("占地面积495亩", 495, "亩", "exact"),
    ],
)
def test_forms(text: str, value: float, unit: str, qualifier: str) -> None:
    q = one(text)
    assert q.value == pytest.approx(value)
    assert q.unit == unit
    assert q.qualifier == qualifier


def test_ranges_keep_both_bounds() -> None:
    q = one("6至8小时出结果")
    assert (q.lower, q.upper, q.unit) == (6, 8, "小时")
    q = one("五六个小时")
    assert (q.lower, q.upper) == (5, 6)


def test_per_period_rates() -> None:
    rates = parse_quantities("标准分别提高至625元/月和6208元/年")
    assert [(q.value, q.unit) for q in rates] == [(625, "元/月"), (6208, "元/年")]
    both = parse_quantities("补贴达到每人每月不低于800元和900元")
    assert [(q.unit, q.qualifier) for q in both] == [("元/月", "more_than")] * 2
    assert one("每人每学期1万元").unit == "元/学期"
    assert one("每年办理5000余件").unit == "件/年"
    assert one("全年工作扎实，年接待游客20万人次").unit == "人次/年"  # a clause opening on 年 and a verb
    assert parse_quantities("实现税收5亿元，年产值13亿元")[1].unit == "元"  # 年产值 is a noun: a total


def test_rates_are_not_made_per_period() -> None:
    assert one("每月失业率控制在5.5%以内").unit == "%"


@pytest.mark.parametrize(
    "text",
    [
        "《湘医保发〔2022〕61号》",
        "湘医保发〔2022〕61号",
        "K1378+801",
        "建设5G基站",
        "N95口罩",
        "拨打12345热线",
        "党的二十大",
        "十四五规划",
        "三级网络",
        "第2栋",
        "2023年",
        "11月13日",
        "1-10月",
        "凌晨2时",
        "76岁的老人",
        "打造“15分钟医保服务圈”",
        "三大工程",
        "1+1模式",
        "王十万的",
        "千家万户",
        "四方责任",
        "气温10℃",
    ],
)
def test_names_codes_and_dates_are_not_quantities(text: str) -> None:
    assert parse_quantities(text) == []


def test_masking_keeps_offsets() -> None:
    text = "根据《办法》第3条，2023年完成12件"
    assert len(mask_names(text)) == len(text)
    (q,) = parse_quantities(text)
    assert text[q.start : q.end] == "12件"


def test_numeral_value_edge_cases() -> None:
    assert numeral_value("百") == 100
    assert numeral_value("3,500") == 3500
    assert numeral_value("两千") == 2000
    assert numeral_value("abc") is None


@given(
    st.integers(min_value=1, max_value=500), st.integers(min_value=1, max_value=500), st.sampled_from(["至", "-", "到"])
)
def test_ranges_round_trip(a: int, gap: int, sep: str) -> None:
    q = one(f"处理{a}{sep}{a + gap}吨")
    assert (q.lower, q.upper, q.unit) == (a, a + gap, "吨")


def test_a_standard_or_a_monthly_average_keeps_its_period() -> None:
    from kg.extract.numbers import parse_quantities

    assert [q.unit for q in parse_quantities("困难对象年救助标准2400元，月人均补差150元。")] == ["元/年", "元/月"]
    assert [q.unit for q in parse_quantities("今年标准提高到500元，2015年标准为300元。")] == ["元", "元"]
