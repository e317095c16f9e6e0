"""The things a claim may be linked to, one generator per slot.

Generation is kept apart from scoring (as spaCy's `get_candidates` and cort's
substructure extractors are): a generator proposes every region, body or
program the article makes available to the claim and notes, as `facts`, how it
was proposed ("clause", "governing", "parent" ...); the features read those
facts and the scorer ranks. A link lost because no generator proposed it is a
generator's fault; one proposed but ranked low is the features'. Every
generator ends with the *none* candidate, so "no link" is a choice the scorer
makes, not what is left when every rule falls through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, cast

from kg.extract.agencies import credited, informs
from kg.extract.entities import region_entity
from kg.extract.gazetteer import gazetteer
from kg.extract.linking.context import (
    NATIONAL,
    ArticleIndex,
    is_leadership,
    listed,
    places_before,
    program_before,
    serves,
    squash,
    sub_program,
    subject_places,
    topic_program,
)
from kg.model import Entity, Mention, Sentence

SLOTS: Final[tuple[str, ...]] = ("region", "agency", "program")
# A reference to a level ("全县", "我市", "本区", "该省"): the claim's scope word.
_SCOPE_WORD: Final = re.compile(r"(?:全|我|本|该)(省|市|县|区|镇|乡)")
# A place named as where someone or something comes from, or what is compared with.
_ORIGIN_BEFORE: Final = re.compile(r"(?:来自|赴|从|与|同|和|比|较|对标|学习|考察|引进)$")
_ORIGIN_AFTER: Final = re.compile(r"^(?:籍|客商|商会|企业家|的企业|投资|来|等地|等省|经验|做法)")
_CONJUNCTION_END: Final = re.compile(r"[与同和]$")
_OWN_FIGURE: Final = re.compile(r"^[（(]?[\d０-９]")  # a place with its own number right after it
_GAP: Final = re.compile(r"[\s（(“”\"]")
_ADJACENT: Final = 1  # characters (besides spaces, brackets and quotes) between a place and its own number
_RESPECTIVELY: Final = "分别"
_LIST_SEPARATORS: Final = re.compile(r"^[、和及与]$")
_LEVELS: Final[tuple[str, ...]] = ("province", "city", "county", "zone", "town", "village")
_PARENT_LEVELS: Final[tuple[str, ...]] = ("province", "city", "county", "zone")
_MAIN_OFTEN: Final = 2  # a program named this often, more than any other, is what the report is about


@dataclass(frozen=True, slots=True, init=False)
class Site:
    """One claim's linking decision: where its number is, and what the earlier slots chose."""

    index: ArticleIndex
    sentence: Sentence
    paragraph: list[Sentence]
    number_raw: int  # raw offset of the number
    clause_raw: tuple[int, int]  # raw span of the number's clause
    scope: str | None = None  # level word of the sentence's scope word before the number ("县" for 全县)

    def __init__(self, index: ArticleIndex, sentence: Sentence, paragraph: list[Sentence], number_raw: int,
                 clause_raw: tuple[int, int], scope: str | None = None) -> None:
        # Written out, as Candidate's: mypyc compiles it (frozen, so through object.__setattr__).
        object.__setattr__(self, "index", index)
        object.__setattr__(self, "sentence", sentence)
        object.__setattr__(self, "paragraph", paragraph)
        object.__setattr__(self, "number_raw", number_raw)
        object.__setattr__(self, "clause_raw", clause_raw)
        object.__setattr__(self, "scope", scope)


@dataclass(slots=True, init=False)
class Candidate:
    """One entity a slot may link to (None: the *none* candidate), with how it was proposed."""

    entity: Entity | None
    facts: set[str]

    def __init__(self, entity: Entity | None, facts: set[str]) -> None:
        # Written out: mypyc compiles this one, while a generated __init__ stays interpreted (a 1 MB
        # sample builds ~48,000 candidates).
        self.entity = entity
        self.facts = facts


class _Pool:
    """Candidates by key in the order first proposed (ties go to the earlier)."""

    def __init__(self) -> None:
        self.by_key: dict[str, Candidate] = {}

    def add(self, entity: Entity | None, *facts: str) -> None:
        if entity is None:
            return
        found = self.by_key.get(entity.key)
        if found is None:
            self.by_key[entity.key] = Candidate(entity, set(facts))
        else:
            found.facts.update(facts)

    def done(self, *none_facts: str) -> list[Candidate]:
        return [*self.by_key.values(), Candidate(None, {"none", *none_facts})]


def site_for(
    index: ArticleIndex, sentence: Sentence, paragraph: list[Sentence], number_raw: int, clause_raw: tuple[int, int]
) -> Site:
    """The site of the number at raw `number_raw`, with the scope word nearest before it in its sentence."""
    before = index.page.raw[sentence.start : number_raw]
    words = _SCOPE_WORD.findall(squash(before))
    return Site(index, sentence, paragraph, number_raw, clause_raw, words[-1] if words else None)


def _ancestors(entity: Entity) -> list[str]:
    return [r.code for r in entity.parents]


def region_candidates(site: Site) -> list[Candidate]:
    """Places of the clause, the sentence, the paragraph's earlier sentences, the article's governing
    place, the acting body's place, the headline's and lead's places, and the parents of all these."""
    ix, sentence, number = site.index, site.sentence, site.number_raw
    pool = _Pool()
    named = subject_places(ix, sentence.start, sentence.end)
    # a reference (全市, 该县) stands for a place the entity reader resolved by its level, often wrongly
    # when the report's own place goes by a short name: it proposes that place, with no position facts
    for m in named:
        if _is_reference(m) and m.end <= number:
            pool.add(ix.entity(m), "reference")
    subject = [m for m in named if not _is_reference(m)]
    before = [m for m in subject if m.end <= number]
    in_clause = [m for m in before if m.start >= site.clause_raw[0]]
    if in_clause:
        pool.add(ix.entity(in_clause[-1]), "clause_last")
        if not squash(ix.page.raw[site.clause_raw[0] : in_clause[0].start]):
            pool.add(ix.entity(in_clause[0]), "opens_clause")
    for m in in_clause:
        pool.add(ix.entity(m), "clause")
    if before:
        pool.add(ix.entity(before[-1]), "nearest_before")
        if len(_GAP.sub("", ix.page.raw[before[-1].end : number])) <= _ADJACENT:
            pool.add(ix.entity(before[-1]), "adjacent")
    near = [m for m in ix.in_sentence("region", sentence) if m.end <= number]
    respective = _respective(ix, site, near)
    if respective is not None:
        pool.add(ix.entity(respective), "respective")
    if before:
        pool.add(ix.entity(before[0]), "sentence_first")
    for m in before:
        pool.add(ix.entity(m), "sentence_before", *_mention_facts(ix, m))
    for m in subject:
        if m.start >= number:
            pool.add(ix.entity(m), "after_number", *(("clause_after",) if m.start < site.clause_raw[1] else ()))
    taken = set(map(id, named))
    for m in ix.in_sentence("region", sentence):
        if id(m) not in taken:
            pool.add(ix.entity(m), "yardstick")
    earlier = places_before(ix, sentence)
    if earlier:
        pool.add(ix.entity(earlier[-1]), "previous_sentence")
    for m in earlier:
        pool.add(ix.entity(m), "previous_sentence_any")
    first = ix.first_in_paragraph("region", sentence.paragraph)
    if first is not None:
        pool.add(ix.entity(first), "paragraph_first")
    for entity, fact in _article_places(ix):
        pool.add(entity, fact)
    if not before and not earlier and not any(_is_reference(m) for m in named):
        # nothing in the sentence or the paragraph so far says whose figure it is: the report's own place's,
        # the governing place when the headline or lead names it too
        pool.add(_own_place(ix), "unsaid_governing")
    actor = ix.nearest_before("agency", sentence, number)
    if actor is not None:
        pool.add(_region(ix, ix.entity(actor).region), "actor_region")
    for candidate in list(pool.by_key.values()):
        if candidate.entity is not None:
            for parent in _parents(ix, candidate.entity):
                pool.add(parent, "parent")
    return pool.done(*(() if ix.by_kind.get("region") else ("no_place_named",)))


def _parents(ix: ArticleIndex, entity: Entity) -> list[Entity | None]:
    """The places above a candidate that may be proposed as its parents (read once per article and
    place): a town or village above a named one, named nowhere itself, is not what a report speaks of."""
    key = f"parents:{entity.key}"
    found = cast("list[Entity | None] | None", ix.cache.get(key))
    if found is None:
        found = ix.cache[key] = [
            _region(ix, p.code) for p in entity.parents if p.level in _PARENT_LEVELS or ix.count(p.code)
        ]
    return found


def _respective(ix: ArticleIndex, site: Site, places: list[Mention]) -> Mention | None:
    """The place paired with the number by "分别" ("A县、B县分别增长5%、8%": 8% is B县's): the i-th number
    after the word goes to the i-th of the places listed just before it."""
    raw = ix.page.raw
    at = raw.rfind(_RESPECTIVELY, site.sentence.start, site.number_raw)
    if at < 0:
        return None
    listed = [m for m in places if m.end <= at]
    run = listed[-1:]
    for m in reversed(listed[:-1]):
        if _LIST_SEPARATORS.match(squash(raw[m.end : run[0].start])):
            run.insert(0, m)
        else:
            break
    numbers = [n for n in ix.numbers if at < n <= site.number_raw]
    if len(run) < 2 or not numbers or len(numbers) > len(run):
        return None
    return run[len(numbers) - 1]


def _article_places(ix: ArticleIndex) -> list[tuple[Entity | None, str]]:
    """The places the article as a whole proposes, read once per article: its governing place, its
    main body's place, the places of its headline and lead, and a headline's short place names."""
    found = cast("list[tuple[Entity | None, str]] | None", ix.cache.get("article_places"))
    if found is None:
        found = [(ix.governing, "governing"), (ix.body_region(), "body_region")]
        if ix.governing is None:  # a section the reader split off a story, or a page's next story
            found.append((ix.earlier_place, "earlier_article"))
        for key in sorted(k for k in ix.headline_keys | ix.lead_keys if k):
            entity = ix.by_key.get(key)
            if entity is not None and entity.type == "region":
                found.append((entity, "article_top"))
        found += [(entity, "headline_short") for entity in ix.headline_places()]
        ix.cache["article_places"] = found
    return found


def _own_place(ix: ArticleIndex) -> Entity | None:
    """The governing place when the headline or the lead names it as well (read once per article)."""
    if "own_place" not in ix.cache:
        g = ix.governing
        top = g is not None and (g.key in ix.headline_keys or g.key in ix.lead_keys or g in ix.headline_places())
        ix.cache["own_place"] = g if top else None
    return ix.cache["own_place"]  # type: ignore[return-value]


def _region(ix: ArticleIndex, code: str | None) -> Entity | None:
    """The page's node for a region code, else one made from the gazetteer (made once per article)."""
    key = f"region:{code}"
    if key not in ix.cache:
        ix.cache[key] = _region_node(ix, code)
    return ix.cache[key]  # type: ignore[return-value]


def _region_node(ix: ArticleIndex, code: str | None) -> Entity | None:
    known = ix.by_key.get(code or "")
    if known is not None:
        return known if known.type == "region" else None
    region = gazetteer().regions.get(code or "")
    return region_entity(region) if region is not None else None


def _is_reference(m: Mention) -> bool:
    return m.text[:1] in "全该本我" and len(m.text) <= 3


def _mention_facts(ix: ArticleIndex, m: Mention) -> tuple[str, ...]:
    """What the words around a place mention say of it: an origin or a comparison, unless 和/与 joins it
    to a list of places each with its own figure ("A县(300件)和B县(200件)"). Read once per mention, however
    many numbers follow it in its sentence."""
    key = f"facts:{m.start}"
    found = cast("tuple[str, ...] | None", ix.cache.get(key))
    if found is None:
        before = squash(ix.page.raw[max(0, m.start - 4) : m.start])
        after = squash(ix.page.raw[m.end : m.end + 4])
        own_figure = _CONJUNCTION_END.search(before) and _OWN_FIGURE.match(after)  # "…和C县(300件)": a list member
        origin = (_ORIGIN_BEFORE.search(before) or _ORIGIN_AFTER.match(after)) and not own_figure
        found = ix.cache[key] = ("origin",) if origin else ()
    return found


def agency_candidates(site: Site, region: Entity | None) -> list[Candidate]:
    """Bodies named before and after the number in its sentence, first in its paragraph, in the
    headline, the article's most named body, bodies named in the paragraph's earlier sentences, and
    the bodies the article credits or learned its figures from."""
    ix, sentence, number = site.index, site.sentence, site.number_raw
    pool = _Pool()
    if not ix.by_kind.get("agency") and ix.headline_agency is None:
        return pool.done("no_body_named")  # what every generator below would find: nothing
    here = ix.in_sentence("agency", sentence)
    before = [m for m in here if m.end <= number]
    if before:
        pool.add(ix.entity(before[-1]), "nearest_before")
        if len(_GAP.sub("", ix.page.raw[before[-1].end : number])) <= _ADJACENT:
            pool.add(ix.entity(before[-1]), "adjacent")
    for m in before:
        pool.add(ix.entity(m), "sentence_before", *(("clause",) if m.start >= site.clause_raw[0] else ()))
    for m in here:
        if m.start >= number:
            pool.add(ix.entity(m), "after_number")
    first = ix.first_in_paragraph("agency", sentence.paragraph)
    if first is not None:
        pool.add(ix.entity(first), "paragraph_first")
    for s in site.paragraph:
        if s.start >= sentence.start:
            break
        for m in ix.in_sentence("agency", s):
            pool.add(ix.entity(m), "paragraph_before")
    pool.add(ix.headline_agency, "headline")
    pool.add(ix.main_body, "main_body")
    for entity, fact in _article_bodies(ix):
        pool.add(entity, fact)
    for c in pool.by_key.values():
        c.facts.update(_agency_facts(c.entity, region))
    return pool.done(*(() if ix.by_kind.get("agency") else ("no_body_named",)))


def _article_bodies(ix: ArticleIndex) -> list[tuple[Entity, str]]:
    """The bodies the article credits ("来源：县统计局", "（市交通运输局）") and those it learned its
    figures from ("记者从市医保局获悉", "省环保厅发布"), read once per article: a report's figures are
    its source's, wherever in the article the source is named."""
    found = cast("list[tuple[Entity, str]] | None", ix.cache.get("article_bodies"))
    if found is None:
        found = []
        raw = ix.page.raw
        for m in ix.by_kind.get("agency", []):
            before, after = squash(raw[max(0, m.start - 8) : m.start]), squash(raw[m.end : m.end + 6])
            if credited(before, after):
                found.append((ix.entity(m), "credited"))
            if informs(before, after):
                found.append((ix.entity(m), "informant"))
        ix.cache["article_bodies"] = found
    return found


def _agency_facts(agency: Entity | None, region: Entity | None) -> tuple[str, ...]:
    """How a body stands to the region chosen for the claim: its own, above it, beside it."""
    if agency is None:
        return ()
    facts = ["leadership"] if is_leadership(agency) else []
    if region is None or not agency.region:
        facts.append("region_unknown")
    elif agency.region == region.key:
        facts.append("own_region")
    elif agency.region in _ancestors(region):
        facts.append("region_above")
    elif serves(agency, region):
        facts.append("region_below")
    else:
        facts.append("region_elsewhere")
    return tuple(facts)


def program_candidates(site: Site) -> list[Candidate]:
    """Programs of the number's clause (a national one only there), a list's head, the paragraph's
    topic line, a framing clause, right after the number, by short name, the section heading, an
    earlier sentence of the paragraph, the headline's part or whole, and the campaign launched before."""
    ix, sentence, number = site.index, site.sentence, site.number_raw
    pool = _Pool()
    if not (ix.by_kind.get("program") or ix.by_kind.get(NATIONAL) or ix.headline_program or sub_program(ix)
            or ix.program_in_text(sentence.heading)):
        return pool.done("no_program_named")  # what every generator below would find: nothing
    in_sentence = ix.in_sentence("program", sentence)
    heads = listed(ix, in_sentence)
    clause = ix.within("program", *site.clause_raw)
    own = [m for m in clause if id(m) not in heads]
    if own:
        pool.add(ix.entity(min(own, key=lambda m: abs(m.start - number))), "clause_nearest")
    for m in clause:
        pool.add(ix.entity(m), "clause", *(("listed",) if id(m) in heads else ()))
        if id(m) in heads:
            pool.add(ix.entity(heads[id(m)]), "list_head")
    for m in ix.within(NATIONAL, *site.clause_raw):
        pool.add(ix.entity(m), "national_clause")
    pool.add(topic_program(ix, sentence, site.paragraph), "topic")
    framing = [m for m in in_sentence if m.end <= number and not ix.clause_has_number(m.start)]
    if framing:
        pool.add(ix.entity(heads.get(id(framing[-1]), framing[-1])), "framing")
    later = [n for n in ix.numbers if n > number]
    after = [m for m in in_sentence if m.start >= number and (not later or m.end <= later[0])]
    if after:
        pool.add(ix.entity(after[0]), "after_number")
    for m in in_sentence:
        pool.add(ix.entity(m), "sentence")
    pool.add(ix.program_by_short_name(sentence.text), "short_name")
    pool.add(ix.program_in_text(sentence.heading), "heading")
    earlier = program_before(ix, sentence, site.paragraph)
    if earlier is not None:
        if earlier.entity is not None:
            pool.add(earlier.entity, "earlier")
        else:
            pool.add(ix.campaigns().sole_before(number), "earlier_count_campaign")
    pool.add(sub_program(ix), "headline_part")
    pool.add(ix.headline_program, "headline")
    pool.add(ix.campaigns().sole_before(number), "campaign")
    for entity, facts in _main_programs(ix):
        pool.add(entity, *facts)
        main = pool.by_key[entity.key]
        if main.facts <= {"main_program", "main_top", "main_often"}:
            main.facts.add("main_only")
    return pool.done(*(() if ix.by_kind.get("program") or ix.by_kind.get(NATIONAL) else ("no_program_named",)))


def _main_programs(ix: ArticleIndex) -> list[tuple[Entity, tuple[str, ...]]]:
    """The programs a report is about, read once per article: those its headline or lead names, and the
    one it names most, twice or more and more than any other (a lead may name the campaign, the body
    keep repeating its short name). A report on one initiative credits all its figures to it,
    paragraphs away from where it is named; the features weigh it against *none*."""
    found = cast("list[tuple[Entity, tuple[str, ...]]] | None", ix.cache.get("main_programs"))
    if found is None:
        counts: dict[str, int] = {}
        for m in ix.by_kind.get("program", ()):  # a national program is named in passing: never the report's own
            counts[m.key or ""] = counts.get(m.key or "", 0) + 1
        ranked = sorted(counts, key=counts.__getitem__, reverse=True)
        often = ranked[0] if ranked and counts[ranked[0]] >= _MAIN_OFTEN and (
            len(ranked) == 1 or counts[ranked[0]] > counts[ranked[1]]) else None
        found = []
        for key in counts:
            facts = (*(("main_top",) if key in ix.headline_keys or key in ix.lead_keys else ()),
                     *(("main_often",) if key == often else ()))
            if facts:
                found.append((ix.by_key[key], ("main_program", *facts)))
        ix.cache["main_programs"] = found
    return found


def level_of(entity: Entity) -> str | None:
    """The region level of a region candidate ("county" ...), None for others."""
    return entity.level if entity.type == "region" and entity.level in _LEVELS else None
