"""The analyst's pages: the graph browser at `/` and the SPARQL page, plus the npm files they load.

The front end is plain ES modules in `static/` and a handful of files from
`node_modules/` (installed by `npm ci` from package-lock.json), served under
`/vendor/` by name from a fixed list, so nothing is fetched from the internet
and nothing else in node_modules is reachable.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, abort, render_template, request, send_file
from flask.typing import ResponseReturnValue

from kg.rdf import iris

bp = Blueprint(
    "ui",
    __name__,
    static_folder="static",
    static_url_path="/ui-static",
    template_folder="templates",
)

HERE = Path(__file__).resolve().parent
QUERIES = HERE / "static" / "queries"
SPARQL_ENDPOINT = "/sparql"

# Served name -> path inside node_modules: the dist files the pages load, nothing more.
VENDOR_FILES: dict[str, str] = {
    "cytoscape.min.js": "cytoscape/dist/cytoscape.min.js",
    "layout-base.js": "layout-base/layout-base.js",
    "cose-base.js": "cose-base/cose-base.js",
    "cytoscape-fcose.js": "cytoscape-fcose/cytoscape-fcose.js",
    "d3-array.min.js": "d3-array/dist/d3-array.min.js",
    "d3-geo.min.js": "d3-geo/dist/d3-geo.min.js",
    "yasgui.min.js": "@zazuko/yasgui/build/yasgui.min.js",
    "yasgui.min.css": "@zazuko/yasgui/build/yasgui.min.css",
}

# The two stylesheets YASR's column resizer writes into <style> elements (the grips, and the cursor
# while dragging). The SPARQL page's CSP admits exactly these texts by hash, nothing else inline.
YASR_STYLE_HASHES = (
    "'sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk='",
    "'sha256-c0O6TmFAkgpNbHxKAa1BrveWHHopjEtC47i0PzMudxg='",
)

EXPORTS = (
    {"href": "/export.ttl", "label": "Turtle", "title": "全部数据，Turtle 格式（.ttl）"},
    {"href": "/export.nt", "label": "N-Triples", "title": "全部数据，N-Triples 格式（.nt）"},
    {"href": "/export.trig", "label": "TriG", "title": "全部数据连同每页的命名图，TriG 格式（.trig）"},
    {"href": "/export.jsonld", "label": "JSON-LD", "title": "全部数据，JSON-LD 格式（.jsonld）"},
)


def node_modules() -> Path:
    """Where `npm ci` put the packages: $KG_NODE_MODULES, else the project root beside `kg/`."""
    configured = os.environ.get("KG_NODE_MODULES")
    if configured:
        return Path(configured)
    beside_package = HERE.parents[1] / "node_modules"
    return beside_package if beside_package.is_dir() else Path.cwd() / "node_modules"


@dataclass(frozen=True)
class ExampleQuery:
    """A SPARQL file from static/queries; its leading `#` lines give a title and a description."""

    name: str
    title: str
    description: str
    query: str


_FIELD = re.compile(r"^#\s*(title|description):\s*(.+)$")


@cache
def example_queries() -> tuple[ExampleQuery, ...]:
    examples = []
    for path in sorted(QUERIES.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        fields = {m.group(1): m.group(2).strip() for m in map(_FIELD.match, text.splitlines()) if m}
        body = "\n".join(line for line in text.splitlines() if not _FIELD.match(line)).strip() + "\n"
        examples.append(ExampleQuery(path.stem, fields.get("title", path.stem), fields.get("description", ""), body))
    return tuple(examples)


@bp.app_context_processor
def page_context() -> dict[str, object]:
    """What every UI page needs: the download links and the base of the IRIs this server mints (for the
    whole app, since /sparql, another blueprint's address, also serves the editor page)."""
    return {"exports": EXPORTS, "iri_base": iris.base()}


@bp.get("/")
def browser() -> ResponseReturnValue:
    return render_template("ui_browser.html", page="browser")


def with_style_hashes(csp: str, hashes: tuple[str, ...]) -> str:
    """The policy with `hashes` added to its style-src (or to default-src's 'self' when it has none)."""
    directives = [d.strip() for d in csp.split(";") if d.strip()]
    for i, directive in enumerate(directives):
        if directive.split()[0] == "style-src":
            directives[i] = " ".join([directive, *hashes])
            break
    else:
        directives.append(" ".join(["style-src", "'self'", *hashes]))
    return "; ".join(directives)


def browser_asks() -> bool:
    """A browser (HTML preferred to every RDF syntax) rather than an RDF client (which gets the service
    description at the same address); `*/*` alone, or no Accept header, counts as an RDF client."""
    offered = ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml", "text/html"]
    return request.accept_mimetypes.best_match(offered) == "text/html"


@bp.get("/sparql-ui")
def sparql_page() -> Response:
    from kg.web.app import CSP  # the app's policy; imported here because the app imports this module

    html = render_template("ui_sparql.html", page="sparql", examples=example_queries(), endpoint=SPARQL_ENDPOINT)
    response = Response(html, content_type="text/html; charset=utf-8")
    response.headers["Content-Security-Policy"] = with_style_hashes(CSP, YASR_STYLE_HASHES)
    return response


@bp.get("/vendor/<path:name>")
def vendor(name: str) -> ResponseReturnValue:
    relative = VENDOR_FILES.get(name)
    if relative is None:
        abort(404)
    path = node_modules() / relative
    if not path.is_file():
        abort(503, description=f"{relative} is missing from node_modules: run `npm ci` in the project root")
    return send_file(path, max_age=3600)
