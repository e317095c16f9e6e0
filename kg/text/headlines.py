"""Give each headline line to the story whose body repeats its wording.

Headlines may sit before or after their body (or inside it). Heading lines between
two stories are shared between them by wording; a line no neighbour repeats is
matched against every body on the page, and a body claimed by two headlines is
cut where its wording turns from one to the other.
"""

from __future__ import annotations

from typing import Final

from kg.model import Page
from kg.text.blocks import Block, Cluster, body_text, cluster_text
from kg.text.paragraphs import Paragraph
from kg.text.similarity import SplitCoverage, coverage

_OWNS: Final = 0.5  # a headline this well repeated by its body surely belongs to it
_STRAY: Final = 0.2  # a headline line this poorly repeated beside a better one is a stray
_ADOPT: Final = 0.35  # a stray is adopted by the body that repeats this much of it
_BETTER_HOME: Final = 0.3  # ... or that repeats this much more of it than its neighbour does
_CUT_GAIN: Final = 0.5  # a stray headline must repeat this much more of its part than of the rest
_MAX_CUT_PARAGRAPHS: Final = 300  # longer runs are not one page's two stories; trying every cut would be quadratic
_MIN_PART: Final = 2  # paragraphs each side of a cut between two stories
_NO_HEADLINE_BONUS: Final = 0.3


def share(blocks: list[Block], bodies: list[str], i: int, clusters: list[Cluster], page: Page) -> None:
    """Give a prefix of the heading lines after block i to it, the rest to block i+1, as wording says."""
    before, after = blocks[i], blocks[i + 1]
    scores = [[coverage(cluster_text(page, c), bodies[k]) for c in clusters] for k in (i, i + 1)]
    best_k, best = 0, -1.0
    for k in range(len(clusters) + 1):
        score = sum(scores[0][:k], 0.0) + sum(scores[1][k:], 0.0)
        if k >= 1 and not (before.pre or before.mid):
            score += _NO_HEADLINE_BONUS
        if k < len(clusters) and after.body and not (after.pre or after.mid):
            score += _NO_HEADLINE_BONUS
        if score > best:
            best_k, best = k, score
    before.post.extend(clusters[:best_k])
    after.pre[:0] = clusters[best_k:]


def place_strays(blocks: list[Block], page: Page) -> list[Block]:
    """Move headline lines their body does not repeat to the body that does (cutting it if needed)."""
    bodies = [body_text(b, page) for b in blocks]
    strays: list[Cluster] = []
    for n, (b, g) in enumerate(zip(blocks, bodies, strict=True)):
        if not b.body:
            strays.extend(b.clusters())
            b.pre, b.mid, b.post = [], [], []
            continue
        scores = [coverage(cluster_text(page, c), g) for c in b.clusters()]
        if scores and max(scores) >= _OWNS:
            keep = _kept(b.clusters(), scores, bodies[:n] + bodies[n + 1 :], page)
            strays.extend(c for c in b.clusters() if c not in keep)
            b.pre = [c for c in b.pre if c in keep]
            b.mid = [c for c in b.mid if c in keep]
            b.post = [c for c in b.post if c in keep]
    for stray in strays:
        headline = cluster_text(page, stray)
        bodies = [body_text(b, page) for b in blocks]
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


def _kept(clusters: list[Cluster], scores: list[float], others: list[str], page: Page) -> list[Cluster]:
    """Clusters the body repeats, and those printed right next to one (the rest of the same headline)
    unless another body repeats them far better.

    How well the other bodies repeat a cluster is asked only when it could be kept by adjacency:
    it means searching every body of the page.
    """
    keep = [c for c, s in zip(clusters, scores, strict=True) if s >= _STRAY]
    elsewhere: dict[int, float] = {}
    grown = True
    while grown:
        grown = False
        for i, (c, s) in enumerate(zip(clusters, scores, strict=True)):
            if c in keep or not any(_adjacent(c, k) for k in keep):
                continue
            if i not in elsewhere:
                elsewhere[i] = max((coverage(cluster_text(page, c), h) for h in others), default=0.0)
            if elsewhere[i] < max(_ADOPT, s + _BETTER_HOME):
                keep.append(c)
                grown = True
    return keep


def _adjacent(a: list[Paragraph], b: list[Paragraph]) -> bool:
    return abs(a[0].index - b[-1].index) == 1 or abs(b[0].index - a[-1].index) == 1


def _cut(block: Block, stray: list[Paragraph], page: Page) -> list[Block] | None:
    """Cut a block claimed by two headlines where its wording turns from one to the other."""
    own = "".join(cluster_text(page, c) for c in block.clusters())
    new = cluster_text(page, stray)
    if len(block.body) > _MAX_CUT_PARAGRAPHS:
        return None
    best: tuple[float, int, bool] | None = None
    parts = [page.text[p.start : p.end] for p, _ in block.body]
    by_new, by_own = SplitCoverage(new, parts), SplitCoverage(own, parts)
    for j in range(_MIN_PART, len(block.body) - _MIN_PART + 1):
        new_head, new_tail, own_head, own_tail = by_new.head(j), by_new.tail(j), by_own.head(j), by_own.tail(j)
        for new_first in (True, False):
            gain_new = new_head - new_tail if new_first else new_tail - new_head
            gain_own = own_tail - own_head if new_first else own_head - own_tail
            if gain_new >= _CUT_GAIN and gain_own >= 0 and (best is None or gain_new + gain_own > best[0]):
                best = (gain_new + gain_own, j, new_first)
    if best is None:
        return None
    _, j, new_first = best
    first = Block(body=block.body[:j], byline=block.byline)
    carried = block.body[j - 1][1]  # the first story's section heading does not run on into the second
    tail = block.body[j:]
    k = next((n for n, (_, heading) in enumerate(tail) if heading != carried), len(tail))
    second = Block(body=[(p, None) for p, _ in tail[:k]] + tail[k:], closed=block.closed)
    first.pre, second.post = ([stray], block.clusters()) if new_first else (block.clusters(), [stray])
    return [first, second]
