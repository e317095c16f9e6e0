"""Extraction: entities (regions, agencies, programs), numbers and claims."""

from __future__ import annotations

from kg.collector import paused
from kg.extract.claims import find_claims
from kg.extract.entities import find_entities, region_entity
from kg.extract.gazetteer import gazetteer
from kg.extract.script import simplified_view
from kg.model import Article, Claim, Entity, Extraction, Mention, Page


def extract(page: Page, articles: list[Article]) -> Extraction:
    """Entities and mentions first, then the claims that refer to them.

    Extractors read a simplified view of a traditional page; evidence is cut
    from the page as printed. The cycle collector waits until the page is done (kg.collector).
    """
    with paused():
        return _extract(page, articles)


def _extract(page: Page, articles: list[Article]) -> Extraction:
    view, view_articles = simplified_view(page, articles)
    entities, mentions = find_entities(view, view_articles)
    claims = find_claims(view, view_articles, entities, mentions)
    for claim in claims:
        claim.evidence = page.raw[claim.start : claim.end]
    entities = entities + _entities_claims_add(claims, {e.key for e in entities})
    numbers = [Mention("number", c.quantity.text, c.quantity.start, c.quantity.end, c.article) for c in claims]
    return Extraction(page, articles, entities, list(mentions) + numbers, claims)


def _entities_claims_add(claims: list[Claim], known: set[str]) -> list[Entity]:
    """Nodes a claim points to that no mention named: a program read from a section
    heading, the region of the acting body when the article names no place."""
    added: list[Entity] = []
    for c in claims:
        if c.program_key and c.program_key not in known:
            added.append(Entity("program", c.program_key, c.program or c.program_key))
            known.add(c.program_key)
        region = gazetteer().regions.get(c.region_key or "")
        if c.region_key and c.region_key not in known and region is not None:
            added.append(region_entity(region))
            known.add(c.region_key)
    return added
