"""Quantitative policy claims: each reported number with what, whom, when and how sure.

A number found by `parse_quantities` becomes a claim unless GUIDE.md's rules
say it is not one (service-time conditions, category thresholds, anecdotes,
the article "一个", durations of a streak). The claim's metric, subject,
region, agency, program, period, modality and change are read from the
clause around the number first, then the sentence, the paragraph, the section
heading and the article, in that order: the nearest context that says
something wins.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from kg.extract.entities import governing_region, region_entity
from kg.extract.gazetteer import gazetteer
from kg.extract.metrics import metric_key, metric_phrase
from kg.extract.numbers import mask_names, parse_quantities
from kg.extract.page_search import PageSearch
from kg.extract.periods import ArticleTimes
from kg.extract.units import NOUN_MEASURES, lookup
from kg.model import Article, Claim, Entity, Mention, Page, Quantity, Sentence

_CLAUSE_BREAK = re.compile(r"[，,。；;！？!?：:]")
_LAST_BREAK = re.compile(r"(?s:.*)" + _CLAUSE_BREAK.pattern)
_TRAILING_ELLIPSIS = re.compile(r"(?:……|…|·{3,}|\.{3,})[。”\"]?$")
_LIST_GAP = re.compile(r"[”」\"]?[、和及与,，]?[“「\"]?")
_THRESHOLD = re.compile(r"(?:以上|以下)[\u4e00-\u9fff]")
_QUOTED_NAME = re.compile(r"[“\"「]([^“”\"「」]{2,20})[”\"」]")
_PROGRAM_WORD = re.compile(r"(?:工程|行动|计划|机制|制度|服务|品牌|模式|活动|改革|专项|创建|建设|攻势|通办|办理|整治)$")
_SCOPE_AFTER = re.compile(r"等|、|率先|首|第一|前列|排名|统一|范围|唯一|内(?![\u4e00-\u9fff]{0,1}[市县区])|领先")
EVIDENCE_MAX = 60
# A campaign: its name or the words right after it say so ("“退草还耕回头看”专项整治行动").
_CAMPAIGN = re.compile(r"行动|整治|攻势|专项|回头看")
_CAMPAIGN_LEAD = 10
_CORE = 4  # campaign names sharing this many characters in a row are one campaign
_UNREAD = Entity("program", "", "")  # a per-article answer not computed yet
_TOPIC_MAX = 24  # a paragraph's topic line is short
_SERIES_DOT = "·"

# Service-time conditions and streaks: a duration is a claim only as a measured result.
_DURATION_RESULT = re.compile(r"时长|压缩|缩短|节约|节省|减少|平均|工时")
_WITHIN = re.compile(r"^(?:以?内|之内|以下|不间断|开放|有效|保持|出结果|连续|来|以来|后)")
# Anecdote: one person, one family, a reporter's scene.
_ANECDOTE = re.compile(
    r"(?=[一某女先老大阿奶爷患\d婚])"  # the first characters below, checked once per position
    r"(?:(?<![不每掉少漏])一(?:名|位|户)|某(?![些项种个类])|女士|先生|老人|大爷|大妈|阿姨|奶奶|爷爷|患儿|\d+岁|婚礼)"
)
# A reporter's scene at one moment: "30多台挖机正在作业", "有5台手术进行".
_SCENE = re.compile(r"(?:正在|在)?(?:进行|作业|施工|忙碌)(?:着|中)?$")
# Counts that structure the text, not the world: "从三个方面", "两个层面".
_RHETORIC = re.compile(r"(?:方面|层面|维度|角度)")
# A small count in characters before a noun names a set ("残疾人两项补贴", "三类人员"), and the number in
# digits that follows in its clause is what is claimed of it (counts are written in digits: GB/T 15835).
_SET_COUNTS = frozenset("两二三四五六七八九十")
_DIGIT = re.compile(r"\d")
_NAME_INSIDE = re.compile(r"(?:年产|年处理|年加工|日产)[^，,。；;]*$")
_BARE_AFTER_NOUN = re.compile(
    "(" + "|".join(sorted(NOUN_MEASURES, key=len, reverse=True)) + r")(?:人数|总数|数量)?(?:达到?|为|共|超过)?$"
)
_PEOPLE_NOUNS = sorted((n for n, m in NOUN_MEASURES.items() if m == "人" and len(n) > 1), key=len, reverse=True)
_PEOPLE_AFTER = re.compile("(" + "|".join(_PEOPLE_NOUNS) + ")")
_LEADERSHIP = re.compile(r"(?:[省市州县区镇乡]委|党委|党工委|政府)$")  # not 卫健委, 发改委: those work
_TARGET = re.compile(
    r"预计|计划|力争|争取|拟|有望|有能力|将(?=[继进实达新建完投全逐再力确])|目标(?:任务|值)?(?:为|是|达到?|控制在)?$"
)
_AIM_AFTER = re.compile(r"(?:以上|左右)?(?:冲刺|迈进|的目标|目标)")
_INCREASE = r"同比增长|同比增加|增长|增加|提高|提升|上升|上涨|上调|增幅|同比增"
_DECREASE = r"下降|降低|减少|压缩|下调|降幅|缩短|缩减|减"
_CHANGE = re.compile(rf"(?P<up>{_INCREASE})|(?P<down>{_DECREASE})")
_PLACE_NAME = re.compile(r"[村镇乡]")
_NEW_LEVEL = re.compile(r"[至到为]|达到?")


def _last_break_end(text: str, end: int) -> int:
    """Where the clause holding text[end] begins: after the last clause break before `end`
    (found from the end, so a clause late in a long sentence costs no scan from its start)."""
    m = _LAST_BREAK.match(text, 0, end)
    return m.end() if m else 0


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause (between punctuation marks; "、" does not break) around text[start:end]."""
    left = _last_break_end(text, start)
    right = _CLAUSE_BREAK.search(text, end)
    return left, right.start() if right else len(text)


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
    return _ANECDOTE.search(sentence) is not None


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
    for m in _CHANGE.finditer(before):
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


class _ArticleContext:
    """What an article says about places, bodies and programs, looked up by position."""

    def __init__(
        self,
        page: Page,
        squashed_page: PageSearch,
        article: Article,
        entities: _PageEntities,
        mentions: Sequence[Mention],
    ):
        """`mentions` are the article's own, in the order they were found."""
        self.page = page
        self.squashed_page = squashed_page
        self.article = article
        self.by_key = entities.by_key
        named = [m for m in mentions if m.key in self.by_key]
        self.mentions = sorted(named, key=lambda m: m.start)
        self.by_kind: dict[str, list[Mention]] = {}
        for m in self.mentions:  # national programs (named in passing as often as acted on) kept apart
            national = m.kind == "program" and self.by_key[m.key or ""].level == "national"
            self.by_kind.setdefault(_NATIONAL if national else m.kind, []).append(m)
        self.starts = {kind: [m.start for m in found] for kind, found in self.by_kind.items()}
        self.governing = governing_region(
            article, named, [self.by_key[k] for k in dict.fromkeys(m.key or "" for m in named)]
        )
        self.programs = entities.programs
        self._programs_in: dict[str, Entity | None] = {}
        self._by_short_name: dict[str, Entity | None] = {}
        named = {m.key: self.by_key[m.key or ""] for m in self.mentions if m.kind == "program"}
        article_programs = sorted(
            (e for e in named.values() if len(e.label) >= 6), key=lambda e: len(e.label), reverse=True
        )
        # the tails a long program goes by, in the order they are tried: longest program, longest tail first
        self.program_tails = [
            (tail, e)
            for e in article_programs
            for tail in (e.label[-size:] for size in range(min(8, len(e.label) - 2), 3, -1))
            if _PROGRAM_WORD.search(tail)
        ]
        self.paragraphs: dict[int, list[Sentence]] = {}
        for s in article.sentences:
            self.paragraphs.setdefault(s.paragraph, []).append(s)
        self.paragraph_starts = {n: [s.start for s in found] for n, found in self.paragraphs.items()}
        self.places: dict[tuple[int, int], list[Mention]] = {}  # subject places per sentence
        # per paragraph and sentence: subject places of the last earlier sentence that names one
        self.places_before: dict[int, list[list[Mention]]] = {}
        self._first_in_paragraph: dict[tuple[str, int], Mention | None] = {}
        # per paragraph, by sentence index: what the walk back through earlier sentences finds (see _program_for)
        self.programs_before: dict[int, dict[int, _Found | None]] = {}
        self._campaigns: _Campaigns | None = None
        self._in_sentence: dict[tuple[str, int, int], list[Mention]] = {}
        self._names_in: dict[int, tuple[str, ...]] = {}
        self.sub_program: Entity | None = _UNREAD
        self.numbers: list[int] = []  # raw starts of the numbers in the sentence being read
        self.clause_ends: list[int] = []  # raw ends of that sentence's clauses
        self.headline_program = self.program_in_text(article.headline)
        agencies = [m for m in self.mentions if m.kind == "agency"]
        self.main_agency = _most_common(agencies)
        # the body the headline names ("大通湖区医疗保障局践行…") acts throughout the story
        headline = "".join(article.headline.split())
        named = [e for e in self.by_key.values() if e.type == "agency" and any(
            n in headline for n in (e.label, *e.aliases))]
        self.headline_agency = max(named, key=lambda e: len(e.label), default=None)
        self.main_body = self.entity(self.main_agency) if self.main_agency else None

    def entity(self, m: Mention) -> Entity:
        return self.by_key[m.key or ""]

    def within(self, kind: str, start: int, end: int) -> list[Mention]:
        """Mentions of `kind` inside raw [start, end), in order."""
        of_kind = self.by_kind.get(kind, [])
        starts = self.starts.get(kind, [])
        return [m for m in of_kind[bisect_left(starts, start) : bisect_left(starts, end)] if m.end <= end]

    def in_sentence(self, kind: str, sentence: Sentence) -> list[Mention]:
        """`within` the sentence, read once per sentence however many numbers it holds (do not modify)."""
        key = (kind, sentence.start, sentence.end)
        found = self._in_sentence.get(key)
        if found is None:
            found = self._in_sentence[key] = self.within(kind, sentence.start, sentence.end)
        return found

    def names_in(self, sentence: Sentence) -> tuple[str, ...]:
        """The places and bodies the sentence names, as written (read once per sentence)."""
        found = self._names_in.get(sentence.start)
        if found is None:
            found = self._names_in[sentence.start] = tuple(
                m.text for kind in ("region", "agency", "organization") for m in self.in_sentence(kind, sentence)
            )
        return found

    def any_within(self, kind: str, start: int, end: int) -> bool:
        """Whether a mention of `kind` lies inside raw [start, end) (stops at the first one)."""
        of_kind = self.by_kind.get(kind, [])
        starts = self.starts.get(kind, [])
        return any(m.end <= end for m in islice(of_kind, bisect_left(starts, start), bisect_left(starts, end)))

    def campaigns(self) -> _Campaigns:
        if self._campaigns is None:
            self._campaigns = _Campaigns(self)
        return self._campaigns

    def first_in_paragraph(self, kind: str, paragraph: int) -> Mention | None:
        """The first mention of `kind` in the paragraph's sentences (computed once per paragraph)."""
        if (kind, paragraph) not in self._first_in_paragraph:
            found = (self.within(kind, s.start, s.end) for s in self.paragraphs[paragraph])
            self._first_in_paragraph[kind, paragraph] = next((f[0] for f in found if f), None)
        return self._first_in_paragraph[kind, paragraph]

    def nearest_before(self, kind: str, sentence: Sentence, position: int) -> Mention | None:
        found = [m for m in self.in_sentence(kind, sentence) if m.end <= position]
        return found[-1] if found else None

    def read_sentence(self, sentence: Sentence, quantities: list[Quantity]) -> None:
        """Note where the sentence's numbers and clause breaks are, in raw offsets."""
        at = sentence.text_start
        self.numbers = [self.page.raw_span(at + q.start, at + q.end)[0] for q in quantities]
        self.clause_ends = [self.page.offsets[at + m.start()] for m in _CLAUSE_BREAK.finditer(sentence.text)]
        self.clause_ends.append(sentence.end)

    def clause_has_number(self, position: int) -> bool:
        """Whether the clause holding raw `position` of the current sentence holds a number."""
        i = bisect_left(self.clause_ends, position)
        start = self.clause_ends[i - 1] if i else 0
        end = self.clause_ends[i] if i < len(self.clause_ends) else position
        return any(start <= n < end for n in self.numbers)

    def body_region(self) -> Entity | None:
        """The region of the article's main acting body, when no place is named."""
        body = self.entity(self.main_agency) if self.main_agency else None
        if body is None or not body.region:
            return None
        known = self.by_key.get(body.region)
        if known is not None:
            return known
        region = gazetteer().regions.get(body.region)
        return region_entity(region) if region is not None else None

    def program_by_short_name(self, text: str) -> Entity | None:
        """A long program name of the article referred to by its tail: "集中整治行动" or
        "整治行动" for 交通问题顽瘴痼疾集中整治行动 (read once per sentence text)."""
        if text not in self._by_short_name:
            self._by_short_name[text] = self._program_by_short_name(text)
        return self._by_short_name[text]

    def _program_by_short_name(self, text: str) -> Entity | None:
        return next((e for tail, e in self.program_tails if tail in text), None)

    def program_in_text(self, text: str | None) -> Entity | None:
        """A program the text names: a known program entity, else a quoted name such as
        a section heading's “服务水平提升工程”."""
        if not text:
            return None
        if text not in self._programs_in:
            self._programs_in[text] = self._program_in_text(text)
        return self._programs_in[text]

    def _program_in_text(self, text: str) -> Entity | None:
        squashed = _squash(text)
        quoted = [m.group(1) for m in _QUOTED_NAME.finditer(squashed) if _PROGRAM_WORD.search(m.group(1))]
        if quoted:
            return self.by_key.get(quoted[0]) or Entity("program", quoted[0], quoted[0])
        hits = [e for e in self.programs if e.label and e.label in squashed]
        return max(hits, key=lambda e: len(e.label)) if hits else None


def _most_common(mentions: list[Mention]) -> Mention | None:
    counts: dict[str | None, int] = {}
    for m in mentions:
        counts[m.key] = counts.get(m.key, 0) + 1
    if not counts:
        return None
    best = max(counts, key=lambda k: counts[k])
    return next(m for m in mentions if m.key == best)


@dataclass
class _PageEntities:
    """The page's entities by key, and its programs: built once per page, not per article."""

    by_key: dict[str, Entity]
    programs: list[Entity]

    @classmethod
    def of(cls, entities: Sequence[Entity]) -> _PageEntities:
        return cls({e.key: e for e in entities}, [e for e in entities if e.type == "program"])


def find_claims(
    page: Page, articles: Sequence[Article], entities: Sequence[Entity], mentions: Sequence[Mention]
) -> list[Claim]:
    """Every quantitative policy claim in the page's articles, in reading order."""
    claims: list[Claim] = []
    squashed_page = PageSearch(_squash(page.raw))
    masked_page = mask_names(page.text)
    known = _PageEntities.of(entities)
    by_article: dict[int, list[Mention]] = {}
    for m in mentions:
        by_article.setdefault(m.article, []).append(m)
    for article in articles:
        ctx = _ArticleContext(page, squashed_page, article, known, by_article.get(article.index, []))
        times = ArticleTimes.of(article.headline, article.year)
        current_paragraph = None
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
                claims.append(_build(ctx, sentence, paragraph_sentences, times, q, clause))
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


def _squash(text: str) -> str:
    """The text without white space (str.isspace's, U+3000 included: what regex \\s matches)."""
    return "".join(text.split())


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
        if not squashed_page.repeats(_squash(page.raw[raw_start:raw_end])):
            return wide_start, wide_end
        if wide_start > 0:
            wide_start = _last_break_end(text, wide_start - 1)
        elif wide_end < len(text):
            nxt = _CLAUSE_BREAK.search(text, wide_end + 1)
            wide_end = nxt.start() if nxt else len(text)
        else:
            return start, end


def _is_leadership(agency: Entity) -> bool:
    """A party committee or a government: named as leading the work more often than as doing it."""
    return _LEADERSHIP.search(agency.label) is not None


def _serves(agency: Entity, region: Entity | None) -> bool:
    """A body the sentence does not name speaks for the claim's place only when one of their two places
    holds the other (a city bureau for its county, a county office for the province's figure), not for
    a place in another city that the same article also reports on."""
    if region is None or region.type != "region" or not agency.region:
        return True
    places = gazetteer()
    return any(r.code == region.key for r in places.chain(agency.region)) or any(
        r.code == agency.region for r in places.chain(region.key)
    )


def _build(
    ctx: _ArticleContext,
    sentence: Sentence,
    paragraph: list[Sentence],
    times: ArticleTimes,
    q: Quantity,
    clause: tuple[int, int, int],
) -> Claim:
    """One claim for the number `q` (offsets into the sentence's text) in its clause
    (start, end, and where the words naming its measure may begin)."""
    clause_start, clause_end, measure_start = clause
    page, article = ctx.page, ctx.article
    text = sentence.text
    q_at, q_end = q.start, q.end
    before_clause = text[clause_start:q_at]
    metric = metric_phrase(text, measure_start, clause_end, q, ctx.names_in(sentence))
    number_raw = page.raw_span(sentence.text_start + q.start, sentence.text_start + q.end)[0]

    ev_start, ev_end = _evidence_span(text, q, clause_start, clause_end)
    ev_start, ev_end = _unique_span(page, ctx.squashed_page, sentence, ev_start, ev_end)
    start, end = page.raw_span(sentence.text_start + ev_start, sentence.text_start + ev_end)
    q.start, q.end = page.raw_span(sentence.text_start + q.start, sentence.text_start + q.end)

    clause_raw = page.raw_span(sentence.text_start + clause_start, sentence.text_start + clause_end)
    region = _region_for(ctx, sentence, number_raw, clause_raw)
    actor = ctx.nearest_before("agency", sentence, number_raw)
    if actor is not None:
        agency: Entity | None = ctx.entity(actor)
    else:  # a body named elsewhere in the paragraph or the article, if it is of the claim's place
        in_paragraph = ctx.first_in_paragraph("agency", sentence.paragraph)
        near = (ctx.entity(in_paragraph) if in_paragraph else None, ctx.headline_agency, ctx.main_body)
        serving = [e for e in near if e is not None and _serves(e, region)]
        # a body of the claim's own place before one of a place above it (该镇… : the town's committee)
        own = [e for e in serving if region is not None and e.region == region.key]
        # a working body before the leadership named beside it ("市委、市政府高度重视"): sorted is stable
        agency = (sorted(own or serving, key=_is_leadership) or [None])[0]
    organization_m = ctx.nearest_before("organization", sentence, number_raw)

    if actor is not None:
        subject: Entity | None = agency
    elif region is not None:
        subject = region
    elif organization_m is not None:
        subject = ctx.entity(organization_m)
    else:
        subject = None

    program = _program_for(ctx, sentence, paragraph, number_raw, clause_raw)

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


def _is_scope(ctx: _ArticleContext, m: Mention) -> bool:
    """A place named as a yardstick, a list member or part of a quoted name, not as what
    the number is about: "在全省率先", "全省统一的平台", "湖南省内", "横江村等4个村"."""
    before = ctx.page.raw[max(0, m.start - 3) : m.start].replace(" ", "")
    after = _squash(ctx.page.raw[m.end : m.end + 8])
    if _SCOPE_AFTER.match(after) or (m.text[:1] in "全我" and before.endswith("在")):
        return True
    return _in_quoted_name(
        _squash(ctx.page.raw[max(0, m.start - 16) : m.start]), _squash(ctx.page.raw[m.end : m.end + 16])
    )


def _in_quoted_name(before: str, after: str) -> bool:
    """Whether a place sits inside a quoted name (“湖南省医保局网上大厅”)."""
    opened = max(before.rfind("“"), before.rfind("「"))
    closed = max(before.rfind("”"), before.rfind("」"))
    if opened <= closed:
        return False
    close_after = min((i for i in (after.find("”"), after.find("」")) if i >= 0), default=-1)
    return close_after >= 0 and (after.find("“") < 0 or after.find("“") > close_after)


def _subject_places(ctx: _ArticleContext, start: int, end: int) -> list[Mention]:
    """Region mentions in a span that can be what a number is about: not yardsticks, not
    list members (with the places that lead up to them: "醴陵市南洲镇横江村等"), not
    part of a named program."""
    if (start, end) not in ctx.places:
        ctx.places[start, end] = _find_subject_places(ctx, start, end)
    return ctx.places[start, end]


def _places_before(ctx: _ArticleContext, sentence: Sentence) -> list[Mention]:
    """Subject places of the paragraph's last sentence before `sentence` that names one
    (one pass per paragraph, so a paragraph of many sentences stays linear)."""
    n = sentence.paragraph
    if n not in ctx.places_before:
        latest: list[Mention] = []
        before = []
        for s in ctx.paragraphs[n]:
            before.append(latest)
            latest = _subject_places(ctx, s.start, s.end) or latest
        ctx.places_before[n] = before
    return ctx.places_before[n][bisect_left(ctx.paragraph_starts[n], sentence.start)]


def _find_subject_places(ctx: _ArticleContext, start: int, end: int) -> list[Mention]:
    places = ctx.within("region", start, end)
    programs = ctx.within("program", start, end)
    out: list[Mention] = []
    follower: Mention | None = None
    follower_is_scope = False
    for m in reversed(places):
        leads_up = follower is not None and follower_is_scope and not ctx.page.raw[m.end : follower.start].strip()
        scope = _is_scope(ctx, m) or leads_up
        follower, follower_is_scope = m, scope
        inside_program = any(p.start <= m.start and m.end <= p.end for p in programs)
        if not scope and not inside_program:
            out.append(m)
    return out[::-1]


def _region_for(
    ctx: _ArticleContext,
    sentence: Sentence,
    number_raw: int,
    clause: tuple[int, int],
) -> Entity | None:
    """The region in the number's clause, else the sentence's subject place, else the
    paragraph's last place, else the article's governing region, else the acting body's."""
    candidates = [m for m in _subject_places(ctx, sentence.start, sentence.end) if m.end <= number_raw]
    in_clause = [m for m in candidates if m.start >= clause[0]]
    if in_clause:
        return ctx.entity(in_clause[-1])
    if candidates:
        return ctx.entity(candidates[0])
    found = _places_before(ctx, sentence)
    if found:
        return ctx.entity(found[-1])
    if ctx.governing is not None:
        return ctx.governing
    return ctx.body_region()


def _listed(ctx: _ArticleContext, programs: list[Mention]) -> dict[int, Mention]:
    """Programs named in a list ("“菁樟辅导”“菁帆路演”“菁荟沙龙”三个子项目", "“99公益日”
    “中华慈善日”等活动"), each mapped to the list's first: a list is what a number counts,
    and it is framed by its first name, not its last."""
    listed: dict[int, Mention] = {}
    for a, b in zip(programs, programs[1:], strict=False):
        if _LIST_GAP.fullmatch(_squash(ctx.page.raw[a.end : b.start])):
            head = listed.get(id(a), a)
            listed[id(a)] = head
            listed[id(b)] = head
    for m in programs:
        if _squash(ctx.page.raw[m.end : m.end + 3]).lstrip('”」"').startswith("等"):
            listed.setdefault(id(m), m)
    return listed


_NATIONAL = "national program"  # kind national program mentions are kept under: only a number's own clause uses them


def _program_for(
    ctx: _ArticleContext,
    sentence: Sentence,
    paragraph: list[Sentence],
    number_raw: int,
    clause: tuple[int, int],
) -> Entity | None:
    """The program named in the number's clause; else in an earlier clause of its sentence
    that holds no number of its own (it frames the numbers after it), or right after this
    number with no other number between; else in the section heading (which frames every
    paragraph under it), earlier in the paragraph, or the headline. A program named in
    another number's clause belongs to that number, and one named in an earlier sentence
    beside that sentence's own count belongs to that count. Failing all these, the one
    campaign the article has launched before the number. A national program counts only in the
    number's own clause."""
    in_sentence = ctx.in_sentence("program", sentence)
    listed = _listed(ctx, in_sentence)
    in_clause = [m for m in ctx.within("program", *clause) if id(m) not in listed] or ctx.within(_NATIONAL, *clause)
    if in_clause:
        return ctx.entity(min(in_clause, key=lambda m: abs(m.start - number_raw)))
    topic = _topic_program(ctx, sentence, paragraph)
    if topic is not None:
        return topic
    framing = [m for m in in_sentence if m.end <= number_raw and not ctx.clause_has_number(m.start)]
    if framing:
        return ctx.entity(listed.get(id(framing[-1]), framing[-1]))
    later = [n for n in ctx.numbers if n > number_raw]
    after = [m for m in in_sentence if m.start >= number_raw and (not later or m.end <= later[0])]
    if after:
        return ctx.entity(after[0])
    by_short_name = ctx.program_by_short_name(sentence.text)
    if by_short_name is not None:
        return by_short_name
    heading = ctx.program_in_text(sentence.heading)
    if heading is not None:
        return heading
    earlier = _program_before(ctx, sentence, paragraph)
    if earlier is not None:
        return earlier.entity if earlier.entity is not None else ctx.campaigns().sole_before(number_raw)
    return _sub_program(ctx) or ctx.headline_program or ctx.campaigns().sole_before(number_raw)


@dataclass(frozen=True)
class _Found:
    """What an earlier sentence of the paragraph says about programs: the program it frames
    with, or (entity None) that it names one beside its own count."""

    entity: Entity | None


def _program_before(ctx: _ArticleContext, sentence: Sentence, paragraph: list[Sentence]) -> _Found | None:
    """The nearest earlier sentence of the paragraph that names a program, framing (a
    sentence that counts nothing) or by a long program's short name. Answers are kept
    for every sentence walked over, so a paragraph of many sentences is walked once."""
    known = ctx.programs_before.setdefault(sentence.paragraph, {})
    k = bisect_left(ctx.paragraph_starts[sentence.paragraph], sentence.start)
    walked = []
    while k > 0 and k not in known:
        walked.append(k)
        found = _programs_named(ctx, paragraph[k - 1])
        if found is not None:
            break
        k -= 1
    else:
        found = known.get(k)
    for i in walked:
        known[i] = found
    return found


def _programs_named(ctx: _ArticleContext, s: Sentence) -> _Found | None:
    found = ctx.within("program", s.start, s.end)
    if found:
        return _Found(ctx.entity(found[-1]) if _counts_nothing(s.text) else None)
    by_short_name = ctx.program_by_short_name(s.text)
    return _Found(by_short_name) if by_short_name is not None else None


def _sub_program(ctx: _ArticleContext) -> Entity | None:
    """The part a headline names after its parent with a separator dot ("…计划·…路演…"):
    the article reports the part, not the whole (read once per article)."""
    if ctx.sub_program is _UNREAD:
        ctx.sub_program = _headline_part(ctx)
    return ctx.sub_program


def _headline_part(ctx: _ArticleContext) -> Entity | None:
    headline = _squash(ctx.article.headline or "")
    named = [e for e in ctx.programs if e.label and e.label in headline]
    for parent in named:
        for part in named:
            if f"{parent.label}{_SERIES_DOT}{part.label}" in headline:
                return part
    return None


def _topic_program(ctx: _ArticleContext, sentence: Sentence, paragraph: list[Sentence]) -> Entity | None:
    """The program of a paragraph's topic sentence: a short opening line that only names
    a program ("创新推行“网格+服务”工作模式。") heads its paragraph like a section heading,
    over the programs a later sentence lists as its means, unless a sentence in between
    names a program of its own."""
    first = paragraph[0] if paragraph else None
    if first is None or first is sentence or len(_squash(first.text)) > _TOPIC_MAX:
        return None
    if ctx.any_within("program", first.end, sentence.start):
        return None  # a nearer sentence names a program: the usual order decides
    named = ctx.within("program", first.start, first.end)
    return ctx.entity(named[0]) if len(named) == 1 and _counts_nothing(first.text) else None


@lru_cache(maxsize=4096)
def _counts_nothing(text: str) -> bool:
    """Whether a sentence reports no measured number: a program it names frames the
    sentences after it; one it names beside its own count ("6项事项实行“跨省通办”")
    is that count's."""
    return not any(q.unit and q.dimension != "duration" and q.number_text != "一" for q in parse_quantities(text))


class _Campaigns:
    """The campaigns an article launches ("开展“…”专项整治行动", "…集中整治行动(以下简称…)"),
    read once per article: a number after them takes the one campaign launched before it
    (an article about a single campaign reports its results paragraphs later).

    The answer for the first k campaign mentions is kept per count of distinct campaigns,
    so an article of many claims costs one bisection per claim.
    """

    def __init__(self, ctx: _ArticleContext) -> None:
        programs = ctx.by_kind.get("program", [])
        first = bisect_left(ctx.starts.get("program", []), ctx.article.start)
        self.mentions: list[Mention] = []
        self.entities: list[Entity] = []
        for m in programs[first:]:
            entity = ctx.entity(m)
            if _CAMPAIGN.search(entity.label + _squash(ctx.page.raw[m.end : m.end + _CAMPAIGN_LEAD])):
                self.mentions.append(m)
                self.entities.append(entity)
        self.starts = [m.start for m in self.mentions]
        self.longest = max((m.end - m.start for m in self.mentions), default=0)
        self.distinct: list[Entity] = []  # in order of first mention
        self.distinct_at: list[int] = [0]  # per prefix length: how many distinct campaigns it holds
        self.short_at: list[bool] = [False]  # per prefix length: whether it holds a name too short to link
        seen: set[str] = set()
        for entity in self.entities:
            if entity.key not in seen:
                seen.add(entity.key)
                self.distinct.append(entity)
            self.distinct_at.append(len(self.distinct))
            self.short_at.append(self.short_at[-1] or len(entity.label) < _CORE)
        self.answers: dict[int, Entity | None] = {}

    def sole_before(self, number_raw: int) -> Entity | None:
        """The one campaign launched before raw offset `number_raw`, None for none or several."""
        k = bisect_left(self.starts, number_raw)
        i = k - 1
        while i >= 0 and self.starts[i] > number_raw - self.longest:
            if self.mentions[i].end > number_raw:  # a campaign name around the number: not before it
                return _sole_campaign([self.entities[j] for j in range(k) if self.mentions[j].end <= number_raw])
            i -= 1
        if k <= 1:
            return self.entities[0] if k else None
        if self.short_at[k]:
            return None  # a name shorter than a core links to nothing, not even to itself
        n = self.distinct_at[k]
        if n not in self.answers:
            self.answers[n] = _sole_campaign(self.distinct[:n])
        return self.answers[n]


def _sole_campaign(campaigns: list[Entity]) -> Entity | None:
    """The one campaign of a list: names linked by shared four-character cores are one
    campaign ("集中整治行动", "整治行动"); two campaigns leave later numbers unframed."""
    if not campaigns:
        return None
    one = [campaigns[0]]
    rest = campaigns[1:]
    while grown := [e for e in rest if any(_shares_core(e.label, f.label) for f in one)]:
        one += grown
        rest = [e for e in rest if e not in grown]
    return None if rest else max(one, key=lambda e: len(e.label))


def _shares_core(a: str, b: str) -> bool:
    short, long = sorted((a, b), key=len)
    return any(short[i : i + _CORE] in long for i in range(len(short) - _CORE + 1))
