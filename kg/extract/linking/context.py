"""What an article says about places, bodies and programs, indexed by position.

`ArticleIndex` is built once per article and answers the linker's questions
("which places does this sentence name before the number?", "which campaign was
launched before it?") by bisection over the article's sorted mentions, so a page
costs time linear in its mentions. The helpers below read discourse facts the
candidate generators and features share; none of them decides a link.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import Final

from kg.extract.entities import governing_region, region_entity
from kg.extract.gazetteer import gazetteer
from kg.extract.numbers import parse_quantities
from kg.extract.page_search import PageSearch
from kg.model import Article, Entity, Mention, Page, Quantity, Sentence
from kg.text.bisection import bisect_left, bisect_right
from kg.text.matching import char_starts, find_all

CLAUSE_BREAK: Final = re.compile(r"[，,。；;！？!?：:]")
_LIST_GAP: Final = re.compile(r"[”」\"]?[、和及与,，]?[“「\"]?")
_QUOTED_NAME: Final = re.compile(r"[“\"「]([^“”\"「」]{2,20})[”\"」]")
_PROGRAM_WORD: Final = re.compile(
    r"(?:工程|行动|计划|机制|制度|服务|品牌|模式|活动|改革|专项|创建|建设|攻势|通办|办理|整治)$")
_SCOPE_AFTER: Final = re.compile(r"等|、|率先|首|第一|前列|排名|统一|范围|唯一|内(?![\u4e00-\u9fff]{0,1}[市县区])|领先")
# A campaign: its name or the words right after it say so ("“退草还耕回头看”专项整治行动").
_CAMPAIGN: Final = re.compile(r"行动|整治|攻势|专项|回头看")
_CAMPAIGN_LEAD: Final = 10
_CORE: Final = 4  # campaign names sharing this many characters in a row are one campaign
_UNREAD: Final = Entity("program", "", "")  # a per-article answer not computed yet
_TOPIC_MAX: Final = 24  # a paragraph's topic line is short
_SERIES_DOT: Final = "·"
_LEADERSHIP: Final = re.compile(r"(?:[省市州县区镇乡]委|党委|党工委|政府)$")  # not 卫健委, 发改委: those work


class ArticleIndex:
    """What an article says about places, bodies and programs, looked up by position."""

    def __init__(
        self,
        page: Page,
        squashed_page: PageSearch,
        article: Article,
        entities: PageEntities,
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
            self.by_kind.setdefault(NATIONAL if national else m.kind, []).append(m)
        self.starts = {kind: [m.start for m in found] for kind, found in self.by_kind.items()}
        self.governing = governing_region(
            article, named, [self.by_key[k] for k in dict.fromkeys(m.key or "" for m in named)]
        )
        self.programs = entities.programs
        self._programs_in: dict[str, Entity | None] = {}
        self._by_short_name: dict[str, Entity | None] = {}
        programs_named = {m.key: self.by_key[m.key or ""] for m in self.mentions if m.kind == "program"}
        article_programs = sorted(
            (e for e in programs_named.values() if len(e.label) >= 6), key=lambda e: len(e.label), reverse=True
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
        # per paragraph, by sentence index: what the walk back through earlier sentences finds (see program_cascade)
        self.programs_before: dict[int, dict[int, Found | None]] = {}
        self._campaigns: Campaigns | None = None
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
        bodies_named = [e for e in self.by_key.values() if e.type == "agency" and any(
            n in headline for n in (e.label, *e.aliases))]
        self.headline_agency = max(bodies_named, key=lambda e: len(e.label), default=None)
        self.main_body = self.entity(self.main_agency) if self.main_agency else None
        # per entity key: the raw starts of its mentions, and per sentence its start (for distances in sentences)
        self.key_starts: dict[str, list[int]] = {}
        for m in self.mentions:
            self.key_starts.setdefault(m.key or "", []).append(m.start)
        self.sentence_starts = [s.start for s in article.sentences]
        lead = article.sentences[0] if article.sentences else None
        # the keys the headline and the lead (dateline and first sentence) name
        self.headline_keys = {m.key for m in self.mentions if m.start < (article.sentences[0].start if lead else 0)}
        self.headline_keys |= {e.key for e in self.by_key.values() if e.type in ("region", "agency") and any(
            n and n in headline for n in (e.label, *e.aliases))}
        self.lead_keys = {m.key for m in self.within_all(lead.start, lead.end)} if lead else set()
        self._subject_counts: dict[str, int] | None = None
        self.feature_cache: dict[tuple[str, str | None], list[int]] = {}  # per slot and entity (features.fired)
        self.cache: dict[str, object] = {}  # what the candidate generators read once per article
        self.earlier_place: Entity | None = None  # the governing place of the page's latest article naming one
        self._headline_places: list[Entity] | None = None

    def entity(self, m: Mention) -> Entity:
        return self.by_key[m.key or ""]

    def subject_counts(self) -> dict[str, int]:
        """How often the article names each place as what it speaks of (not as a yardstick or list
        member: "岳阳县(4383件)、汨罗市(2570件)" ranks places, it does not report on them)."""
        if self._subject_counts is None:
            counts: dict[str, int] = {}
            for s in self.article.sentences:
                for m in subject_places(self, s.start, s.end):
                    counts[m.key or ""] = counts.get(m.key or "", 0) + 1
            self._subject_counts = counts
        return self._subject_counts

    def headline_places(self) -> list[Entity]:
        """Cities and counties the headline names by a short name the mention reader left alone
        ("常德上半年…": a headline speaks of its place by the short name)."""
        if self._headline_places is None:
            places = gazetteer()
            headline = squash(self.article.headline or "")
            found = []
            for _, _, name in places.scan(headline):
                entries = [e for e in places.names[name] if e.region.level in ("province", "city", "county")]
                if len({e.region.code for e in entries}) == 1:
                    code = entries[0].region.code
                    found.append(self.by_key.get(code) or region_entity(places.regions[code]))
            self._headline_places = found
        return self._headline_places

    def within_all(self, start: int, end: int) -> list[Mention]:
        """Mentions of any kind inside raw [start, end)."""
        return [m for m in self.mentions if start <= m.start and m.end <= end]

    def count(self, key: str) -> int:
        """How often the article names the entity."""
        return len(self.key_starts.get(key, ()))

    def sentences_since(self, key: str, position: int) -> int | None:
        """How many sentences back from raw `position` the entity was last named (0: in the same one; the
        headline counts as the sentence before the first), None when it is named only later."""
        starts = self.key_starts.get(key, [])
        i = bisect_left(starts, position)
        if not i:
            return None
        sentences = self.sentence_starts
        return bisect_right(sentences, position) - bisect_right(sentences, starts[i - 1])

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

    def campaigns(self) -> Campaigns:
        if self._campaigns is None:
            self._campaigns = Campaigns(self)
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
        self.clause_ends = [self.page.offsets[at + i] for i in char_starts(CLAUSE_BREAK, sentence.text)]
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
        squashed = squash(text)
        quoted = [m.group(1) for m in find_all(_QUOTED_NAME, squashed) if _PROGRAM_WORD.search(m.group(1))]
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
class PageEntities:
    """The page's entities by key, and its programs: built once per page, not per article."""

    by_key: dict[str, Entity]
    programs: list[Entity]

    @classmethod
    def of(cls, entities: Sequence[Entity]) -> PageEntities:
        return cls({e.key: e for e in entities}, [e for e in entities if e.type == "program"])




def squash(text: str) -> str:
    """The text without white space (str.isspace's, U+3000 included: what regex \\s matches)."""
    return "".join(text.split())



def is_leadership(agency: Entity) -> bool:
    """A party committee or a government: named as leading the work more often than as doing it."""
    # every such name ends on 委 or 政府: most bodies need no search
    return agency.label.endswith(("委", "政府")) and _LEADERSHIP.search(agency.label) is not None


def serves(agency: Entity, region: Entity | None) -> bool:
    """A body the sentence does not name speaks for the claim's place only when one of their two places
    holds the other (a city bureau for its county, a county office for the province's figure), not for
    a place in another city that the same article also reports on."""
    if region is None or region.type != "region" or not agency.region:
        return True
    places = gazetteer()
    return any(r.code == region.key for r in places.chain(agency.region)) or any(
        r.code == agency.region for r in places.chain(region.key)
    )



def is_scope(ctx: ArticleIndex, m: Mention) -> bool:
    """A place named as a yardstick, a list member or part of a quoted name, not as what
    the number is about: "在全省率先", "全省统一的平台", "湖南省内", "横江村等4个村"."""
    before = ctx.page.raw[max(0, m.start - 3) : m.start].replace(" ", "")
    after = squash(ctx.page.raw[m.end : m.end + 8])
    if _SCOPE_AFTER.match(after) or (m.text[:1] in "全我" and before.endswith("在")):
        return True
    return _in_quoted_name(
        squash(ctx.page.raw[max(0, m.start - 16) : m.start]), squash(ctx.page.raw[m.end : m.end + 16])
    )


def _in_quoted_name(before: str, after: str) -> bool:
    """Whether a place sits inside a quoted name (“湖南省医保局网上大厅”)."""
    opened = max(before.rfind("“"), before.rfind("「"))
    closed = max(before.rfind("”"), before.rfind("」"))
    if opened <= closed:
        return False
    close_after = min((i for i in (after.find("”"), after.find("」")) if i >= 0), default=-1)
    return close_after >= 0 and (after.find("“") < 0 or after.find("“") > close_after)


def subject_places(ctx: ArticleIndex, start: int, end: int) -> list[Mention]:
    """Region mentions in a span that can be what a number is about: not yardsticks, not
    list members (with the places that lead up to them: "醴陵市南洲镇横江村等"), not
    part of a named program."""
    if (start, end) not in ctx.places:
        ctx.places[start, end] = _find_subject_places(ctx, start, end)
    return ctx.places[start, end]


def places_before(ctx: ArticleIndex, sentence: Sentence) -> list[Mention]:
    """Subject places of the paragraph's last sentence before `sentence` that names one
    (one pass per paragraph, so a paragraph of many sentences stays linear)."""
    n = sentence.paragraph
    if n not in ctx.places_before:
        latest: list[Mention] = []
        before = []
        for s in ctx.paragraphs[n]:
            before.append(latest)
            latest = subject_places(ctx, s.start, s.end) or latest
        ctx.places_before[n] = before
    return ctx.places_before[n][bisect_left(ctx.paragraph_starts[n], sentence.start)]


def _find_subject_places(ctx: ArticleIndex, start: int, end: int) -> list[Mention]:
    places = ctx.within("region", start, end)
    programs = ctx.within("program", start, end)
    out: list[Mention] = []
    follower: Mention | None = None
    follower_is_scope = False
    for m in reversed(places):
        leads_up = follower is not None and follower_is_scope and not ctx.page.raw[m.end : follower.start].strip()
        scope = is_scope(ctx, m) or leads_up
        follower, follower_is_scope = m, scope
        inside_program = any(p.start <= m.start and m.end <= p.end for p in programs)
        if not scope and not inside_program:
            out.append(m)
    return out[::-1]


def listed(ctx: ArticleIndex, programs: list[Mention]) -> dict[int, Mention]:
    """Programs named in a list ("“菁樟辅导”“菁帆路演”“菁荟沙龙”三个子项目", "“99公益日”
    “中华慈善日”等活动"), each mapped to the list's first: a list is what a number counts,
    and it is framed by its first name, not its last."""
    listed: dict[int, Mention] = {}
    for a, b in zip(programs, programs[1:], strict=False):
        if _LIST_GAP.fullmatch(squash(ctx.page.raw[a.end : b.start])):
            head = listed.get(id(a), a)
            listed[id(a)] = head
            listed[id(b)] = head
    for m in programs:
        if squash(ctx.page.raw[m.end : m.end + 3]).lstrip('”」"').startswith("等"):
            listed.setdefault(id(m), m)
    return listed


# kind national program mentions are kept under: only a number's own clause uses them
NATIONAL: Final = "national program"


@dataclass(frozen=True)
class Found:
    """What an earlier sentence of the paragraph says about programs: the program it frames
    with, or (entity None) that it names one beside its own count."""

    entity: Entity | None


def program_before(ctx: ArticleIndex, sentence: Sentence, paragraph: list[Sentence]) -> Found | None:
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


def _programs_named(ctx: ArticleIndex, s: Sentence) -> Found | None:
    found = ctx.within("program", s.start, s.end)
    if found:
        return Found(ctx.entity(found[-1]) if counts_nothing(s.text) else None)
    by_short_name = ctx.program_by_short_name(s.text)
    return Found(by_short_name) if by_short_name is not None else None


def sub_program(ctx: ArticleIndex) -> Entity | None:
    """The part a headline names after its parent with a separator dot ("…计划·…路演…"):
    the article reports the part, not the whole (read once per article)."""
    if ctx.sub_program is _UNREAD:
        ctx.sub_program = _headline_part(ctx)
    return ctx.sub_program


def _headline_part(ctx: ArticleIndex) -> Entity | None:
    headline = squash(ctx.article.headline or "")
    named = [e for e in ctx.programs if e.label and e.label in headline]
    for parent in named:
        for part in named:
            if f"{parent.label}{_SERIES_DOT}{part.label}" in headline:
                return part
    return None


def topic_program(ctx: ArticleIndex, sentence: Sentence, paragraph: list[Sentence]) -> Entity | None:
    """The program of a paragraph's topic sentence: a short opening line that only names
    a program ("创新推行“网格+服务”工作模式。") heads its paragraph like a section heading,
    over the programs a later sentence lists as its means, unless a sentence in between
    names a program of its own."""
    first = paragraph[0] if paragraph else None
    if first is None or first is sentence or len(squash(first.text)) > _TOPIC_MAX:
        return None
    if ctx.any_within("program", first.end, sentence.start):
        return None  # a nearer sentence names a program: the usual order decides
    named = ctx.within("program", first.start, first.end)
    return ctx.entity(named[0]) if len(named) == 1 and counts_nothing(first.text) else None


@lru_cache(maxsize=4096)
def counts_nothing(text: str) -> bool:
    """Whether a sentence reports no measured number: a program it names frames the
    sentences after it; one it names beside its own count ("6项事项实行“跨省通办”")
    is that count's."""
    return not any(q.unit and q.dimension != "duration" and q.number_text != "一" for q in parse_quantities(text))


class Campaigns:
    """The campaigns an article launches ("开展“…”专项整治行动", "…集中整治行动(以下简称…)"),
    read once per article: a number after them takes the one campaign launched before it
    (an article about a single campaign reports its results paragraphs later).

    The answer for the first k campaign mentions is kept per count of distinct campaigns,
    so an article of many claims costs one bisection per claim.
    """

    def __init__(self, ctx: ArticleIndex) -> None:
        programs = ctx.by_kind.get("program", [])
        first = bisect_left(ctx.starts.get("program", []), ctx.article.start)
        self.mentions: list[Mention] = []
        self.entities: list[Entity] = []
        for m in programs[first:]:
            entity = ctx.entity(m)
            if _CAMPAIGN.search(entity.label + squash(ctx.page.raw[m.end : m.end + _CAMPAIGN_LEAD])):
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
