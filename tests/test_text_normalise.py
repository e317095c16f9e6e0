"""OCR damage is repaired in `Page.text` while every character still maps back to the raw file."""

from __future__ import annotations

import pytest

from kg.text import page_from_text
from kg.text.normalise import fold


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("益阳市医 疗保障局召开会议。", "益阳市医疗保障局召开会议。"),
        ("共谋冬春产业规 划 、助 农 物 资 调 配。", "共谋冬春产业规划、助农物资调配。"),
        ("农 技“ 田 间 讲 座”开讲。", "农技“田间讲座”开讲。"),
        ("整改面积达 1784.61 亩。", "整改面积达1784.61亩。"),
        ("“AEO”是 Authorized Economic Operator 的简称。", "“AEO”是 Authorized Economic Operator 的简称。"),
        ("取得 AEO 高级认证。", "取得 AEO 高级认证。"),
        ("全年办件１２３４件，增长１２．５％。", "全年办件1234件，增长12.5%。"),
        ("推行「一网通办」和『最多跑一次』。", "推行“一网通办”和‘最多跑一次’。"),
        ('开展"清廉医保"创建。', "开展“清廉医保”创建。"),
        ("共有 2 350 人。", "共有2350人。"),  # one space inside a number is OCR noise
        ("分别为 5  8 个。", "分别为5 8个。"),  # a wider gap parts two numbers (table cells)
        ("一\u3000二\u00a0三\u200b四。", "一二三四。"),
    ],
)
def test_ocr_damage_inside_a_line(raw: str, clean: str) -> None:
    assert page_from_text(raw).text == clean


def test_column_wraps_are_joined_and_paragraphs_kept() -> None:
    raw = (
        "今年以来，青山县住房和城乡建设局\n\n在城区见缝插绿，新建口袋公园 12\n\n"
        "个，新增绿地面积 3.5 万平方米。\n\n市民王先生说：“家门口就能散步，\n\n真方便。”\n"
    )
    assert page_from_text(raw).text == (
        "今年以来，青山县住房和城乡建设局在城区见缝插绿，新建口袋公园12个，新增绿地面积3.5万平方米。\n"
        "市民王先生说：“家门口就能散步，真方便。”"
    )


def test_a_number_cut_by_a_wrap_is_one_number() -> None:
    raw = "今年以来，青山县交通运输局新建和\n\n改造农村公路，累计完成里程 12\n\n34 公里，惠及沿线群众两万余人。\n"
    assert "里程1234公里" in page_from_text(raw).text
    raw = (
        "今年以来，青山县交通运输局新建和改造农村\n公路，累计完成里程12.5公里，惠及沿线群众\n"
        "两万余人；新建桥梁8座，完成投资1234.\n5万元，带动沿线村民增收，受到好评。\n"
    )
    assert "投资1234.5万元" in page_from_text(raw).text


def test_windows_line_ends() -> None:
    page = page_from_text("标题一行\r\n\r\n正文第一段。\r\n正文第二段。\r\n")
    assert page.text == "标题一行\n正文第一段。\n正文第二段。"


def test_offsets_point_back_into_raw() -> None:
    raw = " 医 疗保障局\n\n投入１２万元。\n"
    page = page_from_text(raw)
    assert len(page.offsets) == len(page.text) + 1
    assert page.offsets[-1] == len(raw)
    for i, ch in enumerate(page.text):
        assert fold(raw[page.offsets[i]]) == ch
    start = page.text.index("１２".translate({0xFF11: "1", 0xFF12: "2"}))
    assert page.raw_span(start, start + 2) == (raw.index("１２"), raw.index("１２") + 2)
