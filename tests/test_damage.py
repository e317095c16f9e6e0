"""The damage generator (bench/damage.py) and the reader on what it makes: column lines, numbers cut by
a line end, stray spaces and full-width digits read back as the clean text's numbers."""

from __future__ import annotations

import re

import pytest

from bench.damage import Damage, damage
from kg.extract.numbers import parse_quantities
from kg.text import page_from_text

_FOLD = str.maketrans("０１２３４５６７８９", "0123456789")

# Invented reports: long paragraphs with many numbers, a headline and a source line.
TEXTS = [
    "青山县2019年农村公路建设情况通报\n来源：县交通运输局 2020-01-15\n"
    "2019年，全县累计完成农村公路建设里程2350.6公里，完成投资12345万元，同比增长18.6%，"
    "新建桥梁86座，安装安防设施4521处，惠及沿线群众23.5万人。其中通村公路1287公里，"
    "通组公路963公里，完成年度目标任务的112.4%。\n"
    "全县共有养护人员1024名，年度养护资金投入3056万元，列养率达到100%，优良中等路率78.2%。\n",
    "白河镇推进集镇污水治理\n"
    "今年1至8月，白河镇共铺设污水管网45678米，新建提升泵站12座，完成农户接户改造3456户，"
    "集镇污水收集率由42.5%提高到87.3%，日处理污水能力达到2000吨，累计投入资金1860.75万元。\n",
]


def _numbers(text: str) -> list[tuple[float, str]]:
    return [(q.value, q.unit) for q in parse_quantities(text)]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("text", TEXTS)
def test_damage_only_adds_white_space_and_widens_digits(text: str, seed: int) -> None:
    damaged = damage(text, seed)
    assert _squash(damaged).translate(_FOLD) == _squash(text)
    lines = damaged.splitlines()
    assert max(len(line) for line in lines) <= Damage.width + 8  # column lines (stray spaces widen them a little)
    assert "" not in lines  # no blank line between paragraphs


def test_damage_is_deterministic_and_seeded() -> None:
    assert damage(TEXTS[0], 3) == damage(TEXTS[0], 3)
    assert damage(TEXTS[0], 3) != damage(TEXTS[0], 4)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("text", TEXTS)
def test_the_reader_reads_the_clean_numbers_from_damaged_text(text: str, seed: int) -> None:
    clean = page_from_text(text).text
    read = page_from_text(damage(text, seed, Damage(width=18, stray_spaces=0.05, full_width=0.5))).text
    assert _numbers(read) == _numbers(clean)


def test_column_lines_cut_inside_a_number_or_a_bulleted_paragraph_are_body_text() -> None:
    raw = (
        "●全镇有低保对象1234户5\n678人，至去年底已救助9\n87户2345人。\n"
        "●至今年6月，全镇完成321户危房改\n造，保障率达到了98.\n5%，群众满意度明显提高。\n"
    )
    text = page_from_text(raw).text
    assert "1234户5678人" in text and "救助987户" in text and "保障率达到了98.5%" in text
    assert "321户危房改造" in text
