"""Ranking a site's candidates: a dot product over the fitted weights, no learning library.

The weights are data with a pedigree (kg/extract/data/linking_weights.json,
written by `python -m kg.extract.linking.train`): per slot the feature names,
coefficients and intercept of a logistic regression, plus what they were fitted
on. Loading fails when the names differ from the registry, so a new or renamed
feature forces a retrain instead of silently scoring with shifted columns.

Which chooser ranks is a context variable: extraction uses the shipped weights,
while training and the out-of-fold evaluation run the very same extraction with
a chooser of their own (recording sites, or scoring with a fold's model), so
they see exactly the sites production sees and `find_claims` keeps its signature.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final

from kg.compiled import source_of
from kg.extract.linking.candidates import (
    Candidate,
    Site,
    agency_candidates,
    program_candidates,
    region_candidates,
)
from kg.extract.linking.features import FEATURES, PLANS
from kg.extract.linking.firing import fired
from kg.model import Entity

WEIGHTS_FILE: Final = source_of(__name__).parent.parent / "data" / "linking_weights.json"
FORMAT: Final = 1

# (slot, site, candidates, per candidate the columns of its features that fire) -> index of the chosen candidate;
# a lone candidate comes with no features (there is nothing to rank)
Chooser = Callable[[str, Site, list[Candidate], list[list[int]]], int]


class WeightsError(Exception):
    """The weights file is missing, malformed, or was fitted for another feature table."""


@dataclass(frozen=True, slots=True)
class SlotWeights:
    names: tuple[str, ...]
    coef: tuple[float, ...]
    intercept: float

    def score(self, fired: list[int]) -> float:
        """The score of a candidate whose features in columns `fired` are 1 (all others 0): a loop, which
        compiles to native indexing, adding in the order `sum` did (so every score is the same float)."""
        coef, total = self.coef, 0.0
        for i in fired:
            total += coef[i]
        return self.intercept + total


def read_weights(path: Path) -> dict[str, SlotWeights]:
    """The per-slot weights of a weights file, checked against the feature registry."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise WeightsError(f"{path}: cannot read linking weights: {e}") from e
    if data.get("format") != FORMAT:
        raise WeightsError(f"{path}: format {data.get('format')!r}, expected {FORMAT}")
    out = {}
    for slot, table in FEATURES.items():
        fitted = data.get("slots", {}).get(slot)
        if fitted is None:
            raise WeightsError(f"{path}: no weights for slot {slot!r}")
        names = tuple(fitted["feature_names"])
        if names != tuple(table):
            missing, extra = set(table) - set(names), set(names) - set(table)
            raise WeightsError(
                f"{path}: {slot} weights were fitted for other features (missing {sorted(missing)}, "
                f"unknown {sorted(extra)}, or reordered): run `make link-weights`"
            )
        out[slot] = SlotWeights(names, tuple(fitted["coef"]), float(fitted["intercept"]))
    return out


@lru_cache(maxsize=1)
def weights() -> dict[str, SlotWeights]:
    """The shipped weights, read once."""
    return read_weights(WEIGHTS_FILE)


def best(scores: list[float]) -> int:
    """The highest score's index; a tie goes to the candidate generated first."""
    return scores.index(max(scores))


def weighted(table: dict[str, SlotWeights]) -> Chooser:
    """A chooser scoring with `table`."""

    def choose(slot: str, site: Site, candidates: list[Candidate], rows: list[list[int]]) -> int:
        w = table[slot]
        return best([w.score(row) for row in rows])

    return choose


def _shipped(slot: str, site: Site, candidates: list[Candidate], rows: list[list[int]]) -> int:
    if len(rows) == 1:  # a lone candidate: nothing to rank
        return 0
    w = weights()[slot]
    return best([w.score(row) for row in rows])


_CHOOSER: Final[ContextVar[Chooser]] = ContextVar("linking_chooser", default=_shipped)


@contextmanager
def choosing(chooser: Chooser) -> Iterator[None]:
    """Run extraction with `chooser` deciding every link (training and evaluation)."""
    token = _CHOOSER.set(chooser)
    try:
        yield
    finally:
        _CHOOSER.reset(token)


def candidates_for(slot: str, site: Site, region: Entity | None = None) -> list[Candidate]:
    if slot == "region":
        return region_candidates(site)
    if slot == "agency":
        return agency_candidates(site, region)
    return program_candidates(site)


def link(slot: str, site: Site, region: Entity | None = None) -> Entity | None:
    """The entity the site's `slot` links to (`region`: the region already chosen, for agencies)."""
    candidates = candidates_for(slot, site, region)
    plan = PLANS[slot]
    rows = [fired(site, c, plan) for c in candidates] if len(candidates) > 1 else [[]]  # a lone one needs none
    return candidates[_CHOOSER.get()(slot, site, candidates, rows)].entity
