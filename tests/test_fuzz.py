"""Property-based fuzzing of the reader, the number parser and the claim extractor.

Whatever a page holds, each stage must return (or refuse with `InputError`),
every offset must fall inside the text it indexes, and every value must be
finite. Inputs are seed pages cut, spliced and sprinkled with numerals, units
and random characters, plus raw random bytes for the reader. CI runs a bounded
number of examples (KG_FUZZ_EXAMPLES, default 60); `bench/fuzz.py` runs the same
properties for much longer.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.extract.numbers import parse_quantities
from kg.model import InputError, Page, Quantity

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))
SEED_TEXT = [p.read_text(encoding="utf-8") for p in SEEDS]
EXAMPLES = int(os.environ.get("KG_FUZZ_EXAMPLES", "60"))

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)

# Pieces numbers are printed with: numerals, magnitudes, separators, qualifiers, units.
NUMBER_PIECES = [
    *"0123456789０１２３４５６７８９.,，．%％/~～-－—",
    *"零〇一二两三四五六七八九十百千万亿点余多成倍",
    "至", "到", "约", "近", "超过", "不低于", "不足", "以上", "左右", "以内", "多达",
    "元", "万元", "亿元", "亩", "公顷", "平方米", "公里", "人", "人次", "户", "个", "家", "吨",
    "个百分点", "元/月", "每人每月", "每年", "小时", "天", "年", "月", "日", "号", "第",
    "《", "》", "“", "”", "〔", "〕", "（", "）", "\n", " ", "\u3000", "。", "；",
    "同比增长", "下降", "达", "累计", "完成", "计划", "目标",
]

number_text = st.lists(
    st.one_of(st.sampled_from(NUMBER_PIECES), st.text(max_size=3)), max_size=40
).map("".join)


@st.composite
def page_text(draw: st.DrawFn) -> str:
    """A seed page cut and spliced, with numerals and random characters mixed in."""
    pieces: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        seed = draw(st.sampled_from(SEED_TEXT))
        start = draw(st.integers(0, len(seed)))
        pieces.append(seed[start : start + draw(st.integers(0, 3000))])
        pieces.append(draw(st.one_of(number_text, st.text(max_size=20))))
    return "".join(pieces)


def check_quantity(q: Quantity, text: str) -> None:
    assert 0 <= q.start < q.end <= len(text), (q, len(text))
    assert q.text and q.text in text[q.start : q.end], q
    assert math.isfinite(q.value), q
    for bound in (q.lower, q.upper):
        assert bound is None or math.isfinite(bound), q
    if q.lower is not None and q.upper is not None:
        assert q.lower <= q.upper, q
    assert q.qualifier in ("exact", "approx", "more_than", "less_than"), q


@FUZZ
@given(number_text)
def test_number_parser_on_numeral_soup(text: str) -> None:
    for q in parse_quantities(text):
        check_quantity(q, text)


@FUZZ
@given(page_text())
def test_number_parser_on_spliced_pages(text: str) -> None:
    for q in parse_quantities(text):
        check_quantity(q, text)


@pytest.mark.parametrize(
    "text",
    [
        ",".join(["999"] * 150) + "元",  # 450 digits: float() of it is inf
        "9" * 400 + "元",
        "1" + "0" * 400 + ".5亿元",
        "九" * 60 + "亿亿元",
        "8至6小时",  # a range written high to low
        "比分3-1",
    ],
)
def test_number_parser_on_edge_numerals(text: str) -> None:
    for q in parse_quantities(text):
        check_quantity(q, text)


def check_page(page: Page) -> None:
    assert isinstance(page.raw, str) and isinstance(page.text, str)
    assert len(page.offsets) == len(page.text) + 1
    assert all(0 <= o <= len(page.raw) for o in page.offsets)
    assert all(a <= b for a, b in zip(page.offsets, page.offsets[1:], strict=False)), "offsets go backwards"


def _read(path: Path) -> Page | None:
    from kg.text import read_page

    try:
        return read_page(path)
    except InputError as error:
        assert str(path) in str(error) or path.name in str(error), error
        assert error.problem
        return None


@FUZZ
@given(st.binary(max_size=4000))
def test_reader_on_random_bytes(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "page.txt"
    path.write_bytes(data)
    page = _read(path)
    if page is not None:
        check_page(page)


@FUZZ
@given(page_text(), st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
def test_reader_and_splitter_on_spliced_pages(
    tmp_path_factory: pytest.TempPathFactory, text: str, encoding: str
) -> None:
    from kg.text import split_articles

    path = tmp_path_factory.mktemp("fuzz") / "page.txt"
    try:
        path.write_bytes(text.encode(encoding))
    except UnicodeEncodeError:
        path.write_bytes(text.encode("utf-8"))
    page = _read(path)
    if page is None:
        return
    check_page(page)
    for article in split_articles(page):
        assert 0 <= article.start <= article.end <= len(page.raw), article
        for sentence in article.sentences:
            assert 0 <= sentence.start <= sentence.end <= len(page.raw), sentence
            assert 0 <= sentence.text_start <= len(page.text)


@FUZZ
@given(page_text())
def test_claim_extractor_on_spliced_pages(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    from kg.extract import extract
    from kg.text import split_articles

    path = tmp_path_factory.mktemp("fuzz") / "page.txt"
    path.write_text(text, encoding="utf-8")
    page = _read(path)
    if page is None:
        return
    extraction = extract(page, split_articles(page))
    raw = page.raw
    for mention in extraction.mentions:
        assert 0 <= mention.start <= mention.end <= len(raw), mention
    for claim in extraction.claims:
        assert 0 <= claim.start < claim.end <= len(raw), claim
        assert claim.evidence == raw[claim.start : claim.end], claim
        q = claim.quantity
        assert claim.start <= q.start < q.end <= claim.end, claim
        assert math.isfinite(q.value), claim
        for bound in (q.lower, q.upper):
            assert bound is None or math.isfinite(bound), claim
