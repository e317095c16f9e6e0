"""Read the store back into the flat rows the CLI, the web layer and the scorer use.

Everything here is SPARQL over the store, so the rows show what the graph
holds, not what the extractor produced. A shared node's name in a page's rows
is the one that page gives it (its SKOS-XL label in the page graph, written
where it differs from the node's one preferred label), else the preferred label. Row keys are the CLI contract
(issue 2); unknown values are None.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pyoxigraph as ox

from kg.rdf.store import Store
from kg.rdf.vocab import CHANGES, ENTITY_CLASSES, MODALITIES, PREFIXES, QUALIFIERS, reverse

CLAIM_KEYS = ("doc", "article", "evidence", "start", "end", "value", "unit", "qualifier", "subject", "region",
              "agency", "program", "metric", "period", "modality", "change", "iri")
ARTICLE_KEYS = ("doc", "headline", "start", "end", "iri")
ENTITY_KEYS = ("doc", "type", "label", "iri")

_PROLOGUE = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())
_CODES = {**reverse(QUALIFIERS), **reverse(MODALITIES), **reverse(CHANGES)}
_TYPES = reverse(ENTITY_CLASSES)

_CLAIMS = _PROLOGUE + """
SELECT ?claim ?doc ?headline ?pos ?exact ?start ?end ?value ?unit ?qualifier ?subject ?region ?agency
       ?program ?metric ?period ?modality ?change
WHERE {
  GRAPH ?g {
    ?claim a kg:Claim ; schema:value ?value ; schema:unitText ?unit .
    ?claim oa:hasTarget ?target .
    ?target oa:hasSource ?page ; oa:hasSelector ?quote , ?position .
    ?page schema:name ?doc .
    ?quote a oa:TextQuoteSelector ; oa:exact ?exact .
    ?position a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
    %(filter)s
    OPTIONAL { ?claim prov:wasDerivedFrom ?art . ?art a kg:Article ; schema:headline ?headline ;
               schema:position ?pos }
    OPTIONAL { ?claim kg:qualifier ?qualifier }
    OPTIONAL { ?claim kg:modality ?modality }
    OPTIONAL { ?claim kg:change ?change }
    OPTIONAL { ?claim schema:temporalCoverage ?period }
    OPTIONAL { ?claim kg:metricLabel ?metricText }
    OPTIONAL { ?claim kg:subjectLabel ?subjectText }
    OPTIONAL { ?claim kg:regionLabel ?regionText }
    OPTIONAL { ?claim kg:agencyLabel ?agencyText }
    OPTIONAL { ?claim kg:programLabel ?programText }
    # The name the claim's page gives a linked node, where it is not the node's preferred label.
    OPTIONAL { ?claim schema:about/skosxl:altLabel/skosxl:literalForm ?aboutPage }
    OPTIONAL { ?claim kg:region/skosxl:altLabel/skosxl:literalForm ?regionPage }
    OPTIONAL { ?claim kg:agency/skosxl:altLabel/skosxl:literalForm ?agencyPage }
    OPTIONAL { ?claim kg:program/skosxl:altLabel/skosxl:literalForm ?programPage }
  }
  # Names of the linked shared nodes come from the shared graph, through the union default graph.
  OPTIONAL { ?claim kg:metric/skos:prefLabel ?metricKey }
  OPTIONAL { ?claim schema:about/skos:prefLabel ?aboutLabel }
  OPTIONAL { ?claim kg:region/skos:prefLabel ?regionNode }
  OPTIONAL { ?claim kg:agency/skos:prefLabel ?agencyNode }
  OPTIONAL { ?claim kg:program/skos:prefLabel ?programNode }
  BIND(COALESCE(?metricText, ?metricKey) AS ?metric)
  BIND(COALESCE(?subjectText, ?aboutPage, ?aboutLabel) AS ?subject)
  BIND(COALESCE(?regionText, ?regionPage, ?regionNode) AS ?region)
  BIND(COALESCE(?agencyText, ?agencyPage, ?agencyNode) AS ?agency)
  BIND(COALESCE(?programText, ?programPage, ?programNode) AS ?program)
}
ORDER BY ?doc ?pos ?start ?end ?claim
"""

_ARTICLES = _PROLOGUE + """
SELECT ?article ?doc ?headline ?start ?end ?pos WHERE {
  GRAPH ?g {
    ?article a kg:Article ; schema:headline ?headline ; schema:position ?pos ;
             kg:startOffset ?start ; kg:endOffset ?end ; schema:isPartOf ?page .
    ?page schema:name ?doc .
    %(filter)s
  }
}
ORDER BY ?doc ?pos ?start ?article
"""

_ENTITIES = _PROLOGUE + """
SELECT ?entity ?doc ?class ?label WHERE {
  GRAPH ?g {
    ?page a kg:NewspaperPage ; schema:name ?doc ; schema:mentions ?entity .
    %(filter)s
    OPTIONAL { ?entity skosxl:altLabel/skosxl:literalForm ?written }
  }
  ?entity a ?class ; skos:prefLabel ?preferred .
  VALUES ?class { kg:Region kg:Agency kg:Program kg:Organization }
  BIND(COALESCE(?written, ?preferred) AS ?label)
}
ORDER BY ?doc ?class ?label ?entity
"""

_CONFLICTS = _PROLOGUE + """
SELECT ?claim ?doc ?about ?metric ?period ?modality ?unit ?value ?published WHERE {
  {
    SELECT ?about ?metric ?period ?modality ?unit WHERE {
      GRAPH ?g0 {
        ?c a kg:Claim ; schema:about ?about ; kg:metric ?metric ; kg:modality ?modality ;
           schema:unitText ?unit ; schema:value ?v .
        OPTIONAL { ?c schema:temporalCoverage ?pt } OPTIONAL { ?c schema:startDate ?ps }
        OPTIONAL { ?c schema:endDate ?pe }
        BIND(COALESCE(CONCAT(STR(?ps), "/", STR(?pe)), STR(?pe), STR(?pt), "") AS ?period)
      }
    }
    GROUP BY ?about ?metric ?period ?modality ?unit
    HAVING (COUNT(DISTINCT ?v) > 1)
  }
  GRAPH ?g {
    ?claim a kg:Claim ; schema:about ?about ; kg:metric ?metric ; kg:modality ?modality ;
           schema:unitText ?unit ; schema:value ?value .
    OPTIONAL { ?claim schema:temporalCoverage ?qt } OPTIONAL { ?claim schema:startDate ?qs }
    OPTIONAL { ?claim schema:endDate ?qe }
    BIND(COALESCE(CONCAT(STR(?qs), "/", STR(?qe)), STR(?qe), STR(?qt), "") AS ?period)
    ?claim oa:hasTarget/oa:hasSource ?page .
    ?page schema:name ?doc .
    OPTIONAL { ?claim prov:wasDerivedFrom/schema:datePublished ?published }
  }
}
ORDER BY ?about ?metric ?period ?doc ?claim
"""


def _doc_filter(doc: str | None) -> str:
    return f"FILTER(?doc = {ox.Literal(doc)})" if doc is not None else ""


def _py(term: ox.NamedNode | ox.Literal | ox.BlankNode | None) -> str | int | float | None:
    """A result term as a plain JSON value: numbers as numbers, closed sets as their codes."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype.endswith(("#integer", "#nonNegativeInteger", "#int", "#long")):
            return int(term.value)
        if datatype.endswith("#decimal"):
            number = Decimal(term.value)
            return int(number) if number == number.to_integral_value() else float(number)
        if datatype.endswith(("#double", "#float")):
            return float(term.value)
        return term.value
    return _CODES.get(term.value, term.value)


def _select(store: Store, sparql: str) -> list[dict]:
    rows = store.query(sparql)
    if not isinstance(rows, list):
        raise TypeError("expected SELECT results")
    return rows


def claim_rows(store: Store, doc: str | None = None) -> list[dict]:
    """One row per claim (keys CLAIM_KEYS), in document then reading order."""
    out: dict[str, dict] = {}
    for row in _select(store, _CLAIMS % {"filter": _doc_filter(doc)}):
        iri = row["claim"].value
        if iri in out:
            continue
        out[iri] = {
            "doc": _py(row["doc"]), "article": _py(row["headline"]), "evidence": _py(row["exact"]),
            "start": _py(row["start"]), "end": _py(row["end"]), "value": _py(row["value"]),
            "unit": _py(row["unit"]), "qualifier": _py(row["qualifier"]), "subject": _py(row["subject"]),
            "region": _py(row["region"]), "agency": _py(row["agency"]), "program": _py(row["program"]),
            "metric": _py(row["metric"]), "period": _py(row["period"]), "modality": _py(row["modality"]),
            "change": _py(row["change"]), "iri": iri,
        }
    return list(out.values())


def article_rows(store: Store, doc: str | None = None) -> list[dict]:
    """One row per article (keys ARTICLE_KEYS), in document then reading order."""
    out: dict[str, dict] = {}
    for row in _select(store, _ARTICLES % {"filter": _doc_filter(doc)}):
        iri = row["article"].value
        out.setdefault(iri, {"doc": _py(row["doc"]), "headline": _py(row["headline"]),
                             "start": _py(row["start"]), "end": _py(row["end"]), "iri": iri})
    return list(out.values())


def entity_rows(store: Store, doc: str | None = None) -> list[dict]:
    """One row per entity per document that mentions it (keys ENTITY_KEYS)."""
    out: dict[tuple[str, str], dict] = {}
    for row in _select(store, _ENTITIES % {"filter": _doc_filter(doc)}):
        key = (row["doc"].value, row["entity"].value)
        out.setdefault(key, {"doc": key[0], "type": _TYPES[row["class"].value], "label": _py(row["label"]),
                             "iri": key[1]})
    return list(out.values())


def conflicts(store: Store) -> list[dict]:
    """Claims that disagree on one subject, metric, period, modality and unit, kept side by side.

    Nothing is overwritten: every conflicting claim is returned with a rank in
    the way Wikidata ranks statements. The claim from the single latest
    publication date is ``preferred``; the rest, or all of them when dates do
    not decide, are ``normal``.
    """
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in _select(store, _CONFLICTS):
        key = (row["about"].value, row["metric"].value, row["period"].value, row["modality"].value,
               row["unit"].value)
        claim = row["claim"].value
        if any(existing["claim"] == claim for existing in groups[key]):
            continue
        groups[key].append({
            "subject": key[0], "metric": key[1], "period": key[2] or None, "modality": _CODES[key[3]],
            "unit": key[4], "claim": claim, "doc": _py(row["doc"]), "value": _py(row["value"]),
            "published": _py(row["published"]), "rank": "normal",
        })
    out: list[dict] = []
    for members in groups.values():
        dates = sorted((m["published"] for m in members if m["published"]), reverse=True)
        if dates and (len(dates) == 1 or dates[0] != dates[1]):
            for m in members:
                if m["published"] == dates[0]:
                    m["rank"] = "preferred"
        for m in members:
            m["values"] = len({m2["value"] for m2 in members})
        out.extend(members)
    return out
