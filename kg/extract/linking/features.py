"""The features a linking candidate is described by: one registry, the only list.

`FEATURES[slot]` maps a feature's name to a function of (site, candidate) that
returns 0 or 1; its order is the column order of the fitted weights. Numbers
(distances, counts) are bucketed into binary features, as cort caps its
distances, so the weights stay comparable. Most features read a fact a
generator noted (kg.extract.linking.candidates); the docstring of each says
what phenomenon it stands for. A feature missing from the table is not used,
and a change to the table makes the shipped weights fail to load until they
are fitted again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from kg.extract.linking import firing
from kg.extract.linking.candidates import Candidate, Site
from kg.extract.linking.firing import (
    COUNTS,
    DISTANCES,
    PER_ENTITY_GROUPS,
    Plan,
    clause_scope,
    distance_bucket,
    proposal,
    scope,
)
from kg.extract.linking.firing import fired as fire

Feature = Callable[[Site, Candidate], float]


def _fact(name: str, doc: str) -> Feature:
    """A feature that fires when a generator noted the fact `name`."""

    def feature(site: Site, c: Candidate) -> float:
        return 1.0 if name in c.facts else 0.0

    feature.__doc__ = doc
    feature.__name__ = name
    feature.fact = name  # type: ignore[attr-defined]  # read by `fired` without a call
    return feature


def _entity_feature(f: Feature, doc: str) -> Feature:
    """A feature that depends on the candidate's entity and the article only, not on the claim: `fired`
    computes it once per article and entity, calling `f` (compiled, in firing.py) directly."""

    def feature(site: Site, c: Candidate) -> float:
        return f(site, c)

    feature.__doc__ = doc
    feature.per_entity = True  # type: ignore[attr-defined]
    feature.compiled = f  # type: ignore[attr-defined]  # what the plan calls
    return feature


def _bucket(group: Callable[[Site, Candidate], str | None], value: str, doc: str) -> Feature:
    """One of a group of features of which at most one fires: `group` says which ("1", "2_3" ...)."""

    def feature(site: Site, c: Candidate) -> float:
        return 1.0 if group(site, c) == value else 0.0

    feature.__doc__ = doc
    feature.group = group  # type: ignore[attr-defined]  # `fired` calls the group once for all its buckets
    feature.value = value  # type: ignore[attr-defined]
    if group in PER_ENTITY_GROUPS:
        feature.per_entity = True  # type: ignore[attr-defined]
    return feature


def _level(level: str) -> Feature:
    doc = f"The place is of level {level}: some levels report figures more than others."
    return _bucket(firing.level_of, level, doc)


def _count(name: str) -> Feature:
    low, high = next((lo, hi) for lo, hi, n in COUNTS if n == name)
    doc = f"The article names it {low} to {high} times: its subject is named often."
    return _bucket(firing.count_bucket, name, doc)


def _distance(name: str) -> Feature:
    low, high = next((lo, hi) for lo, hi, n in DISTANCES if n == name)
    doc = f"Last named {low} to {high} sentences before the number's (the nearer, the likelier)."
    return _bucket(distance_bucket, name, doc)


_NOT_BEFORE = _bucket(distance_bucket, "never", "Named nowhere before the number (only later, or only implied).")
_ONLY_PARENT = _bucket(
    proposal, "only_parent", "Proposed only as the parent of another candidate: 湖南省 above 益阳市 is rarely it.")
_ONLY_YARDSTICK = _bucket(
    proposal, "only_yardstick", "In the sentence only as a yardstick or list member (\"在全省率先\"), not as subject.")
_SCOPE_FITS = _bucket(scope, "fits", "The sentence's scope word (全县, 全市, 全省) names the candidate's level.")
_SCOPE_MISFIT = _bucket(scope, "misfit", "The sentence's scope word names another level (\"全县\" and a city).")
_SCOPE_NONE = _bucket(scope, "none", "*none* while the sentence says 全县/全市/全省: a scope word speaks of a place.")


_CONTAINS_GOVERNING = _entity_feature(firing.contains_governing, (
    "A place above the article's own (the city of a county report): named for context more than for figures."))
_UNDER_GOVERNING = _entity_feature(firing.under_governing, (
    "A place inside the article's own (a town of the county): a figure of the part, when the text says so."))
_OTHER_PROVINCE = _entity_feature(firing.other_province, (
    "A place in another province than the article's own (an investor's origin, a partner province)."))
_MOST_SUBJECT = _entity_feature(firing.most_subject, (
    "The place the article names most often as what it speaks of: the report's own place."))
_ONLY_LISTED = _entity_feature(firing.only_listed, (
    "Named in the article, but only as a yardstick or list member (\"排名前五的是A县、B市\")."))
_IN_HEADLINE = _entity_feature(firing.in_headline, "Named in the headline: the article is about it.")
_IN_LEAD = _entity_feature(firing.in_lead, (
    "Named in the article's first sentence (dateline and lead): the article is about it."))
_NATIONAL = _entity_feature(firing.national, (
    "A national program (医保, 乡村振兴 …): named in passing as often as acted on."))
_HEADLINE_FIELD = _entity_feature(firing.headline_field, (
    "The headline names the body's field of work (\"…民政工作综述\" and 民政局, \"…热线运行情况\" and\n"
    "    热线办): the report is that body's, though the headline does not name the body itself."))


_SHARED = {
    "none": _fact("none", "The *none* candidate's bias: no link at all."),
    **{f"count_{name}": _count(name) for _, _, name in COUNTS},
    **{f"distance_{name}": _distance(name) for _, _, name in DISTANCES},
    "not_before": _NOT_BEFORE,
    "in_headline": _IN_HEADLINE,
    "in_lead": _IN_LEAD,
}

REGION: dict[str, Feature] = {
    **_SHARED,
    "none_no_place_named": _fact("no_place_named", "*none* when the article names no place: gold region is null."),
    "none_scope_word": _SCOPE_NONE,
    "clause_last": _fact("clause_last", "The last subject place in the number's clause before it (\"A县新增…5个\")."),
    "clause": _fact("clause", "A subject place in the number's clause before the number."),
    "nearest_before": _fact("nearest_before", "The subject place named last before the number in its sentence."),
    "adjacent": _fact("adjacent", "The place right before the number (\"A县(4383件)\"): the number is its own."),
    "respective": _fact("respective", "Paired by 分别: the i-th number after it goes to the i-th place listed."),
    "opens_clause": _fact("opens_clause", "The place opening the number's clause (\"A区新增3000亩\"): its subject."),
    "clause_after": _fact("clause_after", "A subject place in the number's clause after the number."),
    "sentence_first": _fact("sentence_first", "The sentence's first subject place before the number: its topic."),
    "sentence_before": _fact("sentence_before", "A subject place before the number in its sentence."),
    "after_number": _fact("after_number", "A place named after the number in its sentence (\"…5个，其中B镇…\")."),
    "yardstick": _fact("yardstick", "Named in the sentence as a yardstick, list member or inside a quoted name."),
    "only_yardstick": _ONLY_YARDSTICK,
    "reference": _fact("reference", "Named in the sentence by a reference (全县, 该市, 我区) resolved by level."),
    "origin": _fact("origin", "Named as an origin or comparison (\"来自A省的客商\", \"与B市相比\")."),
    "previous_sentence": _fact(
        "previous_sentence", "The last subject place of the paragraph's latest sentence naming one."),
    "previous_sentence_any": _fact("previous_sentence_any", "A subject place of that earlier sentence."),
    "paragraph_first": _fact("paragraph_first", "The paragraph's first place."),
    "governing": _fact("governing", "The article's governing place (most named, headline counts double)."),
    "unsaid_governing": _fact("unsaid_governing", (
        "The governing place named at the article's top too, when neither the number's sentence before it nor "
        "the paragraph's earlier sentences name a place: a figure whose place goes unsaid is the report's own, "
        "not a village its lead opened on.")),
    "earlier_article": _fact(
        "earlier_article", "The place of the page's latest article naming one, when this one names none."),
    "body_region": _fact("body_region", "The place of the article's most named body (\"A县医保局\" → A县)."),
    "actor_region": _fact("actor_region", "The place of the body acting in the sentence before the number."),
    "article_top": _fact("article_top", "Named in the headline or the lead."),
    "headline_short": _fact("headline_short", "A city or county the headline names by a short name (\"常德上半年\")."),
    "most_subject": _MOST_SUBJECT,
    "only_listed": _ONLY_LISTED,
    "parent": _fact("parent", "Above another candidate in the region hierarchy."),
    "only_parent": _ONLY_PARENT,
    "scope_fits": _SCOPE_FITS,
    "scope_misfit": _SCOPE_MISFIT,
    "contains_governing": _CONTAINS_GOVERNING,
    "under_governing": _UNDER_GOVERNING,
    "other_province": _OTHER_PROVINCE,
    **{f"level_{level}": _level(level) for level in ("province", "city", "county", "zone", "town", "village")},
    "clause_scope_fits": _bucket(clause_scope, "fits", "The number's own clause says 全县/全市 of the candidate."),
    "clause_scope_misfit": _bucket(clause_scope, "misfit", "The number's own clause says 全县/全市 of another level."),
}

AGENCY: dict[str, Feature] = {
    # not how often the article names a body: a report names its own body once in a credit and the
    # bodies it ranks or thanks as often (dropping the counts: OOF agency dev 0.81 -> 0.92, web 0.82 -> 0.89)
    **{name: f for name, f in _SHARED.items() if not name.startswith("count_")},
    "none_no_body_named": _fact("no_body_named", "*none* when the article names no body."),
    "nearest_before": _fact("nearest_before", "The body named last before the number in its sentence: the actor."),
    "sentence_before": _fact("sentence_before", "A body named before the number in its sentence."),
    "clause": _fact("clause", "A body named in the number's clause before it."),
    "after_number": _fact("after_number", "A body named after the number in its sentence."),
    "paragraph_first": _fact("paragraph_first", "The paragraph's first body: it acts through the paragraph."),
    "paragraph_before": _fact("paragraph_before", "A body named in an earlier sentence of the paragraph."),
    "headline": _fact("headline", "The body the headline names acts throughout the story."),
    "main_body": _fact("main_body", "The article's most named body."),
    "leadership": _fact("leadership", "A party committee or government: named as leading more than as doing."),
    "own_region": _fact("own_region", "A body of the region chosen for the claim."),
    "region_above": _fact("region_above", "A body of a place above the claim's region (a city bureau, a county's)."),
    "region_below": _fact("region_below", "A body of a place inside the claim's region."),
    "region_elsewhere": _fact("region_elsewhere", "A body of a place unrelated to the claim's region."),
    "region_unknown": _fact("region_unknown", "No region chosen, or the body's place unknown."),
    "adjacent": _fact("adjacent", "The body right before the number (\"市城管局(1609件)\"): the count is its own."),
    "credited": _fact(
        "credited", "The body a credit names (\"来源：县统计局\", \"（市交通运输局）\"): the report's source."),
    "informant": _fact(
        "informant", "The body the figures were learned from (\"记者从市医保局获悉\", \"省环保厅发布\")."),
    "headline_field": _HEADLINE_FIELD,
}

PROGRAM: dict[str, Feature] = {
    **_SHARED,
    "none_no_program_named": _fact("no_program_named", "*none* when the article names no program."),
    "clause_nearest": _fact("clause_nearest", "The program nearest the number in its clause, not in a list."),
    "clause": _fact("clause", "A program named in the number's clause."),
    "listed": _fact("listed", "A program named as one of a list (\"“A”“B”等活动\"): the list is counted."),
    "list_head": _fact("list_head", "The first of a list the number's clause names: a list is framed by its first."),
    "national_clause": _fact("national_clause", "A national program named in the number's own clause."),
    "national": _NATIONAL,
    "topic": _fact("topic", "The program a short topic line opening the paragraph names."),
    "framing": _fact("framing", "A program in an earlier clause of the sentence holding no number: it frames."),
    "after_number": _fact("after_number", "A program right after the number, no other number between."),
    "sentence": _fact("sentence", "A program named in the number's sentence."),
    "short_name": _fact("short_name", "A long program of the article named by its tail in the sentence."),
    "heading": _fact("heading", "The program the section heading names: it frames every paragraph under it."),
    "earlier": _fact("earlier", "The program an earlier sentence of the paragraph frames with."),
    "earlier_count_campaign": _fact(
        "earlier_count_campaign", "The sole campaign, when an earlier sentence names a program beside its own count."),
    "headline_part": _fact("headline_part", "The part a headline names after its parent (\"计划·路演\")."),
    "headline": _fact("headline", "The program the headline names."),
    "campaign": _fact("campaign", "The one campaign the article launched before the number."),
    "main_program": _fact("main_program", "A program the report is about (headline, lead, or named most)."),
    "main_top": _fact("main_top", "The report's program, named in the headline or the lead."),
    "main_often": _fact("main_often", "The program the report names most, twice or more and more than any other."),
    "main_only": _fact("main_only", "The report's program, proposed by nothing near the number."),
}

FEATURES: dict[str, dict[str, Feature]] = {"region": REGION, "agency": AGENCY, "program": PROGRAM}


def _plan(slot: str, table: dict[str, Feature]) -> Plan:
    facts: dict[str, int] = {}
    groups: dict[Callable, dict[str, int]] = {}
    others: list[tuple[int, Feature]] = []
    entity_groups: dict[Callable, dict[str, int]] = {}
    entity_others: list[tuple[int, Feature]] = []
    for i, f in enumerate(table.values()):
        per_entity = getattr(f, "per_entity", False)
        if hasattr(f, "fact"):
            facts[f.fact] = i
        elif hasattr(f, "group"):
            (entity_groups if per_entity else groups).setdefault(f.group, {})[f.value] = i  # type: ignore[attr-defined]
        else:
            (entity_others if per_entity else others).append((i, getattr(f, "compiled", f)))
    return Plan(slot, facts, list(groups.items()), others, list(entity_groups.items()), entity_others)


PLANS = {slot: _plan(slot, table) for slot, table in FEATURES.items()}


def fired(site: Site, candidate: Candidate, slot: str) -> list[int]:
    """The columns of the features that fire for the candidate (firing.fired with the slot's plan)."""
    return fire(site, candidate, PLANS[slot])


def vector(site: Site, candidate: Candidate, slot: str) -> list[float]:
    """The candidate's feature values in registry order."""
    row = [0.0] * len(FEATURES[slot])
    for i in fired(site, candidate, slot):
        row[i] = 1.0
    return row


def table_hash() -> str:
    """A digest of the registry's names and docstrings: the weights file records it."""
    text = "\n".join(f"{slot}.{name}: {f.__doc__}" for slot, table in FEATURES.items() for name, f in table.items())
    return hashlib.sha256(text.encode()).hexdigest()
