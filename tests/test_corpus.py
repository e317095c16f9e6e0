"""The benchmark corpus generator: reproducible, sized as asked, shaped like OCR'd local papers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench.corpus import iter_pages, page_text, parse_size, places, write_corpus


def test_same_seed_same_pages_other_seed_other_pages() -> None:
    assert page_text(3, 10) == page_text(3, 10)
    assert page_text(3, 10) != page_text(4, 10)
    assert page_text(3, 10) != page_text(3, 11)


def test_written_corpus_reaches_the_size_in_files(tmp_path: Path) -> None:
    pages, size = write_corpus(tmp_path, 200_000, seed=1)
    files = sorted(tmp_path.rglob("*.txt"))
    assert len(files) == pages > 5
    assert size == sum(f.stat().st_size for f in files)
    assert 200_000 <= size < 200_000 + 60_000
    assert [f.name for f in files] == [name for name, _ in iter_pages(1, 200_000)]


def test_pages_carry_the_structures_and_damage_of_real_pages() -> None:
    text = "".join(page_text(7, i) for i in range(40))
    assert re.search(r"[０-９]", text), "full-width digits"
    assert re.search(r"\d \S", text) and re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", text), "OCR spaces"
    assert re.search(r"\n\n[^\n]{11,18}\n\n", text), "column line breaks"
    assert re.search(r"\d+月\d+日讯", text), "datelines"
    assert re.search(r"(局|委员会)", text) and re.search(r"(亿元|万元|亩|人次|%)", text)
    assert re.search(r"(约|近|超过|余|多|以上)", text), "qualifiers"


def test_regions_come_from_the_national_gazetteer() -> None:
    counties = places()
    assert len(counties) > 2000
    assert len({p.province for p in counties}) >= 30
    text = "".join(page_text(11, i) for i in range(30))
    named = {p.county for p in counties if p.county in text}
    assert len(named) >= 5


@pytest.mark.parametrize(("text", "size"), [("10MB", 10**7), ("1GB", 10**9), ("500kB", 500_000), ("123", 123)])
def test_sizes_parse(text: str, size: int) -> None:
    assert parse_size(text) == size
