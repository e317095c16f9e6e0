"""Units of measure as Chinese local papers print them.

Each written unit folds to a base unit (the one a claim is recorded in), a
dimension (so that only comparable claims are compared) and, where the world
has one, a standard unit: SI for physical measures, ISO 4217 for money.
Magnitude words (万, 亿) are numerals and live in `numbers.py`; a few units
carry a magnitude of their own (万元, 亿元, 万千瓦) and fold it into `factor`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final


@dataclass(frozen=True)
class Unit:
    """A written unit and what it means."""

    written: str  # as printed: "万元"
    base: str  # base unit a claim is recorded in: "元"
    dimension: str  # money, area, length, people, visits, count, rate, duration, ...
    factor: float = 1.0  # value in `base` = number × factor
    standard: str | None = None  # SI / ISO 4217 unit: "CNY", "m2", "km", "t", "kW"
    standard_factor: float | None = None  # value in `standard` = value in base × this


# base unit -> (dimension, standard unit, factor to standard)
_BASES: Final[dict[str, tuple[str, str | None, float | None]]] = {
    "元": ("money", "CNY", 1.0),
    "%": ("rate", None, None),
    "百分点": ("rate_change", None, None),
    "倍": ("multiple", None, None),
    "人": ("people", None, None),
    "人次": ("visits", None, None),
    "户": ("households", None, None),
    "亩": ("area", "m2", 10000 / 15),
    "公顷": ("area", "m2", 10000.0),
    "平方米": ("area", "m2", 1.0),
    "平方公里": ("area", "m2", 1e6),
    "公里": ("length", "km", 1.0),
    "米": ("length", "m", 1.0),
    "立方米": ("volume", "m3", 1.0),
    "吨": ("mass", "t", 1.0),
    "千克": ("mass", "kg", 1.0),
    "千瓦": ("power", "kW", 1.0),
    "千瓦时": ("energy", "kWh", 1.0),
    "千伏": ("voltage", "kV", 1.0),
    "度": ("energy", "kWh", 1.0),
    "小时": ("duration", "h", 1.0),
    "分钟": ("duration", "min", 1.0),
    "天": ("duration", "d", 1.0),
    "个工作日": ("duration", "d", 1.0),
    "个月": ("duration", "mo", 1.0),
    "年": ("duration", "a", 1.0),
}

# Measure words that count things: the base unit is the word itself.
_COUNT_WORDS: Final = (
    "个 件 家 项 次 场 张 份 起 处 所 栋 幢 台 支 座 条 间 辆 辆次 架 艘 套 批 批次 类 种 册 篇 "
    "宗 块 株 棵 只 箱 笔 例 床 台次 架次 车次 项次 件次 户次"
).split()

# written form -> (base, factor)
_ALIASES: Final[dict[str, tuple[str, float]]] = {
    "元": ("元", 1),
    "块钱": ("元", 1),
    "元人民币": ("元", 1),
    "万元": ("元", 1e4),
    "亿元": ("元", 1e8),
    "千元": ("元", 1e3),
    "百元": ("元", 100),
    "%": ("%", 1),
    "成": ("%", 10),
    "个百分点": ("百分点", 1),
    "百分点": ("百分点", 1),
    "倍": ("倍", 1),
    "人": ("人", 1),
    "名": ("人", 1),
    "位": ("人", 1),
    "万人": ("人", 1e4),
    "人次": ("人次", 1),
    "万人次": ("人次", 1e4),
    "户": ("户", 1),
    "亩": ("亩", 1),
    "万亩": ("亩", 1e4),
    "公顷": ("公顷", 1),
    "平方米": ("平方米", 1),
    "平米": ("平方米", 1),
    "㎡": ("平方米", 1),
    "万平方米": ("平方米", 1e4),
    "平方公里": ("平方公里", 1),
    "公里": ("公里", 1),
    "千米": ("公里", 1),
    "km": ("公里", 1),
    "米": ("米", 1),
    "延米": ("米", 1),
    "立方米": ("立方米", 1),
    "方": ("立方米", 1),
    "万立方米": ("立方米", 1e4),
    "吨": ("吨", 1),
    "万吨": ("吨", 1e4),
    "公斤": ("千克", 1),
    "千克": ("千克", 1),
    "斤": ("千克", 0.5),
    "千瓦": ("千瓦", 1),
    "万千瓦": ("千瓦", 1e4),
    "兆瓦": ("千瓦", 1e3),
    "千伏安": ("千瓦", 1),
    "千瓦时": ("千瓦时", 1),
    "千伏": ("千伏", 1),
    "伏": ("千伏", 1e-3),
    "万千瓦时": ("千瓦时", 1e4),
    "亿千瓦时": ("千瓦时", 1e8),
    "度": ("千瓦时", 1),
    "万度": ("千瓦时", 1e4),
    "小时": ("小时", 1),
    "个小时": ("小时", 1),
    "万小时": ("小时", 1e4),
    "分钟": ("分钟", 1),
    "天": ("天", 1),
    "日": ("天", 1),
    "个工作日": ("个工作日", 1),
    "个月": ("个月", 1),
    "个多月": ("个月", 1),
    "个多小时": ("小时", 1),
    "年": ("年", 1),
    "场次": ("场", 1),
}

# Per-period and per-head denominators kept on a rate ("625元/月").
PERIODS: Final[tuple[str, ...]] = ("月", "年", "人", "学期", "天", "日", "季度", "周", "次", "亩", "户")


# `lookup` is also asked of any words before a number ("是否为单位"), so an unbounded memo grew with the text
# read; this holds every known form (~110) and their rates seen in practice.
UNITS_KEPT: Final = 1024


@lru_cache(maxsize=UNITS_KEPT)
def lookup(written: str) -> Unit | None:
    """The unit for a written form ("万元", "场次", "元/月"), or None if unknown."""
    if "/" in written:
        head, _, per = written.partition("/")
        unit = lookup(head)
        if unit is None or per not in PERIODS:
            return None
        return Unit(written, f"{unit.base}/{per}", f"{unit.dimension}_rate", unit.factor)
    if written in _ALIASES:
        base, factor = _ALIASES[written]
    elif written in _COUNT_WORDS:
        base, factor = written, 1.0
    else:
        return None
    dimension, standard, standard_factor = _BASES.get(base, ("count", None, None))
    return Unit(written, base, dimension, float(factor), standard, standard_factor)


def _alternatives() -> str:
    words = set(_ALIASES) | set(_COUNT_WORDS)
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


UNIT_PATTERN: Final = _alternatives()


# The measure word a noun takes when a paper drops it after a bare number
# ("注册志愿者26万", "开展主题活动1300", "查处违法行为7万").
NOUN_MEASURES: Final[dict[str, str]] = {
    "者": "人",
    "员": "人",
    "群众": "人",
    "居民": "人",
    "市民": "人",
    "村民": "人",
    "职工": "人",
    "人口": "人",
    "学生": "人",
    "患者": "人",
    "活动": "场",
    "会议": "场",
    "培训": "场",
    "讲座": "场",
    "演练": "场",
    "行为": "起",
    "案件": "起",
    "事故": "起",
    "纠纷": "起",
    "企业": "家",
    "机构": "家",
    "项目": "个",
}
