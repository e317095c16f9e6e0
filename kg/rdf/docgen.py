"""An HTML page documenting ontology/kg.ttl: classes, properties and named values in tables.

Generated from the Turtle each time, so the documentation never drifts from
the ontology it describes.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.rdf.vocab import PREFIXES

ONTOLOGY_PATH = Path(__file__).resolve().parents[2] / "ontology" / "kg.ttl"
_DCT = rdflib.Namespace("http://purl.org/dc/terms/")
_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:75rem;line-height:1.45;color:#222}
table{border-collapse:collapse;width:100%;margin-bottom:2rem}
th,td{border:1px solid #ccc;padding:.35rem .5rem;vertical-align:top;text-align:left}
th{background:#f3f3f3} code{font-size:.9em} .zh{color:#555}
"""


def _curie(term: rdflib.term.Node) -> str:
    text = str(term)
    for name, iri in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(iri):
            return f"{name}:{text[len(iri):]}"
    return text


def _lang(graph: rdflib.Graph, subject: rdflib.term.Node, predicate: rdflib.URIRef, lang: str) -> str:
    for value in graph.objects(subject, predicate):
        if isinstance(value, rdflib.Literal) and value.language == lang:
            return str(value)
    return ""


def _terms(graph: rdflib.Graph, predicate: rdflib.URIRef, subject: rdflib.term.Node) -> str:
    return ", ".join(f"<code>{escape(_curie(o))}</code>" for o in sorted(graph.objects(subject, predicate)))


def _describe(graph: rdflib.Graph, subject: rdflib.term.Node) -> str:
    anchor = escape(_curie(subject).split(":", 1)[-1])
    return (f'<td id="{anchor}"><code>{escape(_curie(subject))}</code></td>'
            f"<td>{escape(_lang(graph, subject, RDFS.label, 'en'))}<br>"
            f"<span class=zh>{escape(_lang(graph, subject, RDFS.label, 'zh'))}</span></td>"
            f"<td>{escape(_lang(graph, subject, RDFS.comment, 'en'))}<br>"
            f"<span class=zh>{escape(_lang(graph, subject, RDFS.comment, 'zh'))}</span></td>")


def ontology_html(path: Path = ONTOLOGY_PATH) -> str:
    """The whole documentation page as one HTML string."""
    graph = rdflib.Graph().parse(path, format="turtle")
    ontology = next(graph.subjects(RDF.type, OWL.Ontology))
    title = _lang(graph, ontology, _DCT.title, "en")
    parts = [f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(title)}</title>"
             f"<style>{_STYLE}</style></head><body>",
             f"<h1>{escape(title)}<br><span class=zh>{escape(_lang(graph, ontology, _DCT.title, 'zh'))}</span></h1>",
             f"<p><code>{escape(str(ontology))}</code> · version {escape(str(graph.value(ontology, OWL.versionInfo)))}"
             "</p>",
             f"<p>{escape(_lang(graph, ontology, _DCT.description, 'en'))}</p>",
             f"<p class=zh>{escape(_lang(graph, ontology, _DCT.description, 'zh'))}</p>",
             "<h2>Prefixes</h2><table><tr><th>prefix</th><th>namespace</th></tr>"]
    parts += [f"<tr><td><code>{escape(p)}:</code></td><td><code>{escape(i)}</code></td></tr>"
              for p, i in PREFIXES.items()]
    parts.append("</table><h2>Classes</h2><table><tr><th>class</th><th>label</th><th>comment</th>"
                 "<th>subclass of</th></tr>")
    for cls in sorted(graph.subjects(RDF.type, OWL.Class)):
        parts.append(f"<tr>{_describe(graph, cls)}<td>{_terms(graph, RDFS.subClassOf, cls)}</td></tr>")
    parts.append("</table><h2>Properties</h2><table><tr><th>property</th><th>label</th><th>comment</th>"
                 "<th>kind</th><th>domain</th><th>range</th><th>aligned with</th></tr>")
    props = set(graph.subjects(RDF.type, OWL.ObjectProperty)) | set(graph.subjects(RDF.type, OWL.DatatypeProperty))
    for prop in sorted(props):
        kind = "object" if (prop, RDF.type, OWL.ObjectProperty) in graph else "datatype"
        aligned = ", ".join(x for x in (_terms(graph, RDFS.subPropertyOf, prop), _terms(graph, RDFS.seeAlso, prop))
                            if x)
        parts.append(f"<tr>{_describe(graph, prop)}<td>{kind}</td><td>{_terms(graph, RDFS.domain, prop)}</td>"
                     f"<td>{_terms(graph, RDFS.range, prop)}</td><td>{aligned}</td></tr>")
    parts.append("</table><h2>Named values</h2><table><tr><th>value</th><th>label</th><th>comment</th>"
                 "<th>type</th><th>code</th></tr>")
    classes = set(graph.subjects(RDF.type, OWL.Class))
    individuals = {s for c in classes for s in graph.subjects(RDF.type, c)}
    for ind in sorted(individuals):
        code = graph.value(ind, SKOS.notation)
        parts.append(f"<tr>{_describe(graph, ind)}<td>{_terms(graph, RDF.type, ind)}</td>"
                     f"<td><code>{escape(str(code or ''))}</code></td></tr>")
    parts.append("</table></body></html>\n")
    return "\n".join(parts)


if __name__ == "__main__":
    import sys

    sys.stdout.write(ontology_html())
