"""Traditional pages are matched through a simplified view; evidence stays as printed."""

from __future__ import annotations

from kg.extract import extract
from kg.extract.script import is_traditional
from kg.text import page_from_text, split_articles

SIMPLIFIED = "常德市医疗保障局推进服务\n\n今年以来，常德市医疗保障局新建基层医保服务站点42个，全市参保率达98%。\n"
TRADITIONAL = "常德市醫療保障局推進服務\n\n今年以來，常德市醫療保障局新建基層醫保服務站點42個，全市參保率達98%。\n"


def _extract(text: str):
    page = page_from_text(text, "page.txt")
    return page, extract(page, split_articles(page))


def test_traditional_page_gives_the_same_nodes_and_values() -> None:
    _, simple = _extract(SIMPLIFIED)
    page, traditional = _extract(TRADITIONAL)
    assert {e.key for e in traditional.entities} == {e.key for e in simple.entities}
    assert [(c.quantity.value, c.quantity.unit, c.agency_key) for c in traditional.claims] == [
        (c.quantity.value, c.quantity.unit, c.agency_key) for c in simple.claims
    ]
    for claim in traditional.claims:
        assert claim.evidence == page.raw[claim.start:claim.end]
        assert "醫" in claim.evidence or "參" in claim.evidence


def test_a_stray_traditional_character_leaves_the_page_alone() -> None:
    assert not is_traditional(SIMPLIFIED * 30 + "湖南贝贝昇生物科技有限公司收到贷款。")
    assert is_traditional(TRADITIONAL)
