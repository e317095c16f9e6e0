"""Deterministic instance IRIs: the same key always gives the same IRI.

Re-ingesting a page must give identical IRIs, and the same county on two pages
must be one node, so every IRI is built only from identities the extractor
reports (region code, agency region + canonical name, program canonical name,
document name and character offsets). The base is ``https://kg.example.org/``
unless the environment variable KG_BASE names another.
"""

from __future__ import annotations

import os
from decimal import Decimal
from functools import lru_cache
from urllib.parse import quote, unquote

DEFAULT_BASE = "https://kg.example.org/"
# Path segments `_seg` remembers: an ingest worker encodes the same region codes, agency and metric keys and
# document name thousands of times a page (urllib's quote was a third of mapping a page to quads).
SEGMENTS_KEPT = 8192

# Kinds of node that many pages share; they are described once, in the shared graph.
SHARED_KINDS = ("region", "agency", "program", "organization", "metric", "scheme")


def base() -> str:
    """The instance base IRI, always ending in a slash."""
    value = os.environ.get("KG_BASE") or DEFAULT_BASE
    return value if value.endswith("/") else value + "/"


@lru_cache(maxsize=SEGMENTS_KEPT)
def _seg(text: str) -> str:
    """One path segment, percent-encoded (Chinese names stay readable in IRIs once decoded)."""
    return quote(text, safe="")


def number_text(value: float) -> str:
    """A float as a plain decimal numeral, no exponent: 788000000.0 → '788000000'."""
    d = Decimal(repr(float(value)))
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def page_iri(doc: str) -> str:
    return f"{base()}page/{_seg(doc)}"


def graph_iri(doc: str) -> str:
    """The named graph holding everything read from one page."""
    return f"{base()}graph/{_seg(doc)}"


def shared_graph_iri() -> str:
    """The one named graph describing the nodes pages share (outside graph/, so no page file can take its name)."""
    return f"{base()}shared"


def article_iri(doc: str, start: int, end: int) -> str:
    return f"{base()}article/{_seg(doc)}/{start}-{end}"


def claim_iri(doc: str, start: int, end: int, nth: int = 1) -> str:
    """A claim, named by the offsets of its own number and unit (Quantity.start/end).

    Not by its evidence run: one run can hold two claims with the same value and
    unit (two subjects each "5个"), which a run/value/unit key merged into one node.
    Claims read from one number are told apart by their order in the extraction
    (``nth``, from 1; the first has no suffix), so the same extraction gives the same IRIs.
    """
    suffix = f"/{nth}" if nth > 1 else ""
    return f"{base()}claim/{_seg(doc)}/{start}-{end}{suffix}"


def quote_iri(doc: str, start: int, end: int) -> str:
    """The run of a page a claim is read from (every claim read from the same run shares it)."""
    return f"{base()}quote/{_seg(doc)}/{start}-{end}"


def region_iri(code: str) -> str:
    return f"{base()}region/{_seg(code)}"


def agency_iri(key: str) -> str:
    """Agency key is ``regioncode/canonical`` (or just the canonical name when no region)."""
    return f"{base()}agency/" + "/".join(_seg(part) for part in key.split("/", 1))


def program_iri(key: str) -> str:
    return f"{base()}program/{_seg(key)}"


def organization_iri(key: str) -> str:
    return f"{base()}organization/" + "/".join(_seg(part) for part in key.split("/", 1))


def metric_iri(key: str) -> str:
    return f"{base()}metric/{_seg(key)}"


def scheme_iri(name: str) -> str:
    """A SKOS concept scheme that gathers programs or metrics."""
    return f"{base()}scheme/{_seg(name)}"


ENTITY_IRI = {
    "region": region_iri,
    "agency": agency_iri,
    "program": program_iri,
    "organization": organization_iri,
}


def entity_iri(kind: str, key: str) -> str:
    return ENTITY_IRI[kind](key)


def label_iri(doc: str, node_iri: str) -> str:
    """The SKOS-XL label holding the name one page gives a shared node (minted from the page and the node)."""
    b = base()
    node = node_iri[len(b):] if node_iri.startswith(b) else _seg(node_iri)
    return f"{b}label/{_seg(doc)}/{node}"


def key_name(kind: str, key: str) -> str | None:
    """The name a shared node's key carries, which is its one preferred label whichever page names it: a
    program's or metric's key, an agency's or organisation's canonical name after its region's key, a town's
    or village's name after its parent's key. None when the key is a code alone (a county, a zone): the gazetteer's
    official name, which every page writes alike, is the label then."""
    if kind in ("program", "metric"):
        return key
    if kind not in ENTITY_IRI:
        return None
    name = key.rsplit("/", 1)[-1]  # the owner's code may be minted with a name in it: "…/荣桓镇/荣桓镇党委"
    return None if name.isdigit() else name


def node_key(iri: str) -> tuple[str, str] | None:
    """(kind, key) of a shared node's IRI, the inverse of `entity_iri` and `metric_iri`; None for other IRIs."""
    b = base()
    if not is_shared(iri):
        return None
    kind, _, rest = iri[len(b):].partition("/")
    return kind, "/".join(unquote(part) for part in rest.split("/"))


def is_shared(iri: str) -> bool:
    """True for the nodes described in the shared graph (and in every page graph of an old-layout store)."""
    b = base()
    return any(iri.startswith(f"{b}{kind}/") for kind in SHARED_KINDS)
