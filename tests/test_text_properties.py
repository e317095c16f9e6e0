"""Property tests: any text is read without a crash and every offset maps back to the raw input."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.model import InputError
from kg.text import page_from_text, read_page, split_articles
from kg.text.normalise import fold

# Page-like text: Chinese, punctuation, digits, Latin, odd spaces and line breaks, plus anything at all.
_PAGEISH = st.lists(
    st.sampled_from(
        list("医疗保障局青山县新增就业人元万亿亩“”「」\"（）()，。、：；！？—-●▲◀摄讯日报月年")
        + list("0123456789０１２％.%ABCaz ")
        + [" ", "\u3000", "\xa0", "\n", "\n\n", "\r\n", "\t", "\u200b"]
    ),
    max_size=400,
).map("".join)
_ANY = st.text(max_size=300)


def _maps_back(raw: str) -> None:
    page = page_from_text(raw)
    assert len(page.offsets) == len(page.text) + 1
    assert page.offsets[-1] == len(raw)
    assert all(a < b for a, b in zip(page.offsets, page.offsets[1:], strict=False))
    for i, ch in enumerate(page.text):
        source = raw[page.offsets[i]]
        assert fold(source) == ch or (ch in " \n" and source.isspace()) or (ch in "“”" and source in "\"＂")
    for article in split_articles(page):
        for s in article.sentences:
            assert page.text[s.text_start : s.text_start + len(s.text)] == s.text
            assert 0 <= s.start < s.end <= len(raw)


@settings(max_examples=300, deadline=None)
@given(_PAGEISH)
def test_page_like_text_maps_back(raw: str) -> None:
    _maps_back(raw)


@settings(max_examples=300, deadline=None)
@given(_ANY)
def test_any_unicode_maps_back(raw: str) -> None:
    _maps_back(raw)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=200))
def test_any_file_is_read_or_refused(tmp_path_factory, raw: str) -> None:
    path: Path = tmp_path_factory.mktemp("pages") / "page.txt"
    path.write_bytes(raw.encode("utf-8"))
    try:
        page = read_page(path)
    except InputError as err:
        assert err.path == str(path)
    else:
        assert page.raw == raw
