"""Cut a page's paragraphs into story blocks where its typography says a story ends or starts.

A signature "（曹敏 曾文）" closes a story; a dateline "湖南日报4月20日讯", a byline or a
headline over a byline opens one. Heading lines inside running text are section
headings unless they repeat what follows far more than what precedes; heading
lines between a signed story and the next are handed to `headlines`.
"""

from __future__ import annotations

import re
from typing import Final

from kg.model import Page
from kg.text.blocks import Block, Cluster, cluster_text, squash
from kg.text.lines import BULLET, Kind, width
from kg.text.paragraphs import Paragraph
from kg.text.similarity import coverage

_JOINS_NEXT: Final = re.compile(r"(?:——|—|[，,：:])$")
_JOINED: Final = re.compile(r"^(?:——|—|-|－)")
_ENUMERATED: Final = re.compile(r"^(?:[一二三四五六七八九十]+[、是]|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、])")
_COMMA_INSIDE: Final = re.compile(r"[，,].")
_LEAD_IN: Final = re.compile(r"(?:——|—|：|:)$")
_QUOTES: Final = re.compile(r"[“”‘’\"']")
_WINDOW: Final = 400  # characters of body text either side of a heading that decide what it heads
_NEW_STORY_GAIN: Final = 0.2  # a heading repeating this much more of what follows than precedes starts a story
_NEW_STORY_MIN: Final = 0.4
_STORY_HEADLINE_MIN: Final = 10  # shorter lines inside running text are section headings
_CAPTION_MAX: Final = 200  # a one-paragraph item this short with no dateline is a photo caption


def separate_captions(paras: list[Paragraph], page: Page) -> tuple[list[Paragraph], list[Paragraph]]:
    """Drop furniture; take out photo captions and credits (and the text line a credit signs)."""
    flow: list[Paragraph] = []
    captions: list[Paragraph] = []
    for p in paras:
        if p.kind is Kind.FURNITURE:
            continue
        if p.kind in (Kind.CAPTION, Kind.CREDIT):
            if p.kind is Kind.CREDIT and flow and (_credited(flow, page) or _caption_runs_on(flow[-1], p, page)):
                captions.append(flow.pop())
            captions.append(p)
            continue
        flow.append(p)
    return flow, captions


def _caption_runs_on(before: Paragraph, credit: Paragraph, page: Page) -> bool:
    """A caption wrapped onto its credit line ("……工作人员在" / "现场作业。曾丽 摄"): the line before
    is an unfinished heading-like line and the credit line carries the caption's last words."""
    return (
        before.kind is Kind.HEADING
        and not before.ended
        and "。" in page.text[credit.start : credit.end]
        and before.end - before.start <= _CAPTION_MAX
    )


def _credited(flow: list[Paragraph], page: Page) -> bool:
    """The paragraph just before a photo credit is its caption when it stands alone and is short."""
    last = flow[-1]
    alone = len(flow) < 2 or flow[-2].kind is not Kind.BODY or flow[-2].ended
    return (
        last.kind is Kind.BODY
        and last.ended
        and alone
        and not last.dateline
        and not last.signature
        and last.end - last.start <= _CAPTION_MAX
    )


def _clusters(group: list[Paragraph], page: Page) -> list[Cluster]:
    """Heading lines that read as one: a line ending in a dash or comma, or one opening with a dash."""
    clusters: list[Cluster] = []
    for p in group:
        text = page.text[p.start : p.end]
        if clusters and (_JOINS_NEXT.search(cluster_text(page, clusters[-1])) or _JOINED.search(text)):
            clusters[-1].append(p)
        else:
            clusters.append([p])
    return clusters


def _section_like(group: list[Paragraph], page: Page) -> bool:
    """Section headings: bullets, numbering, a comma inside, or two halves of equal width."""
    first = page.text[group[0].start : group[0].end]
    if len(group) > 1:
        return bool(_JOINS_NEXT.search(first)) and first.endswith(("，", ","))
    spaced = group[0].spaced()
    if BULLET.search(first) or _ENUMERATED.search(first) or _COMMA_INSIDE.search(first):
        return True
    halves = _QUOTES.sub("", spaced).split()
    return len(halves) == 2 and abs(width(halves[0]) - width(halves[1])) <= 0.5


def segment(flow: list[Paragraph], page: Page) -> tuple[list[Block], list[tuple[int, list[Cluster]]]]:
    """Cut the flow into story blocks; return them with the heading groups that sit between two."""
    blocks = [Block()]
    betweens: list[tuple[int, list[Cluster]]] = []
    i = 0
    while i < len(flow):
        item = flow[i]
        cur = blocks[-1]
        if item.kind is Kind.HEADING:
            j = i
            while j < len(flow) and flow[j].kind is Kind.HEADING:
                j += 1
            group = flow[i:j]
            nxt = flow[j] if j < len(flow) else None
            clusters = _clusters(group, page)
            opens = nxt is not None and (nxt.kind is Kind.BYLINE or nxt.dateline)
            if not cur.body and cur.byline is not None and cur.pre and _section_like(group, page):
                cur.heading = squash(cluster_text(page, group))
            elif not cur.body or _lead_in(cur, page):
                cur.pre.extend(clusters)
            elif cur.closed:
                betweens.append((len(blocks) - 1, clusters))
                blocks.append(Block(shared=True))
            elif opens:
                blocks.append(Block(pre=clusters))
            elif _section_like(group, page):
                cur.heading = squash(cluster_text(page, group))
            elif _starts_story(flow, i, j, cur, page) or _titled_item(flow, j, page):
                blocks.append(Block(pre=clusters))
            elif not (cur.pre or cur.mid or cur.shared):
                cur.mid.extend(clusters)
            else:
                cur.heading = squash(cluster_text(page, group))
            i = j
            continue
        if item.kind is Kind.BYLINE:
            trailing = i + 1 < len(flow) and flow[i + 1].kind is Kind.HEADING
            if cur.body and (trailing or _lead_in(cur, page)) and cur.byline is None:
                cur.byline = item
            elif cur.body:
                blocks.append(Block(byline=item))
            elif cur.byline is None:
                cur.byline = item
        else:
            # The lead-in test last and its cheap half first: it runs for every body paragraph.
            if cur.body and (cur.closed or item.dateline or (_heading_at(flow, i + 1) and _ends_lead_in(item, page))):
                cur = Block()
                blocks.append(cur)
            cur.body.append((item, cur.heading))
            cur.closed = cur.closed or item.signature
        i += 1
    return blocks, betweens


def _ends_lead_in(para: Paragraph, page: Page) -> bool:
    """The paragraph ends on a dash or a colon. A match (at most a dash pair and a final newline) lies in
    its last three characters, so only those are searched: from its start the pattern is tried everywhere."""
    return _LEAD_IN.search(page.text, max(para.start, para.end - 3), para.end) is not None


def _heading_at(flow: list[Paragraph], j: int) -> bool:
    return j < len(flow) and flow[j].kind is Kind.HEADING


def _lead_in(block: Block, page: Page) -> bool:
    """A block holding only a deck that runs on into a headline ("……畅享——")."""
    return len(block.body) == 1 and _ends_lead_in(block.body[0][0], page)


def _titled_item(flow: list[Paragraph], j: int, page: Page) -> bool:
    """A heading over one short paragraph, then another heading, a credit or the page end: a photo or brief."""
    if j >= len(flow) or flow[j].kind is not Kind.BODY or flow[j].end - flow[j].start > _CAPTION_MAX:
        return False
    after = flow[j + 1] if j + 1 < len(flow) else None
    if after is None or after.kind is Kind.BYLINE:
        return True
    if after.kind is Kind.HEADING:  # another story's headline: a byline or dateline follows it
        k = j + 1
        while _heading_at(flow, k):
            k += 1
        return k < len(flow) and (flow[k].kind is Kind.BYLINE or flow[k].dateline)
    return _ends_lead_in(after, page) and _heading_at(flow, j + 2)


def _starts_story(flow: list[Paragraph], i: int, j: int, cur: Block, page: Page) -> bool:
    """A heading inside running text opens a new story when it repeats what follows, not what precedes."""
    headline = cluster_text(page, flow[i:j])
    if width(headline) < _STORY_HEADLINE_MIN:
        return False
    before = _tail(cur, page, _WINDOW)
    after_parts: list[str] = []
    for p in flow[j:]:
        if p.kind is not Kind.BODY or sum(map(len, after_parts)) >= _WINDOW:
            break
        after_parts.append(page.text[p.start : p.end])
    after = "".join(after_parts)[:_WINDOW]
    gain = coverage(headline, after) - coverage(headline, before)
    return gain >= _NEW_STORY_GAIN and coverage(headline, after) >= _NEW_STORY_MIN


def _tail(block: Block, page: Page, size: int) -> str:
    """The last `size` characters of the block's body text (`block.text(page)[-size:]`), joining only
    the paragraphs that reach into them: this runs at every heading inside a long story."""
    parts: list[str] = []
    joined = -1  # length of the parts joined with newlines
    for para, _ in reversed(block.body):
        parts.append(page.text[para.start : para.end])
        joined += para.end - para.start + 1
        if joined >= size:
            break
    return "\n".join(reversed(parts))[-size:]
