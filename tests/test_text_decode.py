"""Encodings are guessed without being told; non-text files are refused naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.model import InputError
from kg.text import read_page, split_articles, to_simplified

DATA = Path(__file__).parent / "data" / "text"
SEED = Path(__file__).parent.parent / "seeds" / "000_310200855c0ad967.txt"
SAMPLE = "青山县医疗保障局：参保率达１００％。\n"


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16", b""), ("utf-16-le", b""), ("gb18030", b""), ("gbk", b"")],
)
def test_encodings_are_detected(tmp_path: Path, encoding: str, prefix: bytes) -> None:
    path = tmp_path / "page.txt"
    path.write_bytes(prefix + SAMPLE.encode(encoding))
    page = read_page(path)
    assert page.raw.lstrip("\ufeff") == SAMPLE
    assert page.text == "青山县医疗保障局：参保率达100%。"


def test_gb18030_copy_of_a_seed_gives_the_same_articles(tmp_path: Path) -> None:
    copy = tmp_path / SEED.name
    copy.write_bytes(SEED.read_text(encoding="utf-8").encode("gb18030"))
    original, converted = read_page(SEED), read_page(copy)
    assert converted.encoding == "gb18030"
    assert converted.text == original.text
    mine = [(a.headline, [s.text for s in a.sentences]) for a in split_articles(converted)]
    theirs = [(a.headline, [s.text for s in a.sentences]) for a in split_articles(original)]
    assert mine == theirs
    assert len(mine) >= 8


def test_binary_file_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(InputError) as err:
        read_page(path)
    assert err.value.path == str(path)
    assert "scan.png" in str(err.value)


def test_undecodable_bytes_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.txt"
    path.write_bytes(bytes([0x81, 0x30, 0xFF, 0xFF, 0x01, 0x02, 0x03, 0x04]) * 50)
    with pytest.raises(InputError, match="junk.txt"):
        read_page(path)


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nowhere.txt"):
        read_page(tmp_path / "nowhere.txt")


def test_traditional_characters_are_kept_and_matchable(tmp_path: Path) -> None:
    path = tmp_path / "big5ish.txt"
    path.write_text("長沙市醫療保障局發佈新規\n", encoding="utf-8")
    page = read_page(path)
    assert page.text == "長沙市醫療保障局發佈新規"
    assert to_simplified(page.text) == "长沙市医疗保障局发布新规"


def test_fixture_pages_decode() -> None:
    for path in DATA.glob("*.txt"):
        assert read_page(path).encoding == "utf-8"


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    from kg.text.page import MAX_PAGE_BYTES

    path = tmp_path / "glued.txt"
    path.write_bytes("医保".encode() * (MAX_PAGE_BYTES // 6 + 1))
    with pytest.raises(InputError, match="glued.txt.*too large"):
        read_page(path)
