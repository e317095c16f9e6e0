"""Quantitative policy claims: each reported number with what, whom, when and how sure.

A number found by `parse_quantities` becomes a claim unless GUIDE.md's rules
say it is not one (service-time conditions, category thresholds, anecdotes,
the article "一个", durations of a streak). The claim's metric, period,
modality and change are read from the clause around the number first, then the
sentence, the paragraph, the section heading and the article: the nearest
context that says something wins. Its region, agency and program are chosen by
the linker (kg.extract.linking): candidates from the whole article, ranked by
weights fitted on annotated gold.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from functools import lru_cache
from typing import Final

from kg.extract.linking.candidates import site_for
from kg.extract.linking.context import CLAUSE_BREAK, ArticleIndex, PageEntities, squash
from kg.extract.linking.scorer import link
from kg.extract.metrics import frame_topic, metric_key, metric_phrase
from kg.extract.numbers import mask_names, parse_quantities
from kg.extract.page_search import PageSearch
from kg.extract.periods import ArticleTimes
from kg.extract.units import NOUN_MEASURES, lookup
from kg.model import Article, Claim, Entity, Mention, Page, Quantity, Sentence
from kg.text.matching import char_starts, find_all

_TRAILING_ELLIPSIS: Final = re.compile(r"(?:……|…|·{3,}|\.{3,})[。”\"]?$")
_THRESHOLD: Final = re.compile(r"(?:以上|以下)[\u4e00-\u9fff]")
EVIDENCE_MAX: Final = 60
_PART_WINDOW: Final = 12  # how many of the paragraph's latest measures a breakdown (其中) looks back over

# Service-time conditions and streaks: a duration is a claim only as a measured result.
_DURATION_RESULT: Final = re.compile(r"时长|压缩|缩短|节约|节省|减少|平均|工时")
_WITHIN: Final = re.compile(r"^(?:以?内|之内|以下|不间断|开放|有效|保持|出结果|连续|来|以来|后)")
# Anecdote: one person, one family, a reporter's scene.
_ANECDOTE: Final = re.compile(
    r"(?=[一某女先老大阿奶爷患\d婚])"  # the first characters below, checked once per position
    r"(?:(?<![不每掉少漏])一(?:名|位|户)|某(?![些项种个类])|女士|先生|老人|大爷|大妈|阿姨|奶奶|爷爷|患儿|\d+岁|婚礼)"
)
# Every _ANECDOTE match holds one of these (tests/test_claims.py holds the pattern to it): a few looks for
# them cost less than the pattern's search, which tries most characters of the sentence.
_ANECDOTE_WORDS: Final[tuple[str, ...]] = (
    "一名", "一位", "一户", "某", "女士", "先生", "老人", "大爷", "大妈", "阿姨", "奶奶", "爷爷", "患儿", "岁", "婚礼",
)
# A reporter's scene at one moment: "30多台挖机正在作业", "有5台手术进行".
_SCENE: Final = re.compile(r"(?:正在|在)?(?:进行|作业|施工|忙碌)(?:着|中)?$")
# Counts that structure the text, not the world: "从三个方面", "两个层面".
_RHETORIC: Final = re.compile(r"(?:方面|层面|维度|角度)")
# A small count in characters before a noun names a set ("残疾人两项补贴", "三类人员"), and the number in
# digits that follows in its clause is what is claimed of it (counts are written in digits: GB/T 15835).
_SET_COUNTS: Final = frozenset("两二三四五六七八九十")
_DIGIT: Final = re.compile(r"\d")
_NAME_INSIDE: Final = re.compile(r"(?:年产|年处理|年加工|日产)[^，,。；;]*$")
_BARE_AFTER_NOUN: Final = re.compile(
    "(" + "|".join(sorted(NOUN_MEASURES, key=len, reverse=True)) + r")(?:人数|总数|数量)?(?:达到?|为|共|超过)?$"
)
_PEOPLE_NOUNS: Final = sorted((n for n, m in NOUN_MEASURES.items() if m == "人" and len(n) > 1), key=len, reverse=True)
_PEOPLE_AFTER: Final = re.compile("(" + "|".join(_PEOPLE_NOUNS) + ")")
_TARGET: Final = re.compile(
    r"预计|计划|力争|争取|拟|有望|有能力|将(?=[继进实达新建完投全逐再力确])|目标(?:任务|值)?(?:为|是|达到?|控制在)?$"
)
_AIM_AFTER: Final = re.compile(r"(?:以上|左右)?(?:冲刺|迈进|的目标|目标)")
_INCREASE: Final = r"同比增长|同比增加|增长|增加|提高|提升|上升|上涨|上调|增幅|同比增"
_DECREASE: Final = r"下降|降低|减少|压缩|下调|降幅|缩短|缩减|减"
_CHANGE: Final = re.compile(rf"(?P<up>{_INCREASE})|(?P<down>{_DECREASE})")
_PLACE_NAME: Final = re.compile(r"[村镇乡]")
_NEW_LEVEL: Final = re.compile(r"[至到为]|达到?")


@lru_cache(maxsize=256)
def _breaks(text: str) -> tuple[int, ...]:
    """Where the sentence's clause breaks are: read once, though every number of it asks (twice) for its clause."""
    return tuple(char_starts(CLAUSE_BREAK, text))


def _last_break_end(text: str, end: int) -> int:
    """Where the clause holding text[end] begins: after the last clause break before `end`."""
    breaks = _breaks(text)
    i = bisect_left(breaks, end)
    return breaks[i - 1] + 1 if i else 0


def _next_break(text: str, start: int) -> int:
    """The first clause break at or after `start`, else the text's end."""
    breaks = _breaks(text)
    i = bisect_left(breaks, start)
    return breaks[i] if i < len(breaks) else len(text)


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause (between punctuation marks; "、" does not break) around text[start:end]."""
    return _last_break_end(text, start), _next_break(text, end)


def is_claim(sentence: str, q: Quantity, clause_start: int) -> bool:
    """GUIDE.md's decisions on what is not a claim, applied to one number in its sentence."""
    after = sentence[q.end : q.end + 6]
    before = sentence[clause_start : q.start]
    rest = sentence[q.end : _clause_bounds(sentence, q.start, q.end)[1]]
    if q.number_text == "一" and q.qualifier != "more_than" and "/" not in q.unit:
        return False
    if q.dimension == "duration" and (not _DURATION_RESULT.search(before) or _WITHIN.match(after)):
        return False
    if after.startswith(("及以上", "及以下")):
        return False
    if (
        q.qualifier in ("more_than", "less_than")
        and q.unit not in ("%", "百分点")
        and _THRESHOLD.match(sentence[q.end - 2 : q.end + 1])
        and not after.startswith(("的", "可"))
    ):
        return False
    if _RHETORIC.match(sentence, q.end) or _is_rank(sentence, q):
        return False
    if q.number_text in _SET_COUNTS and _DIGIT.search(rest):  # "两项补贴分别提高至829元": 829 is the claim
        return False
    if _NAME_INSIDE.search(before) and "项目" in rest:
        return False
    if _is_anecdote(sentence):
        return False
    return not (_SCENE.search(rest) or "正在" in rest)


def _is_rank(sentence: str, q: Quantity) -> bool:
    """A place in a ranking, not a count of people: "排名前3位", "前三名是…", "居第二位" (GUIDE: ordinals)."""
    return q.unit_written in ("位", "名") and sentence[max(0, q.start - 1) : q.start] in ("前", "第")


@lru_cache(maxsize=1024)
def _is_anecdote(sentence: str) -> bool:
    """Whether the sentence tells of one person or family (searched once for all its numbers)."""
    return any(word in sentence for word in _ANECDOTE_WORDS) and _ANECDOTE.search(sentence) is not None


def _infer_unit(sentence: str, q: Quantity, clause_start: int) -> Quantity | None:
    """A bare number right after a noun counts in that noun's measure word
    ("注册志愿者26万" people, "开展主题活动1300" 场), and one right before a noun for people counts
    people ("400万市民"); other bare numbers are dropped."""
    found = None if q.unit else _BARE_AFTER_NOUN.search(sentence, clause_start, q.start)
    if found is None and not q.unit:
        found = _PEOPLE_AFTER.match(sentence, q.end)  # "让400万市民享受…": people counted by the noun after
    unit = lookup(NOUN_MEASURES[found.group(1)]) if found else None
    if unit is None:
        return None
    q.unit, q.unit_written, q.dimension = unit.base, "", unit.dimension
    q.value *= unit.factor
    return q


def _modality(before: str, after: str) -> str:
    """Target when the clause plans, forecasts or aims ("预计…", "力争…", "向…冲刺", "…的目标")."""
    return "target" if _TARGET.search(before) or _AIM_AFTER.match(after) else "achieved"


def _change(before: str) -> str | None:
    """Increase/decrease when the clause's last change verb governs the number as the size
    of the change ("同比增长11.7%"), not as a new level ("提高至625元", "增加到8个", "新增")."""
    found = None
    for m in find_all(_CHANGE, before):
        found = m
    if (
        found is None
        or "新增" in before[max(0, found.start() - 1) : found.end()]
        or _PLACE_NAME.match(before, found.end())
    ):
        return None
    between = before[found.end() :]
    if len(between) > 14 or _NEW_LEVEL.match(between):
        return None
    return "increase" if found.group("up") else "decrease"


def find_claims(
    page: Page, articles: Sequence[Article], entities: Sequence[Entity], mentions: Sequence[Mention]
) -> list[Claim]:
    """Every quantitative policy claim in the page's articles, in reading order."""
    claims: list[Claim] = []
    squashed_page = PageSearch(squash(page.raw))
    masked_page = mask_names(page.text)
    known = PageEntities.of(entities)
    by_article: dict[int, list[Mention]] = {}
    for m in mentions:
        by_article.setdefault(m.article, []).append(m)
    earlier_place: Entity | None = None  # the place of the page's latest article that names one
    for article in articles:
        ctx = ArticleIndex(page, squashed_page, article, known, by_article.get(article.index, []))
        ctx.earlier_place, earlier_place = earlier_place, ctx.governing or earlier_place
        times = ArticleTimes.of(article.headline, article.year)
        current_paragraph = None
        topic = ""
        paragraph_sentences: list[Sentence] = []
        deck = _deck_paragraph(article)
        for sentence in article.sentences:
            if sentence.paragraph == deck:
                continue
            if sentence.paragraph != current_paragraph:
                current_paragraph = sentence.paragraph
                paragraph_sentences = ctx.paragraphs[sentence.paragraph]
                first = paragraph_sentences[0].text
                times.paragraph(first, _clause_bounds(first, 0, 0)[1])
                topic = frame_topic(first)
                measures: list[tuple[int, str, str]] = []  # the paragraph's (page offset, metric, unit)
            times.sentence(sentence.text)
            masked = masked_page[sentence.text_start : sentence.text_start + len(sentence.text)]
            previous_end = 0  # a measure named before a number ends where the previous number does
            quantities = parse_quantities(sentence.text, masked)
            if quantities:
                ctx.read_sentence(sentence, quantities)
            for q in quantities:
                clause_start, clause_end = _clause_bounds(sentence.text, q.start, q.end)
                measure_start, previous_end = max(clause_start, previous_end), q.end
                if not q.unit and _infer_unit(sentence.text, q, clause_start) is None:
                    continue
                if not is_claim(sentence.text, q, clause_start):
                    continue
                clause = (clause_start, clause_end, measure_start)
                at = sentence.text_start + q.start
                claim = _build(ctx, sentence, paragraph_sentences, times, q, clause, (topic, measures))
                claims.append(claim)
                if claim.metric:
                    measures.append((at, claim.metric, claim.quantity.unit))
            times.sentence_done()
    return claims


def _deck_paragraph(article: Article) -> int | None:
    """The paragraph index of a deck: a summary that opens the article and trails off in
    an ellipsis ("…追回资金7.88亿元……"). Its numbers repeat the body's (GUIDE: not claims)."""
    if not article.sentences:
        return None
    first = article.sentences[0].paragraph
    last = [s for s in article.sentences if s.paragraph == first][-1]
    return first if _TRAILING_ELLIPSIS.search(last.text) and len(article.sentences) > 2 else None


def _evidence_span(text: str, q: Quantity, clause_start: int, clause_end: int) -> tuple[int, int]:
    start, end = clause_start, clause_end
    if end - start > EVIDENCE_MAX:
        start = max(start, q.start - (EVIDENCE_MAX - (q.end - q.start)) * 2 // 3)
        end = min(end, start + EVIDENCE_MAX)
    return start, max(end, q.end)


def _unique_span(page: Page, squashed_page: PageSearch, sentence: Sentence, start: int, end: int) -> tuple[int, int]:
    """Widen an evidence span by whole clauses until its text occurs once on the page.

    A reader who searches the page for the evidence (as an analyst or a scorer
    does) must land on this mention, not on a deck or headline repeating it.
    When the whole sentence is repeated, the clause itself is kept.
    """
    text = sentence.text
    wide_start, wide_end = start, end
    while True:
        raw_start, raw_end = page.raw_span(sentence.text_start + wide_start, sentence.text_start + wide_end)
        if not squashed_page.repeats(squash(page.raw[raw_start:raw_end])):
            return wide_start, wide_end
        if wide_start > 0:
            wide_start = _last_break_end(text, wide_start - 1)
        elif wide_end < len(text):
            wide_end = _next_break(text, wide_end + 1)
        else:
            return start, end


def _build(
    ctx: ArticleIndex,
    sentence: Sentence,
    paragraph: list[Sentence],
    times: ArticleTimes,
    q: Quantity,
    clause: tuple[int, int, int],
    context: tuple[str, list[tuple[int, str, str]]],
) -> Claim:
    """One claim for the number `q` (offsets into the sentence's text) in its clause
    (start, end, and where the words naming its measure may begin); `context` is the measure
    its paragraph announces and the paragraph's measures so far (page offset, metric, unit)."""
    clause_start, clause_end, measure_start = clause
    page, article = ctx.page, ctx.article
    text = sentence.text
    q_at, q_end = q.start, q.end
    before_clause = text[clause_start:q_at]
    topic, measures = context
    shifted = [(at - sentence.text_start, metric, unit) for at, metric, unit in measures[-_PART_WINDOW:]]
    metric = metric_phrase(text, measure_start, clause_end, q, ctx.names_in(sentence), topic, shifted)
    number_raw = page.raw_span(sentence.text_start + q.start, sentence.text_start + q.end)[0]

    ev_start, ev_end = _evidence_span(text, q, clause_start, clause_end)
    ev_start, ev_end = _unique_span(page, ctx.squashed_page, sentence, ev_start, ev_end)
    start, end = page.raw_span(sentence.text_start + ev_start, sentence.text_start + ev_end)
    q.start, q.end = page.raw_span(sentence.text_start + q.start, sentence.text_start + q.end)

    clause_raw = page.raw_span(sentence.text_start + clause_start, sentence.text_start + clause_end)
    site = site_for(ctx, sentence, paragraph, number_raw, clause_raw)
    region = link("region", site)
    agency = link("agency", site, region)
    actor = ctx.nearest_before("agency", sentence, number_raw)
    organization_m = ctx.nearest_before("organization", sentence, number_raw)

    if actor is not None and agency is not None:
        subject: Entity | None = agency
    elif region is not None:
        subject = region
    elif organization_m is not None:
        subject = ctx.entity(organization_m)
    else:
        subject = None

    program = link("program", site)

    period, period_start, period_end = times.at(q_at, article.date)

    return Claim(
        doc=page.doc,
        article=article.index,
        evidence=page.raw[start:end],
        start=start,
        end=end,
        quantity=q,
        subject=subject.label if subject else None,
        subject_type=subject.type if subject else None,
        subject_key=subject.key if subject else None,
        region=region.label if region else None,
        region_key=region.key if region else None,
        agency=agency.label if agency else None,
        agency_key=agency.key if agency else None,
        program=program.label if program else None,
        program_key=program.key if program else None,
        metric=metric,
        metric_key=metric_key(metric, q.unit) if metric else None,
        period=period,
        period_start=period_start,
        period_end=period_end,
        modality=_modality(before_clause, text[q_end:clause_end]),
        change=_change(before_clause),
    )


