"""The pipeline run over files: read → split → extract, one page at a time.

Kept apart from the CLI so tests, benchmarks and parallel workers run the same
code. It stops at `Extraction`: turning that into RDF is the caller's step.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.collector import paused
from kg.extract import extract
from kg.model import Extraction, InputError
from kg.text import read_page, split_articles

PAGE_SUFFIXES = (".txt",)


def iter_sources(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files given, and the page files inside folders given, in a stable order."""
    for item in paths:
        path = Path(item)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in PAGE_SUFFIXES)
        elif path.is_file():
            yield path
        else:
            raise InputError(str(path), "no such file or folder")


def process_file(path: str | Path) -> Extraction:
    """Read one page and extract its articles, entities and claims (the cycle collector paused, kg.collector)."""
    with paused():
        page = read_page(path)
        return extract(page, split_articles(page))
