"""Split a page into articles: bodies, the headlines that belong to them, bylines and captions.

Bodies are cut where the page's typography says a story ends or starts: a
signature "（曹敏 曾文）" closes one, a dateline "湖南日报4月20日讯" or a byline opens
one. Headlines may sit before or after their body (or inside it), so each
headline line goes to the neighbouring body whose wording it repeats; a line that
repeats no neighbour's wording is matched against every body on the page, and a
body claimed by two headlines is cut where its wording turns from one to the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.model import Article, Page, Sentence
from kg.text.dates import iso_date, main_year
from kg.text.lines import BULLET, DATELINE, SIGNATURE, Kind, width
from kg.text.paragraphs import Paragraph, paragraphs
from kg.text.sentences import split_sentences
from kg.text.similarity import coverage

_JOINS_NEXT = re.compile(r"(?:——|—|[，,：:])$")
_JOINED = re.compile(r"^(?:——|—|-|－)")
_ENUMERATED = re.compile(r"^(?:[一二三四五六七八九十]+[、是]|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、])")
_COMMA_INSIDE = re.compile(r"[，,].")
_WHITESPACE = re.compile(r"\s+")
_SCENE_DATE = re.compile(r"\d{1,2}月\d{1,2}日")
_LEAD_IN = re.compile(r"(?:——|—|：|:)$")
_QUOTES = re.compile(r"[“”‘’\"']")

_WINDOW = 400  # characters of body text either side of a heading that decide what it heads
_NEW_STORY_GAIN = 0.2  # a heading repeating this much more of what follows than precedes starts a story
_NEW_STORY_MIN = 0.4
_STORY_HEADLINE_MIN = 10  # shorter lines inside running text are section headings
_OWNS = 0.5  # a headline this well repeated by its body surely belongs to it
_STRAY = 0.2  # a headline line this poorly repeated beside a better one is a stray
_ADOPT = 0.35  # a stray is adopted by the body that repeats this much of it
_BETTER_HOME = 0.3  # ... or that repeats this much more of it than its neighbour does
_CUT_GAIN = 0.5  # a stray headline must repeat this much more of its part than of the rest
_MAX_CUT_PARAGRAPHS = 300  # longer runs are not one page's two stories; trying every cut would be quadratic
_MIN_PART = 2  # paragraphs each side of a cut between two stories
_CAPTION_MAX = 200  # a one-paragraph item this short with no dateline is a photo caption
_NO_HEADLINE_BONUS = 0.3


@dataclass
class _Block:
    """One story being assembled."""

    pre: list[list[Paragraph]] = field(default_factory=list)  # headline clusters above the body
    mid: list[list[Paragraph]] = field(default_factory=list)  # a headline set inside its body
    post: list[list[Paragraph]] = field(default_factory=list)  # headline clusters below the body
    byline: Paragraph | None = None
    body: list[tuple[Paragraph, str | None]] = field(default_factory=list)  # (paragraph, section heading)
    heading: str | None = None
    closed: bool = False
    shared: bool = False  # opened after heading lines that it may share with the story before
    captions: list[Paragraph] = field(default_factory=list)
    body_text: str | None = None  # the finished body's text, kept once asked for

    def clusters(self) -> list[list[Paragraph]]:
        return self.pre + self.mid + self.post

    def text(self, page: Page) -> str:
        return "\n".join(page.text[p.start : p.end] for p, _ in self.body)


def split_articles(page: Page) -> list[Article]:
    """Articles of the page in the reading order of their bodies."""
    paras = paragraphs(page)
    flow, captions = _separate_captions(paras, page)
    blocks, betweens = _segment(flow, page)
    bodies = [_body_text(b, page) for b in blocks]
    for i, clusters in betweens:
        _share(blocks, bodies, i, clusters, page)
    blocks = _place_strays(blocks, page)
    blocks = [b for b in blocks if b.body and not _is_photo_item(b, page)]
    _attach_captions(blocks, captions)
    blocks.sort(key=lambda b: b.body[0][0].start)
    year = main_year(page.text)
    return [_article(page, i, b, year) for i, b in enumerate(blocks)]


def _text(page: Page, cluster: list[Paragraph]) -> str:
    return "".join(page.text[p.start : p.end] for p in cluster)


def _separate_captions(paras: list[Paragraph], page: Page) -> tuple[list[Paragraph], list[Paragraph]]:
    """Drop furniture; take out photo captions and credits (and the text line a credit signs)."""
    flow: list[Paragraph] = []
    captions: list[Paragraph] = []
    for p in paras:
        if p.kind is Kind.FURNITURE:
            continue
        if p.kind in (Kind.CAPTION, Kind.CREDIT):
            if p.kind is Kind.CREDIT and flow and _credited(flow, page):
                captions.append(flow.pop())
            captions.append(p)
            continue
        flow.append(p)
    return flow, captions


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


def _clusters(group: list[Paragraph], page: Page) -> list[list[Paragraph]]:
    """Heading lines that read as one: a line ending in a dash or comma, or one opening with a dash."""
    clusters: list[list[Paragraph]] = []
    for p in group:
        text = page.text[p.start : p.end]
        if clusters and (_JOINS_NEXT.search(_text(page, clusters[-1])) or _JOINED.search(text)):
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


def _segment(flow: list[Paragraph], page: Page) -> tuple[list[_Block], list[tuple[int, list[list[Paragraph]]]]]:
    """Cut the flow into story blocks; return them with the heading groups that sit between two."""
    blocks = [_Block()]
    betweens: list[tuple[int, list[list[Paragraph]]]] = []
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
                cur.heading = _squash(_text(page, group))
            elif not cur.body or _lead_in(cur, page):
                cur.pre.extend(clusters)
            elif cur.closed:
                betweens.append((len(blocks) - 1, clusters))
                blocks.append(_Block(shared=True))
            elif opens:
                blocks.append(_Block(pre=clusters))
            elif _section_like(group, page):
                cur.heading = _squash(_text(page, group))
            elif _starts_story(flow, i, j, cur, page) or _titled_item(flow, j, page):
                blocks.append(_Block(pre=clusters))
            elif not (cur.pre or cur.mid or cur.shared):
                cur.mid.extend(clusters)
            else:
                cur.heading = _squash(_text(page, group))
            i = j
            continue
        if item.kind is Kind.BYLINE:
            trailing = i + 1 < len(flow) and flow[i + 1].kind is Kind.HEADING
            if cur.body and (trailing or _lead_in(cur, page)) and cur.byline is None:
                cur.byline = item
            elif cur.body:
                blocks.append(_Block(byline=item))
            elif cur.byline is None:
                cur.byline = item
        else:
            lead_in = _LEAD_IN.search(page.text, item.start, item.end) and _heading_at(flow, i + 1)
            if cur.body and (cur.closed or item.dateline or lead_in):
                cur = _Block()
                blocks.append(cur)
            cur.body.append((item, cur.heading))
            cur.closed = cur.closed or item.signature
        i += 1
    return blocks, betweens


def _heading_at(flow: list[Paragraph], j: int) -> bool:
    return j < len(flow) and flow[j].kind is Kind.HEADING


def _lead_in(block: _Block, page: Page) -> bool:
    """A block holding only a deck that runs on into a headline ("……畅享——")."""
    return len(block.body) == 1 and _LEAD_IN.search(page.text, block.body[0][0].start, block.body[0][0].end) is not None


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
    return _LEAD_IN.search(page.text, after.start, after.end) is not None and _heading_at(flow, j + 2)


def _starts_story(flow: list[Paragraph], i: int, j: int, cur: _Block, page: Page) -> bool:
    """A heading inside running text opens a new story when it repeats what follows, not what precedes."""
    headline = _text(page, flow[i:j])
    if width(headline) < _STORY_HEADLINE_MIN:
        return False
    before = cur.text(page)[-_WINDOW:]
    after_parts: list[str] = []
    for p in flow[j:]:
        if p.kind is not Kind.BODY or sum(map(len, after_parts)) >= _WINDOW:
            break
        after_parts.append(page.text[p.start : p.end])
    after = "".join(after_parts)[:_WINDOW]
    gain = coverage(headline, after) - coverage(headline, before)
    return gain >= _NEW_STORY_GAIN and coverage(headline, after) >= _NEW_STORY_MIN


def _share(blocks: list[_Block], bodies: list[str], i: int, clusters: list[list[Paragraph]], page: Page) -> None:
    """Give a prefix of the heading lines after block i to it, the rest to block i+1, as wording says."""
    before, after = blocks[i], blocks[i + 1]
    scores = [[coverage(_text(page, c), bodies[k]) for c in clusters] for k in (i, i + 1)]
    best_k, best = 0, -1.0
    for k in range(len(clusters) + 1):
        score = sum(scores[0][:k]) + sum(scores[1][k:])
        if k >= 1 and not (before.pre or before.mid):
            score += _NO_HEADLINE_BONUS
        if k < len(clusters) and after.body and not (after.pre or after.mid):
            score += _NO_HEADLINE_BONUS
        if score > best:
            best_k, best = k, score
    before.post.extend(clusters[:best_k])
    after.pre[:0] = clusters[best_k:]


def _place_strays(blocks: list[_Block], page: Page) -> list[_Block]:
    """Move headline lines their body does not repeat to the body that does (cutting it if needed)."""
    bodies = [_body_text(b, page) for b in blocks]
    strays: list[list[Paragraph]] = []
    for n, (b, g) in enumerate(zip(blocks, bodies, strict=True)):
        if not b.body:
            strays.extend(b.clusters())
            b.pre, b.mid, b.post = [], [], []
            continue
        scores = [coverage(_text(page, c), g) for c in b.clusters()]
        if scores and max(scores) >= _OWNS:
            others = bodies[:n] + bodies[n + 1 :]
            elsewhere = [max((coverage(_text(page, c), h) for h in others), default=0.0) for c in b.clusters()]
            keep = _kept(b.clusters(), scores, elsewhere)
            strays.extend(c for c in b.clusters() if c not in keep)
            b.pre = [c for c in b.pre if c in keep]
            b.mid = [c for c in b.mid if c in keep]
            b.post = [c for c in b.post if c in keep]
    for stray in strays:
        headline = _text(page, stray)
        bodies = [_body_text(b, page) for b in blocks]
        found = [(coverage(headline, g), n) for n, (b, g) in enumerate(zip(blocks, bodies, strict=True)) if b.body]
        if not found:
            continue
        score, n = max(found)
        if score < _ADOPT:
            continue
        home = blocks[n]
        if not home.clusters():
            home.pre.append(stray)
            continue
        cut = _cut(home, stray, page)
        if cut is None:
            home.post.append(stray)
        else:
            blocks[n : n + 1] = cut
    return blocks


def _kept(clusters: list[list[Paragraph]], scores: list[float], elsewhere: list[float]) -> list[list[Paragraph]]:
    """Clusters the body repeats, and those printed right next to one (the rest of the same headline)
    unless another body repeats them far better."""
    keep = [c for c, s in zip(clusters, scores, strict=True) if s >= _STRAY]
    grown = True
    while grown:
        grown = False
        for c, s, e in zip(clusters, scores, elsewhere, strict=True):
            if c not in keep and e < max(_ADOPT, s + _BETTER_HOME) and any(_adjacent(c, k) for k in keep):
                keep.append(c)
                grown = True
    return keep


def _adjacent(a: list[Paragraph], b: list[Paragraph]) -> bool:
    return abs(a[0].index - b[-1].index) == 1 or abs(b[0].index - a[-1].index) == 1


def _cut(block: _Block, stray: list[Paragraph], page: Page) -> list[_Block] | None:
    """Cut a block claimed by two headlines where its wording turns from one to the other."""
    own = "".join(_text(page, c) for c in block.clusters())
    new = _text(page, stray)
    if len(block.body) > _MAX_CUT_PARAGRAPHS:
        return None
    best: tuple[float, int, bool] | None = None
    parts = [page.text[p.start : p.end] for p, _ in block.body]
    for j in range(_MIN_PART, len(block.body) - _MIN_PART + 1):
        head, tail = "\n".join(parts[:j]), "\n".join(parts[j:])
        for new_first in (True, False):
            a, b = (head, tail) if new_first else (tail, head)
            gain_new = coverage(new, a) - coverage(new, b)
            gain_own = coverage(own, b) - coverage(own, a)
            if gain_new >= _CUT_GAIN and gain_own >= 0 and (best is None or gain_new + gain_own > best[0]):
                best = (gain_new + gain_own, j, new_first)
    if best is None:
        return None
    _, j, new_first = best
    first = _Block(body=block.body[:j], byline=block.byline)
    carried = block.body[j - 1][1]  # the first story's section heading does not run on into the second
    tail = block.body[j:]
    k = next((n for n, (_, heading) in enumerate(tail) if heading != carried), len(tail))
    second = _Block(body=[(p, None) for p, _ in tail[:k]] + tail[k:], closed=block.closed)
    first.pre, second.post = ([stray], block.clusters()) if new_first else (block.clusters(), [stray])
    return [first, second]


def _body_text(block: _Block, page: Page) -> str:
    if block.body_text is None:
        block.body_text = block.text(page)
    return block.body_text


def _is_photo_item(block: _Block, page: Page) -> bool:
    """A titled photo: one short paragraph, no dateline, no signature, that tells a scene's date
    ("4月20日，江永县……") or carries a credit line."""
    if len(block.body) != 1:
        return False
    para = block.body[0][0]
    if para.dateline or para.signature or para.end - para.start > _CAPTION_MAX:
        return False
    return block.byline is not None or _SCENE_DATE.match(page.text, para.start, para.end) is not None


def _attach_captions(blocks: list[_Block], captions: list[Paragraph]) -> None:
    """Each caption goes to the story with the body paragraph printed nearest to it."""
    bodies = [(p.index, n) for n, b in enumerate(blocks) for p, _ in b.body]
    if not bodies:
        return
    for cap in captions:
        _, n = min(bodies, key=lambda item: (abs(item[0] - cap.index), item[0] < cap.index))
        blocks[n].captions.append(cap)


def _squash(text: str) -> str:
    return _WHITESPACE.sub("", text)


def _article(page: Page, index: int, block: _Block, year: int | None) -> Article:
    clusters = block.clusters()
    names = [_squash(_text(page, c)) for c in clusters]
    title_at = max(range(len(names)), key=lambda k: len(names[k])) if names else 0
    sentences: list[Sentence] = []
    dateline = byline = signature = None
    month = day = None
    for n, (para, heading) in enumerate(block.body):
        start, end = para.start, para.end
        if n == 0 and para.dateline:
            m = DATELINE.match(page.text[start:end])
            if m:
                dateline = _squash(m.group()[: m.start("by") - 1] if m.group("by") else m.group())
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
                signature = signature or (spaced.group().strip() if spaced else _squash(text[cut:]))
        sentences.extend(split_sentences(page, start, end, n, heading))
    if block.byline is not None:
        byline = _WHITESPACE.sub(" ", block.byline.spaced())
    paras = [p for c in clusters for p in c] + [p for p, _ in block.body]
    if block.byline is not None:
        paras.append(block.byline)
    raw_start = min(page.offsets[p.start] for p in paras)
    raw_end = max(page.raw_span(p.start, p.end)[1] for p in paras)
    body_text = block.text(page)
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
        year=year or main_year(body_text),
        truncated=not last.ended,
        captions=[_squash(page.text[c.start : c.end]) for c in block.captions],
        sentences=sentences,
    )
