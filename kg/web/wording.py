"""Values and names as a Chinese reader writes them, for the server-rendered pages.

The same rules as static/js/format.js (the browser's side): 788000000 元 → 7.88亿元,
95 % more_than → 95%以上, 9860 人 more_than → 9860余人; a metric's key "name|unit"
shows as its name.
"""

from __future__ import annotations

UNSCALED = {"%", "百分点", "倍", "小时", "分钟", "天", "个工作日", "个月", "年"}
SHARES = {"%", "个百分点", "倍"}


def _plain(x: float) -> str:
    text = f"{x:.12g}"
    if "e" in text:
        text = f"{x:.0f}"
    return text


def _decimals(x: float) -> int:
    text = _plain(x)
    return len(text) - text.index(".") - 1 if "." in text else 0


def format_number(value: float, unit: str | None) -> str:
    base = (unit or "").split("/")[0]
    if base not in UNSCALED:
        for size, word in ((1e8, "亿"), (1e4, "万")):
            if abs(value) >= size and _decimals(value / size) <= 4:
                return _plain(value / size) + word
    return _plain(value)


def format_value(value: float | None, unit: str | None, qualifier: str | None) -> str:
    """The value with its unit and qualifier as a newspaper prints it ("" when there is no number)."""
    if value is None:
        return ""
    number = format_number(value, unit)
    written = "个百分点" if unit == "百分点" else unit or ""
    if qualifier == "approx":
        return f"约{number}{written}"
    if qualifier == "more_than":
        return f"{number}{written}以上" if written in SHARES else f"{number}余{written}"
    if qualifier == "less_than":
        return f"不到{number}{written}"
    return number + written


def metric_name(label: str | None) -> str:
    return (label or "").split("|")[0]
