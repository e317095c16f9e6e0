"""The linking features' work, compiled (kg/compiled.py): the bucket groups asked of every candidate,
the features of the entity alone (computed once per article and entity), and `fired`, which turns a
candidate into the columns that fire.

features.py keeps the registry (names, docstrings, order: what the weights are fitted on) and hands
each slot's `Plan` to `fired`. Kept apart because the registry marks its functions with attributes,
which compiled functions refuse.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Final

from kg.extract.agencies import body_fields
from kg.extract.gazetteer import gazetteer
from kg.extract.linking.candidates import Candidate, Site
from kg.extract.linking.context import squash
from kg.model import Entity

Group = Callable[[Site, Candidate], "str | None"]
Test = Callable[[Site, Candidate], float]

DISTANCES: Final[tuple[tuple[int, int, str], ...]] = ((0, 0, "0"), (1, 1, "1"), (2, 4, "2_4"), (5, 10**9, "5_up"))


def in_range(ranges: tuple[tuple[int, int, str], ...], n: int) -> str | None:
    """The name of the range holding n (a loop: called per candidate, cheaper than a generator)."""
    for low, high, name in ranges:
        if low <= n <= high:
            return name
    return None


def distance_bucket(site: Site, c: Candidate) -> str | None:
    if c.entity is None:
        return None
    d = site.index.sentences_since(c.entity.key, site.number_raw)
    return "never" if d is None else in_range(DISTANCES, d)


def proposal(site: Site, c: Candidate) -> str | None:
    """How narrowly the candidate was proposed: only as a parent, or only as a yardstick."""
    facts = c.facts
    if facts == _PARENT_ONLY:
        return "only_parent"
    if "yardstick" in facts and facts.isdisjoint(_AS_SUBJECT):
        return "only_yardstick"
    return None


_PARENT_ONLY: Final = frozenset({"parent"})
_AS_SUBJECT: Final = frozenset({"clause", "sentence_before", "after_number"})


# The levels a scope word's level character speaks of: 全市 of a city (or a county-level city), 全区 of a
# district or a zone, 全县 of a county (or of a county now called a city, or a banner).
_SCOPE_LEVELS: Final = {"省": ("province",), "市": ("city",), "县": ("county",), "区": ("county", "zone"),
                 "镇": ("town",), "乡": ("town",)}


def scope(site: Site, c: Candidate) -> str | None:
    """How the candidate stands to the sentence's scope word (全县, 全市, 全省) before the number."""
    e = c.entity
    if not site.scope:
        return None
    if e is None:
        return "none"
    if e.type != "region":
        return None
    if site.scope == "市" and e.level == "county" and e.label.endswith("市"):
        return "fits"
    return "fits" if e.level in _SCOPE_LEVELS.get(site.scope, ()) else "misfit"


_CLAUSE_SCOPE_WORD: Final = re.compile(r"(?:全|我|本|该)(省|市|县|区|镇|乡)")


def clause_scope(site: Site, c: Candidate) -> str | None:
    """How the candidate stands to a scope word in the number's own clause before it ("全市…还有上千户"):
    nearer than a scope word earlier in a long sentence, it says whose the figure is."""
    e = c.entity
    if e is None or e.type != "region":
        return None
    word = _scope_word(site.index.page.raw[site.clause_raw[0] : site.number_raw])
    if word is None:
        return None
    if word == "市" and e.level == "county" and e.label.endswith("市"):
        return "fits"
    return "fits" if e.level in _SCOPE_LEVELS.get(word, ()) else "misfit"


@lru_cache(maxsize=64)
def _scope_word(clause: str) -> str | None:
    """The level character of the last scope word in a clause: one scan per clause, not per candidate."""
    words: list[str] = _CLAUSE_SCOPE_WORD.findall(squash(clause))
    return words[-1] if words else None


COUNTS: Final[tuple[tuple[int, int, str], ...]] = (
    (0, 0, "0"), (1, 1, "1"), (2, 3, "2_3"), (4, 9, "4_9"), (10, 10**9, "10_up"),
)


# The features of the entity alone (features.py names and documents them; `fired` computes them once per
# article and entity): compiled here, since the interpreter's call was most of their cost.
def level_of(site: Site, c: Candidate) -> str | None:
    return c.entity.level if c.entity is not None and c.entity.type == "region" else None


def count_bucket(site: Site, c: Candidate) -> str | None:
    if c.entity is None:
        return None
    return in_range(COUNTS, site.index.count(c.entity.key))


PER_ENTITY_GROUPS: Final = frozenset({level_of, count_bucket})


def contains_governing(site: Site, c: Candidate) -> float:
    g = site.index.governing
    return 1.0 if g is not None and c.entity is not None and any(r.code == c.entity.key for r in g.parents) else 0.0


def under_governing(site: Site, c: Candidate) -> float:
    g = site.index.governing
    e = c.entity
    return 1.0 if g is not None and e is not None and any(r.code == g.key for r in e.parents) else 0.0


def other_province(site: Site, c: Candidate) -> float:
    g, e = site.index.governing, c.entity
    if g is None or e is None or e.type != "region":
        return 0.0
    return 1.0 if _province(g) != _province(e) else 0.0


def _province(e: Entity) -> str:
    chain = [e.key, *(r.code for r in e.parents)]
    return chain[-1]


def most_subject(site: Site, c: Candidate) -> float:
    counts = site.index.subject_counts()
    if c.entity is None or not counts:
        return 0.0
    return 1.0 if counts.get(c.entity.key, 0) == max(counts.values()) else 0.0


def only_listed(site: Site, c: Candidate) -> float:
    e = c.entity
    return 1.0 if e is not None and site.index.count(e.key) and not site.index.subject_counts().get(e.key) else 0.0


def in_headline(site: Site, c: Candidate) -> float:
    return 1.0 if c.entity is not None and c.entity.key in site.index.headline_keys else 0.0


def in_lead(site: Site, c: Candidate) -> float:
    return 1.0 if c.entity is not None and c.entity.key in site.index.lead_keys else 0.0


def national(site: Site, c: Candidate) -> float:
    return 1.0 if c.entity is not None and c.entity.level == "national" else 0.0


def headline_field(site: Site, c: Candidate) -> float:
    e = c.entity
    headline = squash(site.index.article.headline or "")
    if e is None or e.type != "agency" or not headline:
        return 0.0
    return 1.0 if any(f in headline for f in body_fields(_body_name(e))) else 0.0


def _body_name(agency: Entity) -> str:
    """The canonical body name of an agency's key without its place ("…/常德市医疗保障局" → 医疗保障局)."""
    code, _, name = agency.key.rpartition("/")
    region = gazetteer().regions.get(code)
    return name[len(region.name) :] if region is not None and name.startswith(region.name) else name


class Plan:
    """How to compute a slot's fired features fast: facts by lookup, bucket groups by one call each,
    and what depends only on the entity once per article."""

    def __init__(self, slot: str, facts: dict[str, int], groups: list[tuple[Group, dict[str, int]]],
                 others: list[tuple[int, Test]], entity_groups: list[tuple[Group, dict[str, int]]],
                 entity_others: list[tuple[int, Test]]) -> None:
        self.slot = slot
        self.facts = facts
        self.groups = groups
        self.others = others
        self.entity_groups = entity_groups
        self.entity_others = entity_others


def _columns(site: Site, c: Candidate, groups: list[tuple[Group, dict[str, int]]], others: list[tuple[int, Test]],
             out: list[int]) -> list[int]:
    """`out` extended by the columns of the groups' and the other features that fire."""
    for group, columns in groups:
        value = group(site, c)
        i = columns.get(value) if value is not None else None
        if i is not None:
            out.append(i)
    for i, f in others:
        if f(site, c):
            out.append(i)
    return out


def fired(site: Site, candidate: Candidate, plan: Plan) -> list[int]:
    """The columns of the features that fire for the candidate (all features are 0 or 1): the same
    values as calling every registry function, with one call per group, and the features of the
    entity alone computed once per article."""
    facts = plan.facts
    out = [i for f in candidate.facts if (i := facts.get(f)) is not None]
    cache = site.index.feature_cache
    entity = candidate.entity
    key = (plan.slot, entity.key if entity is not None else None)
    known = cache.get(key)
    if known is None:
        known = cache[key] = _columns(site, candidate, plan.entity_groups, plan.entity_others, [])
    out += known
    return _columns(site, candidate, plan.groups, plan.others, out)
