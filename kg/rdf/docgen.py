"""An HTML page documenting ontology/kg.ttl: classes, properties and named values in tables.

Generated from the Turtle each time, so the documentation never drifts from
the ontology it describes.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import rdflib
import rdflib.collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.rdf.vocab import PREFIXES

ONTOLOGY_PATH = Path(__file__).resolve().parents[2] / "ontology" / "kg.ttl"
SHAPES_PATH = ONTOLOGY_PATH.with_name("shapes.ttl")
_SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
_DCT = rdflib.Namespace("http://purl.org/dc/terms/")
_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:75rem;line-height:1.45;color:#222}
table{border-collapse:collapse;width:100%;margin-bottom:2rem}
th,td{border:1px solid #ccc;padding:.35rem .5rem;vertical-align:top;text-align:left}
th{background:#f3f3f3} code{font-size:.9em} .zh{color:#555}
"""


def _curie(term: rdflib.term.Node) -> str:
    text = str(term)
    for name, iri in sorted({**PREFIXES, "sh": str(_SH)}.items(), key=lambda kv: -len(kv[1])):
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


def _path(shapes: rdflib.Graph, path: rdflib.term.Node) -> str:
    inverse = shapes.value(path, _SH.inversePath)
    return f"^{_curie(inverse)}" if inverse is not None else _curie(path)


def _constraint(shapes: rdflib.Graph, prop: rdflib.term.Node) -> str:
    """One property shape in words: datatype or class, allowed values, comparisons."""
    parts = []
    for key in (_SH.datatype, _SH["class"], _SH.nodeKind):
        parts += [_curie(o) for o in shapes.objects(prop, key)]
    for listed in (_SH["in"], _SH["or"]):
        for head in shapes.objects(prop, listed):
            items = rdflib.collection.Collection(shapes, head)
            words = [_curie(i) if listed == _SH["in"] else
                     " ".join(_curie(o) for k in (_SH.datatype, _SH["class"]) for o in shapes.objects(i, k))
                     for i in items]
            parts.append(("one of " if listed == _SH["in"] else "") + " | ".join(words))
    for key, word in ((_SH.lessThan, "<"), (_SH.lessThanOrEquals, "≤"), (_SH.minInclusive, "≥")):
        parts += [f"{word} {_curie(o) if isinstance(o, rdflib.URIRef) else o}" for o in shapes.objects(prop, key)]
    return "; ".join(parts)


def _shapes_table(path: Path) -> list[str]:
    shapes = rdflib.Graph().parse(path, format="turtle")
    rows = ["<h2>Shapes (what <code>kg validate</code> checks)</h2><table><tr><th>class</th><th>property</th>"
            "<th>count</th><th>values</th></tr>"]
    for shape, target in sorted(shapes.subject_objects(_SH.targetClass)):
        for prop in sorted(shapes.objects(shape, _SH.property), key=lambda p: _path(shapes, shapes.value(p, _SH.path))):
            low, high = shapes.value(prop, _SH.minCount), shapes.value(prop, _SH.maxCount)
            count = f"{low or 0}..{high if high is not None else '*'}"
            rows.append(f"<tr><td><code>{escape(_curie(target))}</code></td>"
                        f"<td><code>{escape(_path(shapes, shapes.value(prop, _SH.path)))}</code></td>"
                        f"<td>{count}</td><td>{escape(_constraint(shapes, prop))}</td></tr>")
    rows.append("</table>")
    return rows


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
    parts.append("</table>")
    parts += _shapes_table(SHAPES_PATH)
    parts.append("</body></html>\n")
    return "\n".join(parts)


if __name__ == "__main__":
    import sys

    sys.stdout.write(ontology_html())
