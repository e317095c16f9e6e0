"""Linked-data pages, article text, exports and HTML safety, on the live server."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pyoxigraph as ox
import pytest
from conftest import LiveServer
from rdflib import Graph, URIRef

B = "https://kg.example.org/"
SUXIAN_PATH = "/region/431003"
ARTICLE_ID = "001_sample.txt/0-96"
CLAIM_PATH = "/claim/001_sample.txt/49-54"


class _Tags(HTMLParser):
    """Collects the tags and attributes a browser would build from the page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def test_entity_page_for_browser(live_server: LiveServer) -> None:
    response = live_server.get(SUXIAN_PATH, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "<h1>苏仙区</h1>" in html and "431003" in html
    assert "城镇新增就业3280人" in html  # a claim with its evidence
    assert f'href="/articles/{ARTICLE_ID}#claim-' in html  # link to the evidence in the article text
    assert 'href="/region/431000"' in html  # parent, linked on this server


@pytest.mark.parametrize(("media", "fmt"), [
    ("text/turtle", ox.RdfFormat.TURTLE), ("application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES), ("application/rdf+xml", ox.RdfFormat.RDF_XML),
])
def test_entity_as_rdf_by_content_negotiation(live_server: LiveServer, media: str, fmt: ox.RdfFormat) -> None:
    response = live_server.get(SUXIAN_PATH, headers={"Accept": media})
    assert response.status_code == 200 and response.headers["content-type"].startswith(media)
    assert response.headers["Vary"] == "Accept"
    triples = list(ox.parse(response.content, format=fmt))
    subjects = {t.subject.value for t in triples}
    assert subjects == {B + "region/431003"}
    labels = {t.object.value for t in triples if t.predicate.value.endswith("prefLabel")}
    assert labels == {"苏仙区"}


def test_claim_describes_its_evidence(live_server: LiveServer) -> None:
    response = live_server.get(CLAIM_PATH, headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.text, format="turtle")
    exact = {str(o) for o in graph.objects(None, URIRef("http://www.w3.org/ns/oa#exact"))}
    assert exact == {"城镇新增就业3280人"}
    html = live_server.get(CLAIM_PATH).text
    assert "3280" in html and f"/articles/{ARTICLE_ID}" in html


def test_unknown_iri_is_404(live_server: LiveServer) -> None:
    response = live_server.get("/region/000000")
    assert response.status_code == 404 and "error" in response.json()


def test_article_text_with_evidence_highlighted_and_escaped(live_server: LiveServer) -> None:
    response = live_server.get(f"/articles/{ARTICLE_ID}")
    assert response.status_code == 200
    html = response.text
    marks = re.findall(r"<mark [^>]*><a [^>]*>(.*?)</a></mark>", html)
    assert marks == ["城镇新增就业3280人", "发放劳务报酬1200万元"]
    # The page text and headline carry markup; it must arrive as text, never as elements.
    assert "&lt;script&gt;alert(&#34;body&#34;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html
    own = '<script type="module" src="/ui-static/js/article.js"></script>'  # the page's own: marks the followed claim
    assert html.count(own) == 1
    tags = _tags(html.replace(own, ""))
    assert not [t for t, _ in tags if t in ("script", "img", "b")]
    assert not [a for _, a in tags if any(k.startswith("on") for k in a)]


def test_html_pages_carry_security_headers(live_server: LiveServer) -> None:
    for path in (SUXIAN_PATH, f"/articles/{ARTICLE_ID}", "/api/graph/conflicts"):
        response = live_server.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_api_answers_keep_page_text_inert(live_server: LiveServer) -> None:
    response = live_server.get("/api/graph/node", params={"iri": B + "region/431003"})
    assert response.headers["content-type"].startswith("application/json")
    articles = {c["article"] for c in response.json()["claims"]}
    assert '<img src=x onerror="alert(1)">苏仙区就业稳中有进' in articles  # data, served as JSON, not HTML


def test_exports_stream_every_format(live_server: LiveServer) -> None:
    ttl = live_server.get("/export.ttl")
    assert ttl.headers["content-type"].startswith("text/turtle") and ttl.headers.get("Transfer-Encoding") == "chunked"
    graph = Graph().parse(data=ttl.text, format="turtle")
    nt = live_server.get("/export.nt")
    assert len(Graph().parse(data=nt.text, format="nt")) == len(graph)
    trig = live_server.get("/export.trig")
    quads = list(ox.parse(trig.content, format=ox.RdfFormat.TRIG))
    assert len(quads) == live_server.get("/healthz").json()["quads"]
    jsonld = live_server.get("/export.jsonld")
    doc = json.loads(jsonld.content)
    assert {g["@id"] for g in doc["@graph"]} == {B + "graph/001_sample.txt", B + "graph/002_sample.txt"}
    assert live_server.get("/export.xyz").status_code == 404


def test_openapi_file_is_served(live_server: LiveServer) -> None:
    response = live_server.get("/openapi.yaml")
    assert response.status_code == 200 and "openapi: 3.0.3" in response.text


def test_every_minted_iri_dereferences(live_server: LiveServer) -> None:
    """Every IRI under the base in the sample (subjects, objects, graph names) answers HTML and Turtle."""
    quads = ox.parse(live_server.get("/export.trig").content, format=ox.RdfFormat.TRIG)
    minted = {
        term.value
        for quad in quads
        for term in (quad.subject, quad.object, quad.graph_name)
        if isinstance(term, ox.NamedNode) and term.value.startswith(B) and "#" not in term.value
    }
    assert len(minted) >= 17  # regions, agency, program, metric, pages, graphs, articles, claims
    for iri in sorted(minted):
        path = "/" + iri[len(B):]
        html = live_server.get(path, headers={"Accept": "text/html"})
        assert html.status_code == 200, iri
        turtle = live_server.get(path, headers={"Accept": "text/turtle"})
        assert turtle.status_code == 200 and len(Graph().parse(data=turtle.text, format="turtle")) > 0, iri
