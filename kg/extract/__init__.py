"""Extraction: entities (regions, agencies, programs), numbers and claims."""

from __future__ import annotations

from kg.extract.claims import find_claims
from kg.extract.entities import find_entities
from kg.model import Article, Extraction, Mention, Page


def extract(page: Page, articles: list[Article]) -> Extraction:
    """Entities and mentions first, then the claims that refer to them."""
    entities, mentions = find_entities(page, articles)
    claims = find_claims(page, articles, entities, mentions)
    numbers = [Mention("number", c.quantity.text, c.quantity.start, c.quantity.end, c.article) for c in claims]
    return Extraction(page, articles, entities, list(mentions) + numbers, claims)
