"""Vocabulary terms as pyoxigraph nodes, so the mapping and queries share one spelling.

The ontology namespace is fixed (it names the published terms in ontology/kg.ttl);
only instance IRIs follow KG_BASE (see kg.rdf.iris).
"""

from __future__ import annotations

from pyoxigraph import NamedNode

ONTOLOGY_IRI = "https://kg.example.org/ontology"


class Namespace:
    """A namespace whose attributes are pyoxigraph NamedNodes: ``KG.Claim``."""

    def __init__(self, iri: str) -> None:
        self.iri = iri

    def __getattr__(self, name: str) -> NamedNode:
        if name.startswith("__"):
            raise AttributeError(name)
        node = NamedNode(self.iri + name)
        setattr(self, name, node)  # later lookups find the attribute without calling this again
        return node

    def __getitem__(self, name: str) -> NamedNode:
        return NamedNode(self.iri + name)


KG = Namespace(ONTOLOGY_IRI + "#")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
SKOSXL = Namespace("http://www.w3.org/2008/05/skos-xl#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
OA = Namespace("http://www.w3.org/ns/oa#")
QUDT = Namespace("http://qudt.org/schema/qudt/")
UNIT = Namespace("http://qudt.org/vocab/unit/")
CUR = Namespace("http://qudt.org/vocab/currency/")
SH = Namespace("http://www.w3.org/ns/shacl#")
VOID = Namespace("http://rdfs.org/ns/void#")
DCTERMS = Namespace("http://purl.org/dc/terms/")

PREFIXES: dict[str, str] = {
    "kg": KG.iri,
    "rdf": RDF.iri,
    "rdfs": RDFS.iri,
    "xsd": XSD.iri,
    "owl": OWL.iri,
    "skos": SKOS.iri,
    "skosxl": SKOSXL.iri,
    "prov": PROV.iri,
    "schema": SCHEMA.iri,
    "org": ORG.iri,
    "oa": OA.iri,
    "qudt": QUDT.iri,
    "unit": UNIT.iri,
    "cur": CUR.iri,
    "void": VOID.iri,
    "dcterms": DCTERMS.iri,
}

# Base units the extractor writes (Quantity.unit) that a published QUDT unit names exactly.
# Counts of people, items and visits have no QUDT unit of their own: they keep only the text.
QUDT_UNITS: dict[str, NamedNode] = {
    "元": CUR.CNY,
    "%": UNIT.PERCENT,
    "米": UNIT.M,
    "公里": UNIT.KiloM,
    "千米": UNIT.KiloM,
    "平方米": UNIT.M2,
    "平方公里": UNIT.KiloM2,
    "立方米": UNIT.M3,
    "公顷": UNIT.HA,
    "吨": UNIT.TONNE,
    "千克": UNIT.KiloGM,
    "公斤": UNIT.KiloGM,
    "千瓦": UNIT.KiloW,
    "千瓦时": UNIT["KiloW-HR"],
    "兆瓦": UNIT.MegaW,
    "天": UNIT.DAY,
    "小时": UNIT.HR,
    "分钟": UNIT.MIN,
    "年": UNIT.YR,
    "个月": UNIT.MO,
}

# Closed value sets: the string the extractor writes ↔ the ontology individual.
QUALIFIERS = {"exact": KG.Exact, "approx": KG.Approximate, "more_than": KG.MoreThan, "less_than": KG.LessThan}
MODALITIES = {"achieved": KG.Achieved, "target": KG.Target}
CHANGES = {"increase": KG.Increase, "decrease": KG.Decrease}
LEVELS = {
    "province": KG.ProvinceLevel,
    "city": KG.CityLevel,
    "county": KG.CountyLevel,
    "town": KG.TownLevel,
    "village": KG.VillageLevel,
    "zone": KG.ZoneLevel,
}
ENTITY_CLASSES = {
    "region": KG.Region,
    "agency": KG.Agency,
    "program": KG.Program,
    "organization": KG.Organization,
}


def reverse(table: dict[str, NamedNode]) -> dict[str, str]:
    """IRI string → the extractor's code, to turn query results back into rows."""
    return {node.value: code for code, node in table.items()}
