"""Unit table: base units, dimensions and standard conversions."""

from __future__ import annotations

import pytest

from kg.extract.units import lookup


@pytest.mark.parametrize(
    ("written", "base", "dimension", "factor"),
    [
        ("万元", "元", "money", 1e4),
        ("亿元", "元", "money", 1e8),
        ("万千瓦", "千瓦", "power", 1e4),
        ("场次", "场", "count", 1),
        ("名", "人", "people", 1),
        ("位", "人", "people", 1),
        ("人次", "人次", "visits", 1),
        ("成", "%", "rate", 10),
        ("个百分点", "百分点", "rate_change", 1),
        ("千米", "公里", "length", 1),
        ("平米", "平方米", "area", 1),
        ("方", "立方米", "volume", 1),
        ("家", "家", "count", 1),
    ],
)
def test_written_units_fold_to_base(written: str, base: str, dimension: str, factor: float) -> None:
    unit = lookup(written)
    assert unit is not None
    assert (unit.base, unit.dimension, unit.factor) == (base, dimension, factor)


def test_standard_conversions() -> None:
    mu = lookup("亩")
    assert mu is not None and mu.standard == "m2"
    assert mu.standard_factor == pytest.approx(666.6667, rel=1e-4)
    assert lookup("公里").standard == "km"
    assert lookup("元").standard == "CNY"
    assert lookup("万元").standard == "CNY"
    assert lookup("个").standard is None


def test_rates_keep_their_period() -> None:
    rate = lookup("元/月")
    assert rate is not None
    assert (rate.base, rate.dimension) == ("元/月", "money_rate")
    assert lookup("万元/年").factor == 1e4
    assert lookup("元/公斤") is None


def test_unknown_units() -> None:
    assert lookup("岁") is None
    assert lookup("") is None
