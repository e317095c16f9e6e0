"""A claim's row as the claim lists show it, made once at ingest from its page's own statements.

The graph API's claim lists (a node's, compare, programs, conflicts) show
each claim with its value, unit, period, the names of what it is about, its
article, page and evidence quote. Read from the store that is ~20 index seeks
per claim (its properties and the evidence chain claim → target → selector),
and each seek grows slower as RocksDB grows; a list of 500 took 2 s at 16 M
quads. Every one of those facts sits in the claim's own page graph,
so the row is made when the page is mapped (`from_triples`) and kept, deflated
JSON, in the summaries' SQLite file (kg.rdf.summaries), one keyed read per
claim. A linked node's name is the one the claim's page writes (the claim's own
`kg:…Label`, else the page graph's SKOS-XL label of the node, kg.rdf.mapping);
only where the page writes none is the shared node's preferred label looked up
when the row is read (`finish`).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from kg.rdf.vocab import CHANGES, KG, MODALITIES, OA, PROV, QUALIFIERS, RDF, SCHEMA, SKOSXL, reverse

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Props = dict[str, list[Term]]
Stored = dict[str, Any]
_QUALIFIER, _MODALITY, _CHANGE = reverse(QUALIFIERS), reverse(MODALITIES), reverse(CHANGES)
# The claim's links to shared nodes and the property holding the name written instead when it has none.
LINKED = {"subject": (SCHEMA.about, KG.subjectLabel), "region": (KG.region, KG.regionLabel),
          "agency": (KG.agency, KG.agencyLabel), "program": (KG.program, KG.programLabel)}


def number(text: str | None) -> float | int | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if value.is_integer() else value


def first(props: Props, predicate: ox.NamedNode) -> str | None:
    """The least value (the same pick whatever order the store returns them in)."""
    values = props.get(predicate.value)
    if not values:
        return None
    return values[0].value if len(values) == 1 else min(v.value for v in values)


def make(iri: str, claim: Props, evidence: dict[str, Any], article: tuple[str, str] | None,
         page: str | None, doc: str | None, written: dict[str, str] | None = None) -> Stored:
    """The stored row of one claim: its properties, its evidence (page, exact, start, end), its article
    (IRI, label) when it comes from one, its page's name, and the names its page gives the shared nodes
    (`written`: node IRI → name, where the page names one otherwise than its preferred label)."""
    def text(link: ox.NamedNode, label: ox.NamedNode) -> str | None:
        target = first(claim, link)
        return first(claim, label) or (written or {}).get(target or "")

    return {
        "iri": iri,
        "doc": doc,
        "article": article[1] if article else None,
        "article_iri": article[0] if article else None,
        "evidence": evidence.get("exact"),
        "start": number(evidence.get("start")),
        "end": number(evidence.get("end")),
        "value": number(first(claim, SCHEMA.value)),
        "unit": first(claim, SCHEMA.unitText),
        "qualifier": _QUALIFIER.get(first(claim, KG.qualifier) or ""),
        "metric_text": first(claim, KG.metricLabel),
        "metric_iri": first(claim, KG.metric),
        "period": first(claim, SCHEMA.temporalCoverage),
        "period_start": first(claim, SCHEMA.startDate),
        "period_end": first(claim, SCHEMA.endDate),
        "modality": _MODALITY.get(first(claim, KG.modality) or ""),
        "change": _CHANGE.get(first(claim, KG.change) or ""),
        "quantity": first(claim, KG.quantityText),
        **{f"{name}_iri": first(claim, link) for name, (link, _) in LINKED.items()},
        **{f"{name}_text": text(link, label) for name, (link, label) in LINKED.items()},
    }


def finish(row: Stored, labels: dict[str, str]) -> dict[str, Any]:
    """The claim as the graph API returns it (the shape of `kg claims --format jsonl`), given the labels of
    the shared nodes it links to (read where the page wrote no name of its own); `_links` and `_dates` are for
    the API's own grouping, never returned."""
    def named(name: str) -> str | None:
        target = row[f"{name}_iri"]
        return row[f"{name}_text"] or (labels.get(target) if target else None)

    metric_iri = row["metric_iri"]
    return {
        "doc": row["doc"], "article": row["article"], "evidence": row["evidence"], "start": row["start"],
        "end": row["end"], "value": row["value"], "unit": row["unit"], "qualifier": row["qualifier"],
        "subject": named("subject"), "region": named("region"), "agency": named("agency"),
        "program": named("program"),
        "metric": row["metric_text"] or (labels.get(metric_iri) if metric_iri else None),
        "period": row["period"], "modality": row["modality"], "change": row["change"], "iri": row["iri"],
        "article_iri": row["article_iri"],
        "_links": {**{name: row[f"{name}_iri"] for name in LINKED}, "metric": metric_iri},
        "_dates": (row["period_start"], row["period_end"]),
    }


def linked(row: Stored) -> set[str]:
    """The shared nodes a row names by IRI (whose labels `finish` needs)."""
    return {row[f"{name}_iri"] for name in (*LINKED, "metric")} - {None}


# A preset dictionary for deflate: a row is too short to repeat its own keys and IRI prefixes, so without one it
# shrinks only to half. Never change it: the kept rows are inflated with the same bytes.
_ZDICT = ('{"doc":null,"article":null,"article_iri":"https://kg.example.org/article/","evidence":"","start":0,'
          '"end":0,"value":0,"unit":"","qualifier":"exact","metric_text":null,"metric_iri":'
          '"https://kg.example.org/metric/%E","period":"年","period_start":"-01-01","period_end":"-12-31",'
          '"modality":"achieved","change":null,"quantity":"","subject_iri":"https://kg.example.org/region/",'
          '"region_iri":"https://kg.example.org/region/","agency_iri":"https://kg.example.org/agency/",'
          '"program_iri":"https://kg.example.org/program/%E","subject_text":null,"region_text":null,'
          '"agency_text":null,"program_text":null}').encode()


# The row's fields naming a linked node and the link they come from. The summaries keep a claim's links beside
# its row (as interned ids), so a field equal to what `from_links` makes of them is left out of the packed row.
LINK_FIELDS = {**{f"{name}_iri": link.value for name, (link, _) in LINKED.items()}, "metric_iri": KG.metric.value}


def from_links(links: Iterable[tuple[str, str]]) -> dict[str, str | None]:
    """The link fields as the claim's links (predicate, node IRI) give them: the least node of each."""
    least: dict[str, str] = {}
    for predicate, node in links:
        if predicate not in least or node < least[predicate]:
            least[predicate] = node
    return {name: least.get(link) for name, link in LINK_FIELDS.items()}


def pack(row: Stored, links: Iterable[tuple[str, str]] = ()) -> bytes:
    """The row as deflated JSON without its IRI (the key it is kept under) and without the link fields that
    `links` (kept beside it) give again: the node IRIs were ~40% of a packed row."""
    derived = from_links(links)
    packer = zlib.compressobj(9, zdict=_ZDICT)
    text = json.dumps({k: v for k, v in row.items() if k != "iri" and not (k in derived and derived[k] == v)},
                      ensure_ascii=False, separators=(",", ":"))
    return packer.compress(text.encode()) + packer.flush()


def unpack(iri: str, data: bytes, derived: dict[str, str | None] | None = None) -> Stored:
    """The row `pack` was given, from its bytes and `from_links` of the same links."""
    unpacker = zlib.decompressobj(zdict=_ZDICT)
    given = derived if derived is not None else dict.fromkeys(LINK_FIELDS)  # no links: fields left out were None
    return {"iri": iri, **given, **json.loads(unpacker.decompress(data) + unpacker.flush())}


def article_label(props: Props, iri: str) -> str:
    """An article's label as the graph shows it: headline, else name, else the IRI's last part."""
    return first(props, SCHEMA.headline) or first(props, SCHEMA.name) or iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


# What `from_triples` reads: the claim's properties, the evidence chain, its article's and its page's names.
READ = frozenset(p.value for p in (
    RDF.type, PROV.wasDerivedFrom, SCHEMA.value, SCHEMA.unitText, KG.qualifier, KG.metricLabel, KG.metric,
    SCHEMA.temporalCoverage, SCHEMA.startDate, SCHEMA.endDate, KG.modality, KG.change, KG.quantityText,
    *(q for pair in LINKED.values() for q in pair), OA.hasTarget, OA.hasSource, OA.hasSelector, OA.exact, OA.start,
    OA.end, SCHEMA.headline, SCHEMA.name, SCHEMA.isPartOf, SKOSXL.altLabel, SKOSXL.literalForm))
_TYPE, _ALT_LABEL, _TARGET, _SELECTOR = RDF.type.value, SKOSXL.altLabel.value, OA.hasTarget.value, OA.hasSelector.value


def gather(triples: Iterable[ox.Triple | ox.Quad], predicates: frozenset[str]) -> tuple[dict[str, Props], set[str]]:
    """The statements with these predicates by subject (subject value → predicate IRI → values, each value
    once), and which subjects are IRIs: one walk over a page's statements that both its rows (`from_props`)
    and its claim records (kg.rdf.summaries.records) read, each term's value taken from pyoxigraph once.
    Statements about or pointing at quoted triples are left out."""
    props: dict[str, Props] = {}
    named: set[str] = set()
    for t in triples:
        p = t.predicate.value
        if p not in predicates:
            continue
        s, o = t.subject, t.object
        if isinstance(s, ox.Triple) or isinstance(o, ox.Triple):
            continue
        subject = s.value
        found = props.get(subject)
        if found is None:
            found = props[subject] = {}
            if isinstance(s, ox.NamedNode):
                named.add(subject)
        values = found.get(p)
        if values is None:
            found[p] = [o]
        elif o not in values:
            values.append(o)
    return props, named


def from_triples(triples: Iterable[ox.Triple | ox.Quad]) -> dict[str, Stored]:
    """The stored rows of the claims (subjects typed kg:Claim) among one page graph's statements."""
    return from_props(gather(triples, READ)[0])


def from_props(props: dict[str, Props]) -> dict[str, Stored]:
    """`from_triples` of the statements `gather` collected (with at least the predicates in READ)."""
    written = {node: name for node, found in props.items()
               for label in found.get(_ALT_LABEL, [])
               if (name := first(props.get(label.value, {}), SKOSXL.literalForm)) is not None}
    out = {}
    for iri in sorted(s for s, found in props.items() if KG.Claim in found.get(_TYPE, [])):
        claim = props[iri]
        evidence: dict[str, Any] = {"page": None, "exact": None, "start": None, "end": None}
        for target in sorted(v.value for v in claim.get(_TARGET, [])):
            found = props.get(target, {})
            evidence["page"] = evidence["page"] or first(found, OA.hasSource)
            for selector in sorted(v.value for v in found.get(_SELECTOR, [])):
                for key, predicate in (("exact", OA.exact), ("start", OA.start), ("end", OA.end)):
                    if evidence[key] is None:
                        evidence[key] = first(props.get(selector, {}), predicate)
        source = first(claim, PROV.wasDerivedFrom)
        source_props = props.get(source or "", {})
        article = (source, article_label(source_props, source)) \
            if source and KG.Article in source_props.get(_TYPE, []) else None
        page = evidence["page"] or (first(source_props, SCHEMA.isPartOf) if article else None)
        out[iri] = make(iri, claim, evidence, article, page, first(props.get(page or "", {}), SCHEMA.name), written)
    return out
