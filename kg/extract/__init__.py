"""Extraction: entities (regions, agencies, programs), numbers and claims."""

from __future__ import annotations

from kg.extract.claims import find_claims
from kg.extract.entities import find_entities
from kg.model import Article, Entity, Extraction, Mention, Page


def extract(page: Page, articles: list[Article]) -> Extraction:
    """Entities and mentions first, then the claims that refer to them."""
    entities, mentions = find_entities(page, articles)
    claims = find_claims(page, articles, entities, mentions)
    known = {e.key for e in entities}
    for c in claims:  # programs read from section headings by the claim finder
        if c.program_key and c.program_key not in known:
            known.add(c.program_key)
            entities.append(Entity("program", c.program_key, c.program or c.program_key))
    numbers = [Mention("number", c.quantity.text, c.quantity.start, c.quantity.end, c.article) for c in claims]
    return Extraction(page, articles, entities, list(mentions) + numbers, claims)
