"""The entity layer: regions, agencies, organisations and programs of a page.

`find_entities` reads every article's headline and sentences, resolves region
names against the gazetteer (kg.extract.regions), reads the body names that
follow a place (kg.extract.agencies), the named programs (kg.extract.programs)
and the references "全县", "该局" ... back to what they stand for.  Each
distinct thing becomes one `Entity` with a key that is the same on every page;
each occurrence becomes a `Mention` with raw offsets.

Keys: region = official 12-digit code (towns, villages and zones: parent code +
"/" + name); agency and organisation = f"{region code}/{official region name}
{canonical body}"; program = canonical name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final

from kg.extract.agencies import (
    LEVEL_CHARS,
    BodyMatch,
    bare_level_at,
    body_after,
    canonical_body,
    credit_body_starts,
    known_body_after,
    quoted_body_after,
)
from kg.extract.gazetteer import HOME_PROVINCE, gazetteer
from kg.extract.programs import find_programs, repeated_quotes, repeated_terms
from kg.extract.regions import RegionHit, RegionResolver
from kg.model import Article, Entity, Mention, Page, Region, Sentence
from kg.text.bisection import bisect_left, bisect_right
from kg.text.matching import char_starts, find_all

# (it opens on one class, so the scan skips to 全该本我 in C; an alternation of two opens on neither)
_REFERENCE: Final = re.compile(
    r"[全该本我](?:(?:省|市|县|区|镇|乡|街道|村)(?![域场民长])|(?<=该)(?:局|院|中心|厅|委|所|队))")
LOOSE_ARTICLE: Final = -1  # Mention.article of text outside every article
# a quoted name, not speech
_QUOTED: Final = re.compile(r"[“「『\"]([^“”「」『』\"\n，,。、；;：:！!？?]{2,30})[”」』\"]")
_LOOSE_PIECE: Final = re.compile(r"[^\n。！？!?]{4,}")
_LEVEL_CHAR: Final = re.compile(f"[{LEVEL_CHARS}]")
_AGENCY_ENDINGS: Final[tuple[str, ...]] = ("局", "院", "中心", "厅", "委", "所", "队")
_REFERENCE_SUFFIXES: Final[tuple[str, ...]] = ("省", "市", "县", "区", "镇", "乡", "街道", "村", *_AGENCY_ENDINGS)
_GOVERNING_LEVELS: Final[tuple[str, ...]] = ("province", "city", "county", "zone", "town")
_LEVEL_ORDER: Final = {"village": 0, "town": 1, "zone": 2, "county": 2, "city": 3, "province": 4}


def region_entity(region: Region) -> Entity:
    """The graph node of a region, with its parent chain up to the province."""
    return Entity(
        type="region",
        key=region.code,
        label=region.name,
        parents=gazetteer().chain(region.code)[1:],
        level=region.level,
    )


@dataclass
class _PageState:
    page: Page
    entities: dict[str, Entity] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)

    weak: set[str] = field(default_factory=set)  # keys labelled from a form without its place

    def add(self, entity: Entity, surface: str, weak: bool = False) -> Entity:
        """Merge `entity` into the page's node of the same key.

        Labels rank: the full name as written ("常德市医疗保障局") over another
        written form with its place ("常德市医保局") over a form without it.
        """
        known = self.entities.setdefault(entity.key, entity)
        if known is entity:
            if weak:
                self.weak.add(entity.key)
        elif not weak and (entity.key in self.weak or _is_canonical(entity)) and known.label != entity.label:
            self.weak.discard(entity.key)
            known.aliases = [a for a in [known.label, *known.aliases] if a != entity.label]
            known.label = entity.label
        for form in (surface, entity.label, *entity.aliases):
            if form != known.label and form not in known.aliases:
                known.aliases.append(form)
        return known

    def mention(
        self, kind: str, sentence: Sentence | None, start: int, end: int, article: int, key: str
    ) -> Mention | None:
        if sentence is None:
            return None
        raw_start, raw_end = self.page.raw_span(sentence.text_start + start, sentence.text_start + end)
        mention = Mention(kind, sentence.text[start:end], raw_start, raw_end, article, key)
        self.mentions.append(mention)
        return mention


def _texts(page: Page, article: Article) -> list[tuple[str, Sentence | None]]:
    """Headline, captions and sentences; headline and captions are placed in the page when found."""
    out: list[tuple[str, Sentence | None]] = []
    for extra in [article.headline, *article.captions]:
        out.append((extra, _locate(page, extra)))
    return out + [(s.text, s) for s in article.sentences]


def _loose_text(page: Page, texts: dict[int, list[tuple[str, Sentence | None]]]) -> Article:
    """The page's text outside every article (photo news, captions the reader left out) as article -1.

    Its entities are on the page too; its mentions carry article -1, which no
    article claims.
    """
    covered = sorted(
        (s.text_start, s.text_start + len(s.text)) for parts in texts.values() for _, s in parts if s is not None
    )
    gaps, pos = [], 0
    for start, end in covered:
        if start > pos:
            gaps.append((pos, start))
        pos = max(pos, end)
    gaps.append((pos, len(page.text)))
    sentences = []
    for start, end in gaps:
        for m in find_all(_LOOSE_PIECE, page.text, start, end):
            raw_start, raw_end = page.raw_span(m.start(), m.end())
            sentences.append(Sentence(raw_start, raw_end, m.group(), m.start()))
    return Article(page.doc, LOOSE_ARTICLE, "", 0, 0, sentences=sentences)


def _locate(page: Page, text: str) -> Sentence | None:
    i = page.text.find(text) if text else -1
    if i < 0:
        return None
    start, end = page.raw_span(i, i + len(text))
    return Sentence(start, end, text, i)


def find_entities(page: Page, articles: list[Article]) -> tuple[list[Entity], list[Mention]]:
    """Entities of the page (one per distinct thing) and a mention for every occurrence.

    Regions come first in each article (they give the context), then bodies
    after places, then references ("全县", "该局"), then programs.
    """
    texts = {a.index: _texts(page, a) for a in articles}
    loose = _loose_text(page, texts)
    texts[loose.index] = [(s.text, s) for s in loose.sentences]
    resolver = RegionResolver([t for a in texts.values() for t, _ in a])
    state = _PageState(page)
    for article in [*articles, loose]:
        context: set[str] = set()
        hits = [(text, sentence, resolver.find(text, context)) for text, sentence in texts[article.index]]
        placed = _Placed()
        first = len(state.mentions)
        for _text, sentence, region_hits in hits:
            for hit in region_hits:
                if hit.in_firm:  # kept for the firm's name (kg.extract.agencies reads it), not a place named
                    continue
                entity = state.add(_region_or_park(hit), hit.surface)
                mention = state.mention(entity.type, sentence, hit.start, hit.end, article.index, entity.key)
                if mention is not None:
                    placed.add(mention.start, entity)
        named = state.mentions[first:]
        named_entities = [state.entities[k] for k in dict.fromkeys(m.key or "" for m in named)]
        governing = governing_region(article, named, named_entities)
        home = _speaking_place(governing, named_entities)
        repeated = repeated_quotes(article.headline, (s.text for s in article.sentences))
        terms = repeated_terms(article.headline, (s.text for s in article.sentences))
        for text, sentence, region_hits in hits:
            _bodies(state, placed, article, text, sentence, region_hits, governing, home)
            _programs(state, article, text, sentence, governing, repeated, terms)
            if sentence is not None:
                _references(state, placed, article, sentence, governing)
    return list(state.entities.values()), state.mentions


def _region_or_park(hit: RegionHit) -> Entity:
    """A zone under a county is a park (an organisation); any other place is a region."""
    region = hit.region
    parent = gazetteer().regions.get(region.parent or "")
    if region.level == "zone" and parent is not None and parent.level == "county":
        return Entity("organization", region.code, region.name, region=parent.code, level="zone")
    return region_entity(region)


def _is_canonical(entity: Entity) -> bool:
    """True when an agency's label is its canonical full name (the name part of its key)."""
    return entity.region is not None and entity.key.endswith(f"/{entity.label}")


def _body_entity(region: Region, written_place: str | None, match: BodyMatch) -> Entity:
    """A body named after a place: keyed by its canonical full name, labelled as the text writes it.

    The label keeps the text's form of the body, with the place as written or,
    when the text leaves the place out ("市医保局"), the place's official name:
    "石峰区医保局", "常德市医保局".  The canonical full name ("石峰区医疗保障局")
    is the key's name part and an alias, so both forms find the node.
    """
    canonical = f"{region.name}{canonical_body(match.body)}"
    label = f"{written_place or region.name}{match.body}"
    return Entity(
        type=match.type,
        key=f"{region.code}/{canonical}",
        label=label,
        aliases=[canonical] if canonical != label else [],
        region=_owning_region(region),
    )


def _owning_region(region: Region) -> str:
    """The region node a body belongs to: a county park's bodies belong to the county."""
    parent = gazetteer().regions.get(region.parent or "")
    if region.level == "zone" and parent is not None and parent.level == "county":
        return parent.code
    return region.code


def _bodies(
    state: _PageState,
    placed: _Placed,
    article: Article,
    text: str,
    sentence: Sentence | None,
    region_hits: list[RegionHit],
    governing: Entity | None,
    home: Entity | None,
) -> None:
    """Bodies after a written place, then bodies after a bare level word ("市医保局") of the place the
    article speaks from (`home`), then bodies a source label names without a place."""
    taken = {i for h in region_hits for i in range(h.start, h.end)}
    found: list[tuple[int, int, Entity, bool]] = []
    for n, hit in enumerate(region_hits):
        nxt = region_hits[n + 1].start if n + 1 < len(region_hits) else len(text)
        upto = text[:nxt]
        match = body_after(upto, hit.end) or quoted_body_after(upto, hit.end)
        if match is not None:
            written = text[_chain_start(region_hits, n) : hit.end]
            found.append((hit.start, match.end, _body_entity(hit.region, written, match), False))
    for i in char_starts(_LEVEL_CHAR, text):
        if i in taken or not bare_level_at(text, i):
            continue
        match = known_body_after(text, i + 1) or quoted_body_after(text, i + 1)
        if match is None:
            continue
        at = state.page.raw_span(sentence.text_start + i, sentence.text_start + i)[0] if sentence else article.end
        homes = (home, governing)
        place = _bare_place(text[i], at, sentence.start if sentence else at, placed, homes, state.entities)
        region = gazetteer().regions.get(place.key) if place is not None and place.type == "region" else None
        if region is not None:
            found.append((i, match.end, _body_entity(region, None, match), True))
    found += _credited_bodies(text, taken, governing)
    if not found:
        return  # most sentences name no body: no quoted names to read
    quoted = [(m.start(1), m.end(1)) for m in find_all(_QUOTED, text)]
    for start, end, candidate, weak in sorted(found, key=lambda f: f[0]):
        if any(a <= start and end < b for a, b in quoted):  # “湖南省医保局网上大厅” names a platform, not the body
            continue
        entity = state.add(candidate, text[start:end], weak=weak)
        mention = state.mention(entity.type, sentence, start, end, article.index, entity.key)
        if mention is not None and entity.type == "agency":
            placed.add(mention.start, entity)


def _speaking_place(governing: Entity | None, named: list[Entity]) -> Entity | None:
    """The place a bare level word before a body speaks from ("市统计局"): the governing place, or its
    parent when the article sets the governing place beside two or more of its siblings. A city's
    report ranking its counties says "市统计局" of the city, even when its headline leads with the
    county that came first (which keeps that county governing)."""
    if governing is None:
        return None
    return _compared_parent(governing, named, "") or governing


def _credited_bodies(text: str, taken: set[int], governing: Entity | None) -> list[tuple[int, int, Entity, bool]]:
    """Bodies a source label names without a place or level word ("来源：热线办"): a report's credit
    names its own place's office, so the body is the governing place's."""
    region = gazetteer().regions.get(governing.key) if governing is not None and governing.type == "region" else None
    if region is None:
        return []
    out = []
    for start in credit_body_starts(text):
        if start in taken or text[start : start + 1] in LEVEL_CHARS:
            continue  # a place or a level word opens the name: read above
        match = known_body_after(text, start)
        if match is not None:
            out.append((start, match.end, _body_entity(region, None, match), True))
    return out


def _bare_place(
    level: str,
    at: int,
    sentence_start: int,
    placed: _Placed,
    homes: tuple[Entity | None, Entity | None],
    known: dict[str, Entity],
) -> Entity | None:
    """The place a bare level word before a body stands for ("市就业局"): a place of that level named
    earlier in the same sentence ("A市委、市政府"), else the place the article speaks from or the
    article's own place, or their ancestor of that level (a report's "市热线办" is its city's, not the
    county-level city its last paragraph named), else the nearest place of that level named before."""
    start, entity = placed.nearest_at(level, at)
    if entity is not None and start >= sentence_start:
        return entity
    for home in homes:
        for region in [gazetteer().regions.get(home.key), *home.parents] if home is not None else []:
            if region is not None and _region_fits(region, level):
                return known.get(region.code) or region_entity(region)
    return _resolve(level, at, placed, homes[-1], known)


def _chain_start(hits: list[RegionHit], i: int) -> int:
    """Start of the run of adjacent places ending with hit i ("桑植县人潮溪镇")."""
    while i > 0 and hits[i - 1].end == hits[i].start:
        i -= 1
    return hits[i].start


def _references(
    state: _PageState, placed: _Placed, article: Article, sentence: Sentence, governing: Entity | None
) -> None:
    for m in find_all(_REFERENCE, sentence.text):
        position = state.page.raw_span(sentence.text_start + m.start(), sentence.text_start + m.end())[0]
        entity = _resolve(m.group(0), position, placed, governing, state.entities)
        if entity is not None:
            state.add(entity, entity.label)
            state.mention(entity.type, sentence, m.start(), m.end(), article.index, entity.key)


def _programs(
    state: _PageState,
    article: Article,
    text: str,
    sentence: Sentence | None,
    governing: Entity | None,
    repeated: frozenset[str],
    terms: frozenset[str],
) -> None:
    for hit in find_programs(text, repeated, terms):
        if hit.national:  # a national program belongs to no one place
            entity = Entity("program", hit.name, hit.name, level="national")
        else:
            entity = Entity("program", hit.name, hit.name, region=governing.key if governing else None)
        entity = state.add(entity, hit.name)
        state.mention("program", sentence, hit.start, hit.end, article.index, entity.key)


def governing_region(article: Article, mentions: Iterable[Mention], entities: Iterable[Entity]) -> Entity | None:
    """The region an article is about: the most often named place (named in the headline: +2).

    Villages are never governing; among equally named places the more specific
    (county before city) and then the earlier wins.  None when no place is named.
    """
    by_key = {e.key: e for e in entities if e.type == "region" and e.level in _GOVERNING_LEVELS}
    score: dict[str, float] = {}
    first: dict[str, int] = {}
    for n, m in enumerate(mentions):
        if m.article != article.index or m.key not in by_key:
            continue
        score[m.key] = score.get(m.key, 0) + 1
        first.setdefault(m.key, n)
    if not score:
        return _outlet_place(article)
    for key in score:
        entity = by_key[key]
        region = gazetteer().regions.get(key)
        names = [entity.label, *entity.aliases, *([region.short] if region and region.short else [])]
        if any(name and name in article.headline for name in names):
            score[key] += 2
    best = max(score, key=lambda k: (score[k], -_LEVEL_ORDER[by_key[k].level or "county"], -first[k]))
    return _compared_parent(by_key[best], by_key.values(), article.headline) or by_key[best]


# the words a news outlet's name ends with: an outlet named for its place ("A市晚报") reports on it
_OUTLET: Final = re.compile(r"^(?:市|县|区)?(?:日报|晚报|都市报|商报|广播电视台|电视台|新闻网|融媒体中心)")


def _outlet_place(article: Article) -> Entity | None:
    """When an article names no place, the city or county whose name opens the name of the outlet its
    headline or first sentence cites ("据A晚报报道，记者从市就业局获悉"): local news is its outlet's."""
    places = gazetteer()
    text = "".join((article.headline + (article.sentences[0].text if article.sentences else "")).split())
    for _, end, name in places.scan(text):
        entries = [e for e in places.names[name] if e.region.level in ("province", "city", "county")]
        if _OUTLET.match(text[end : end + 6]) and len({e.region.code for e in entries}) == 1:
            return region_entity(places.regions[entries[0].region.code])
    return None


_COMPARED: Final = 3  # sibling places an article must name to be a report on their parent


def _compared_parent(best: Entity, named: Iterable[Entity], headline: str) -> Entity | None:
    """The parent of the most named place, when the article names it beside two or more places of the
    same level under the same parent and its headline does not name it: a city's report comparing its
    counties ("A县办件120件，B市98件，C区76件") is the city's, however often one county comes up."""
    region = gazetteer().regions.get(best.key)
    if region is None or not region.parent or best.level not in ("county", "town"):
        return None
    short = region.short or region.name
    if region.name in headline or short in headline:
        return None
    siblings = {e.key for e in named if e.level == best.level and e.parents and e.parents[0].code == region.parent}
    if len(siblings) < _COMPARED:
        return None
    parent = gazetteer().regions.get(region.parent)
    return next((e for e in named if e.key == region.parent), None) or (region_entity(parent) if parent else None)


def resolve_reference(
    word: str,
    article: Article,
    position: int,
    mentions: Iterable[Mention],
    entities: Iterable[Entity],
    governing: Entity | None = None,
) -> Entity | None:
    """What a reference stands for at raw offset `position` in `article`.

    `word` is "全省"/"我省"/"全市"/"全县"/"全区"/"该县"/"该区"/"该市"/"本县"/
    "该镇"/"该局"/"该院"/"该中心" ... or just the level word ("市", "局").
    The answer is the nearest entity of that kind named before `position` in
    the article (a 市 for "全市", a 局 for "该局"); failing that the
    article's governing region or its ancestor of that level; "全省"/"我省"
    with no province named is the home province (湖南省).  None when nothing fits.
    """
    known = {e.key: e for e in entities}
    placed = _Placed()
    for m in mentions:
        if m.article == article.index and m.start >= 0 and m.key in known and not _REFERENCE.fullmatch(m.text):
            placed.add(m.start, known[m.key])
    if governing is None:
        governing = governing_region(article, mentions, known.values())
    return _resolve(word, position, placed, governing, known)


def _suffix(word: str) -> str:
    return word.lstrip("全该本我") or word[-1:]


def _resolve(
    word: str, position: int, placed: _Placed, governing: Entity | None, known: dict[str, Entity]
) -> Entity | None:
    suffix = _suffix(word)
    found = placed.nearest(suffix, position)
    if found is not None or suffix in _AGENCY_ENDINGS:
        return found
    if governing is not None:
        for region in [gazetteer().regions.get(governing.key), *governing.parents]:
            if region is not None and _region_fits(region, suffix):
                return known.get(region.code) or region_entity(region)
    if suffix == "省":
        return known.get(HOME_PROVINCE) or region_entity(gazetteer().regions[HOME_PROVINCE])
    return None


class _Placed:
    """An article's places and bodies by raw position: one sorted list per reference word they answer.

    "全县" looks up the nearest county before it with one bisection, so an
    article with many references stays linear.
    """

    def __init__(self) -> None:
        self.lists: dict[str, tuple[list[int], list[Entity]]] = {}

    def add(self, start: int, entity: Entity) -> None:
        for suffix in _answers(entity):
            starts, entities = self.lists.setdefault(suffix, ([], []))
            i = bisect_right(starts, start)
            starts.insert(i, start)
            entities.insert(i, entity)

    def nearest(self, suffix: str, position: int) -> Entity | None:
        return self.nearest_at(suffix, position)[1]

    def nearest_at(self, suffix: str, position: int) -> tuple[int, Entity | None]:
        """The nearest entity before `position` answering `suffix`, with its start (-1, None: none)."""
        starts, entities = self.lists.get(suffix, ([], []))
        i = bisect_left(starts, position)
        return (starts[i - 1], entities[i - 1]) if i else (-1, None)


def _region_fits(region: Region, suffix: str) -> bool:
    return _level_fits(region.name, region.level, suffix)


def _level_fits(name: str, level: str, suffix: str) -> bool:
    if suffix == "省":
        return level == "province"
    if suffix == "区" and level == "zone":
        return True
    return name.endswith(suffix) and level != "province"


def _answers(entity: Entity) -> list[str]:
    """The suffixes of the references ("该局", "全县") that can mean this entity (an agency by
    its canonical name, a region by its gazetteer entry)."""
    if entity.type == "agency":
        return [suffix for suffix in _AGENCY_ENDINGS if entity.key.endswith(suffix)]
    region = gazetteer().regions.get(entity.key) if entity.type == "region" else None
    return list(_region_answers(region.name, region.level)) if region is not None else []


@lru_cache(maxsize=4096)
def _region_answers(name: str, level: str) -> tuple[str, ...]:
    return tuple(s for s in _REFERENCE_SUFFIXES if s not in _AGENCY_ENDINGS and _level_fits(name, level, s))
