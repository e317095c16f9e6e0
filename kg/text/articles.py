"""Split a page into articles: bodies, the headlines that belong to them, bylines and captions."""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Final

from kg.model import Article, Page, Sentence
from kg.text.blocks import Block, body_text, cluster_text, squash
from kg.text.continuations import rejoin_continuations
from kg.text.dates import iso_date, main_year
from kg.text.headlines import place_strays, share
from kg.text.lines import DATELINE, SIGNATURE
from kg.text.paragraphs import Paragraph, paragraphs
from kg.text.segment import segment, separate_captions
from kg.text.sentences import split_sentences

_SCENE_DATE: Final = re.compile(r"\d{1,2}月\d{1,2}日")
_WHITESPACE: Final = re.compile(r"\s+")
_CAPTION_MAX: Final = 200  # a one-paragraph item this short with no dateline is a photo caption


def split_articles(page: Page) -> list[Article]:
    """Articles of the page in the reading order of their bodies."""
    paras = paragraphs(page)
    flow, captions = separate_captions(paras, page)
    blocks, betweens = segment(flow, page)
    bodies = [body_text(b, page) for b in blocks]
    for i, clusters in betweens:
        share(blocks, bodies, i, clusters, page)
    blocks = place_strays(blocks, page)
    blocks = [b for b in blocks if b.body and not _is_photo_item(b, page)]
    rejoin_continuations(blocks, page)
    _attach_captions(blocks, captions)
    blocks.sort(key=lambda b: b.body[0][0].start)
    year = main_year(page.text)
    return [_article(page, i, b, year) for i, b in enumerate(blocks)]


def _is_photo_item(block: Block, page: Page) -> bool:
    """A titled photo: one short paragraph, no dateline, no signature, that tells a scene's date
    ("4月20日，江永县……") or carries a credit line."""
    if len(block.body) != 1:
        return False
    para = block.body[0][0]
    if para.dateline or para.signature or para.end - para.start > _CAPTION_MAX:
        return False
    return block.byline is not None or _SCENE_DATE.match(page.text, para.start, para.end) is not None


def _attach_captions(blocks: list[Block], captions: list[Paragraph]) -> None:
    """Each caption goes to the story with the body paragraph printed nearest to it (the one below on a tie)."""
    bodies = sorted((p.index, n) for n, b in enumerate(blocks) for p, _ in b.body)
    if not bodies:
        return
    for cap in captions:
        k = bisect_left(bodies, (cap.index,))  # the first body paragraph below the caption
        if k == len(bodies) or (k and cap.index - bodies[k - 1][0] < bodies[k][0] - cap.index):
            k -= 1
        blocks[bodies[k][1]].captions.append(cap)


def _article(page: Page, index: int, block: Block, year: int | None) -> Article:
    clusters = block.clusters()
    names = [squash(cluster_text(page, c)) for c in clusters]
    title_at = max(range(len(names)), key=lambda k: len(names[k])) if names else 0
    sentences: list[Sentence] = []
    dateline = byline = signature = None
    month = day = None
    for n, (para, heading) in enumerate(block.body):
        start, end = para.start, para.end
        if n == 0 and para.dateline:
            m = DATELINE.match(page.text[start:end])
            if m:
                dateline = squash(m.group()[: m.start("by") - 1] if m.group("by") else m.group())
                spaced = DATELINE.match(para.lines[0].text)
                byline = (spaced or m).group("by")
                month, day = m.group("month"), m.group("day")
                start += m.end()
        if para.signature:
            text = page.text[start:end]
            cut = max(text.rfind("("), text.rfind("（"))
            if cut >= 0:
                end = start + cut
                spaced = SIGNATURE.search(para.lines[-1].text)
                signature = signature or (spaced.group().strip() if spaced else squash(text[cut:]))
        sentences.extend(split_sentences(page, start, end, n, heading))
    if block.byline is not None:
        byline = _WHITESPACE.sub(" ", block.byline.spaced())
    paras = [p for c in clusters for p in c] + [p for p, _ in block.body]
    if block.byline is not None:
        paras.append(block.byline)
    offsets = page.offsets
    raw_start = min([offsets[p.start] for p in paras])
    raw_end = max([offsets[p.end - 1] + 1 if p.end > p.start else offsets[p.start] for p in paras])  # raw_span
    body = body_text(block, page)  # kept since headline matching asked for it
    last = block.body[-1][0]
    return Article(
        doc=page.doc,
        index=index,
        headline="".join(names),
        start=raw_start,
        end=raw_end,
        title=names[title_at] if names else "",
        kicker="".join(names[:title_at]) or None,
        subtitle="".join(names[title_at + 1 :]) or None,
        dateline=dateline,
        byline=byline,
        signature=signature,
        date=iso_date(year, month, day),
        year=year or main_year(body),
        truncated=not last.ended,
        captions=[squash(page.text[c.start : c.end]) for c in block.captions],
        sentences=sentences,
    )
