"""Read a page file into a `Page`: decoded raw text, clean text and the offset map between them."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from kg.model import InputError, Page
from kg.text.decode import decode_bytes
from kg.text.normalise import normalise

# A printed page is tens of kilobytes; a file this big is many pages glued together or not a page.
MAX_PAGE_BYTES: Final = 8 * 10**6


def read_page(path: str | Path) -> Page:
    """Decode and normalise one page file; raise InputError for missing, binary or undecodable files."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_PAGE_BYTES:
            limit = MAX_PAGE_BYTES // 10**6
            raise InputError(str(path), f"{size / 1e6:.1f} MB is too large for one newspaper page (limit {limit} MB)")
        data = p.read_bytes()
    except OSError as err:
        raise InputError(str(path), f"cannot read: {err.strerror or err}") from err
    raw, encoding = decode_bytes(data, str(path))
    return page_from_text(raw, doc=p.name, path=str(path), encoding=encoding)


def page_from_text(raw: str, doc: str = "page.txt", path: str = "", encoding: str = "utf-8") -> Page:
    """Build a `Page` from text already decoded (what `read_page` does after decoding)."""
    text, offsets, _ = normalise(raw)
    return Page(doc=doc, path=path, raw=raw, encoding=encoding, text=text, offsets=offsets)
