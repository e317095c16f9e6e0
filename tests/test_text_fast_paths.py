"""The reader's fast paths give what the plain rules they replace give (reference versions written out here)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.model import Page
from kg.text.dates import main_year
from kg.text.lines import make_line
from kg.text.normalise import fold
from kg.text.page import page_from_text
from kg.text.pagelines import line_table, page_lines
from kg.text.sentences import split_sentences
from kg.text.similarity import SplitCoverage, coverage

_HANZI = list("乡村振兴农田建设项目资金完成县局")
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=_HANZI + list("，“ab1"), max_size=12),
    st.lists(st.text(alphabet=_HANZI + list("。 x"), max_size=30), min_size=1, max_size=8),
)
def test_split_coverage_is_coverage_of_the_joined_parts(headline: str, parts: list[str]) -> None:
    split = SplitCoverage(headline, parts)
    for j in range(len(parts) + 1):
        assert split.head(j) == coverage(headline, "\n".join(parts[:j]))
        assert split.tail(j) == coverage(headline, "\n".join(parts[j:]))


def _reference_main_year(text: str) -> int | None:
    """The rule as first written: a year not right after a plan word nor followed by "…起"."""
    ahead = ("从", "自", "到", "至", "预计", "计划", "力争", "争取", "将于", "将在", "于")
    counts = Counter(
        int(m.group(1))
        for m in re.finditer(r"(?<![0-9])((?:19|20)\d{2})\s*年", text)
        if not text[max(0, m.start() - 2) : m.start()].endswith(ahead)
        and not re.match(r"[^，。；]{0,8}?起", text[m.end() :])
    )
    return max(counts, key=lambda y: (counts[y], y)) if counts else None


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(["从", "预计", "计划", "将于", "于", "2023", "2019", "20", "1", "年", " ", "起", "，", "开"]),
        max_size=14,
    ).map("".join)
)
def test_main_year_matches_the_plain_rule(text: str) -> None:
    assert main_year(text) == _reference_main_year(text)


def test_plan_years_are_not_the_pages_year() -> None:
    assert main_year("2022年全县完成。从2023年1月1日起施行，预计2027年建成，到2025年") == 2022


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=list("０９Ａｚ％「」\u3000\t\r\u2028a中\"") + ["😀", "\U00020000"], max_size=40))
def test_fold_is_the_character_map(raw: str) -> None:
    table = {"０": "0", "９": "9", "Ａ": "A", "ｚ": "z", "％": "%", "「": "“", "」": "”",
             "\u3000": " ", "\t": " ", "\r": "\n", "\u2028": "\n"}  # fmt: skip
    mapped = "".join(table.get(c, c) for c in raw)
    expected = re.sub(r'"([^"\n]*)"', lambda m: f"“{m.group(1)}”", mapped)
    assert fold(raw) == expected


def test_spaces_stay_only_beside_latin_words_and_numbers() -> None:
    raw = "医 保 A B 12  34 中 5 6 中 x 中 9 中\n\n第二段 AEO 认证"
    assert page_from_text(raw).text == "医保 A B 12 34中56中 x 中9中\n第二段 AEO 认证"


_LINE_PIECES = [
    *_HANZI, "，", "。", "、", "；", "：", ":", "/", "（", "）", "(", ")", "”", "“", "…", ".", "·", "...", "· ·",
    " ", " ", "\n", "\n", "\u2000", "1", "a", "٣", "▲", "●", "图为", "摄", "供图", "提供）", "讯", "电", "记者",
    "通讯员", "湖南日报4月20日讯", "（曹敏 曾文）", "责任编辑", "专版", "下转2版", "第3版", "A3版", "星期五",
    "2026年1月2日", "李 杰", "印俊闻", "特刊", "上",
]  # fmt: skip
_CONTENT = re.compile(r"\S(?:[^\n]*\S)?")


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_LINE_PIECES), max_size=40).map("".join))
def test_page_lines_are_make_line_one_by_one(folded: str) -> None:
    expected = [make_line(m.start(), m.end(), m.group()) for m in _CONTENT.finditer(folded)]
    got, starts, ends = line_table(folded)
    assert got == expected == page_lines(folded)
    assert [type(x.width) for x in got] == [type(x.width) for x in expected]
    assert starts.tolist() == [x.start for x in got] and ends.tolist() == [x.end for x in got]


def test_page_lines_on_the_seed_pages() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        folded = fold(path.read_text(encoding="utf-8"))
        assert page_lines(folded) == [make_line(m.start(), m.end(), m.group()) for m in _CONTENT.finditer(folded)]


def _reference_sentences(page: Page, start: int, end: int) -> list[tuple[int, int, str, int]]:
    """Sentences as first found: a match object per sentence, trimmed, kept when it holds content."""
    pattern = re.compile(r"[^。！？!?；;]+(?:[。！？!?；;]+[”’」』)）]*)?|[。！？!?；;]+[”’」』)）]*")
    found = []
    for m in pattern.finditer(page.text, start, end):
        s, e = m.span()
        while s < e and page.text[s] in " \n":
            s += 1
        while e > s and page.text[e - 1] in " \n":
            e -= 1
        if e > s and re.search(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9]", page.text[s:e]):
            found.append((page.offsets[s], page.offsets[e - 1] + 1, page.text[s:e], s))
    return found


_SENTENCE_PIECES = [*_HANZI, "。", "！", "?", "；", "”", "）", " ", "\n\n", "a", "1"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_SENTENCE_PIECES), max_size=40).map("".join))
def test_sentences_are_the_pattern_matches_trimmed(text: str) -> None:
    page = page_from_text(text)
    got = [(x.start, x.end, x.text, x.text_start) for x in split_sentences(page, 0, len(page.text), 0, None)]
    assert got == _reference_sentences(page, 0, len(page.text))
