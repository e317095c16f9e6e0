"""A story being put together from a page's paragraphs, and small helpers on its parts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from kg.model import Page
from kg.text.paragraphs import Paragraph

_WHITESPACE: Final = re.compile(r"\s+")

Cluster = list[Paragraph]  # heading lines that read as one headline (or kicker, or subtitle)


@dataclass
class Block:
    """One story being assembled."""

    pre: list[Cluster] = field(default_factory=list)  # headline clusters above the body
    mid: list[Cluster] = field(default_factory=list)  # a headline set inside its body
    post: list[Cluster] = field(default_factory=list)  # headline clusters below the body
    byline: Paragraph | None = None
    body: list[tuple[Paragraph, str | None]] = field(default_factory=list)  # (paragraph, section heading)
    heading: str | None = None
    closed: bool = False
    shared: bool = False  # opened after heading lines that it may share with the story before
    captions: list[Paragraph] = field(default_factory=list)
    body_text: str | None = None  # the finished body's text, kept once asked for

    def clusters(self) -> list[Cluster]:
        return self.pre + self.mid + self.post

    def text(self, page: Page) -> str:
        return "\n".join(page.text[p.start : p.end] for p, _ in self.body)


def cluster_text(page: Page, cluster: list[Paragraph]) -> str:
    return "".join(page.text[p.start : p.end] for p in cluster)


def body_text(block: Block, page: Page) -> str:
    """The finished body's text (kept once asked for: headline matching asks often)."""
    if block.body_text is None:
        block.body_text = block.text(page)
    return block.body_text


def squash(text: str) -> str:
    return _WHITESPACE.sub("", text)
