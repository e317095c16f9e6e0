"""Damage a clean text the way newspaper OCR and PDF extraction print it, to test the reader.

`damage(text, seed)` re-flows every paragraph of a one-paragraph-per-line text into
column lines of a fixed width, one newline per printed line and no blank line
between paragraphs (a paragraph's first line indented or not), so words and
numbers are cut wherever a line ends ("2350" / "2人"); it adds stray spaces
between characters and turns some numbers into full-width digits. Short lines
(datelines, source lines) and headlines (lines that end no sentence) stay lines of
their own, as a headline spans the columns it heads. The same seed
gives the same text. The clean text's characters are all kept, in order: only
white space is added and digits are widened, so squashing white space and
folding full-width digits gives back the clean text.

    python -m bench.damage SRC_DIR DST_DIR [--seed N]   damage every .txt of a folder
"""

from __future__ import annotations

import argparse
import random
import re
from dataclasses import dataclass
from pathlib import Path

_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_INDENT = "\u3000\u3000"
_ENDS = "。！？!?；;…"
_CLOSERS = "”’」』)）"
_NO_LINE_START = "，,。.、；;：:！!？?”’」』)）%％…"


@dataclass(frozen=True)
class Damage:
    """How hard to damage: column width in characters, and the share of spaces and widened numbers."""

    width: int = 20
    stray_spaces: float = 0.02  # chance of a space after a character
    full_width: float = 0.3  # chance that a number is printed in full-width digits
    short_line: int = 30  # a paragraph this short (a dateline, a source line) keeps its own line
    headline: int = 64  # a paragraph this short that ends no sentence is a headline, kept whole


def _widen_numbers(line: str, rng: random.Random, share: float) -> str:
    return _NUMBER.sub(lambda m: m.group().translate(_FULL_WIDTH) if rng.random() < share else m.group(), line)


def _column_lines(paragraph: str, width: int, indent: bool) -> list[str]:
    """A paragraph printed in a column `width` characters wide (the first line two cells short when
    indented). As Chinese typesetting does (禁则), a closing mark never opens a line: it hangs at the
    end of the line before."""
    first = _INDENT if indent else ""
    lines, at = [], 0
    room = width - len(first)
    while at < len(paragraph):
        end = at + room
        while end < len(paragraph) and paragraph[end] in _NO_LINE_START:
            end += 1
        lines.append(first + paragraph[at:end])
        at = end
        first, room = "", width
    return lines


def _stray_spaces(line: str, rng: random.Random, share: float) -> str:
    out = []
    for ch in line:
        out.append(ch)
        if not ch.isspace() and rng.random() < share:
            out.append(" ")
    return "".join(out).rstrip(" ")


def damage(text: str, seed: int = 0, how: Damage = Damage()) -> str:
    """The text re-flowed into narrow column lines with stray spaces and full-width digits (deterministic)."""
    rng = random.Random(seed)
    indent = rng.random() < 0.5
    out: list[str] = []
    for raw in text.splitlines():
        paragraph = raw.strip()
        if not paragraph:
            continue
        paragraph = _widen_numbers(paragraph, rng, how.full_width)
        headline = len(paragraph) <= how.headline and paragraph.rstrip(_CLOSERS)[-1:] not in _ENDS
        if len(paragraph) <= how.short_line or headline:
            out.append(paragraph)
            continue
        out.extend(_stray_spaces(line, rng, how.stray_spaces) for line in _column_lines(paragraph, how.width, indent))
    return "\n".join(out) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("src", type=Path)
    ap.add_argument("dst", type=Path)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--width", type=int, default=Damage.width)
    a = ap.parse_args()
    a.dst.mkdir(parents=True, exist_ok=True)
    for n, path in enumerate(sorted(a.src.glob("*.txt"))):
        damaged = damage(path.read_text(encoding="utf-8"), a.seed + n, Damage(width=a.width))
        (a.dst / path.name).write_text(damaged, encoding="utf-8")


if __name__ == "__main__":
    main()
