"""Turn the bytes of a page file into text, guessing the encoding, refusing non-text.

Chinese archives hold UTF-8, UTF-16 and GB18030/GBK (sometimes Big5) files with
no label, so the encoding is guessed: byte-order marks first, then strict UTF-8,
UTF-16 recognised by its NUL pattern, then charset-normalizer's verdict with
GB18030 as the preferred reading of any GBK-family guess.
"""

from __future__ import annotations

import codecs
import re
from typing import Final

from charset_normalizer import from_bytes

from kg.model import InputError

_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters other than tab, newline, form feed and carriage return: text never has many.
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_GBK_FAMILY: Final = {"gb2312", "gbk", "gb18030", "hz", "cp936"}
_MAX_CONTROL_SHARE: Final = 0.01
_PLAUSIBLE: Final = re.compile(r"[\t\n\r\x20-\x7e\u3000-\u303f\u4e00-\u9fff\uff00-\uffef\u2010-\u2027\u00b7]")
_PLAUSIBLE_SHARE: Final = 0.95


def decode_bytes(data: bytes, path: str) -> tuple[str, str]:
    """Return (text, encoding name) or raise InputError naming `path`."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return _checked(_strict(data, name, path), name, path)
    if not data:
        return "", "utf-8"
    try:
        return _checked(data.decode("utf-8"), "utf-8", path)
    except UnicodeDecodeError:
        pass
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _checked(_strict(data, utf16, path), utf16, path)
    if b"\x00" in data:
        raise InputError(path, "binary file (NUL bytes), not a text page")
    for name in _candidates(data):
        try:
            return _checked(data.decode(name), name, path)
        except (UnicodeDecodeError, LookupError):
            continue
    raise InputError(path, "not decodable as UTF-8, UTF-16, GB18030 or any known encoding")


def _candidates(data: bytes) -> list[str]:
    """Encodings to try in order: the detector's guess (GBK family read as GB18030), then GB18030."""
    best = from_bytes(data).best()
    names: list[str] = []
    if best is not None:
        guess = best.encoding.lower().replace("_", "")
        names.append("gb18030" if guess in _GBK_FAMILY else best.encoding)
    names.append("gb18030")
    return names


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a mark: accept the byte order whose text is almost all CJK, ASCII and punctuation.

    GB18030 or binary bytes read as UTF-16 scatter over Hangul, private-use and rare blocks instead.
    """
    if len(data) < 2 or len(data) % 2:
        return None
    for name in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if len(_PLAUSIBLE.findall(text)) >= _PLAUSIBLE_SHARE * len(text):
            return name
    return None


def _strict(data: bytes, name: str, path: str) -> str:
    try:
        return data.decode(name)
    except UnicodeDecodeError as err:
        raise InputError(path, f"not valid {name}: {err.reason} at byte {err.start}") from err


def _checked(text: str, name: str, path: str) -> tuple[str, str]:
    """Refuse decodings that are mostly control characters: those are binary files."""
    controls = len(_CONTROL.findall(text))
    if controls and controls > _MAX_CONTROL_SHARE * len(text):
        raise InputError(path, f"binary file ({controls} control characters), not a text page")
    return text, name
