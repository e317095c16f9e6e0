"""Reading pages: decode, normalise with an offset map, split into articles."""

from kg.text.articles import split_articles
from kg.text.page import page_from_text, read_page
from kg.text.variants import to_simplified

__all__ = ["page_from_text", "read_page", "split_articles", "to_simplified"]
