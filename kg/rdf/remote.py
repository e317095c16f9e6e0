"""A remote SPARQL 1.1 endpoint as a `Store`: Protocol for queries, Update, Graph Store Protocol.

Page graphs are replaced with one Graph Store Protocol PUT (atomic on the
server), removed with DELETE and streamed out with a dataset GET. The union
default graph is asked for with Oxigraph's ``union-default-graph`` parameter
when the server is Oxigraph; Virtuoso's default graph is already the union of
all its graphs (a triple in two graphs matches twice, as in Oxigraph's union),
so it is asked nothing; any other endpoint gets every graph named as
``default-graph-uri`` (plain SPARQL 1.1 Protocol), at the cost of listing the
graphs before each query.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

import pyoxigraph as ox
import requests

from kg.rdf import iris, layout
from kg.rdf.store import QueryResult, Store, to_result

_RESULTS_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"


class RemoteError(RuntimeError):
    """The endpoint refused a request: the message names the URL and the server's answer."""


def _check(response: requests.Response) -> requests.Response:
    if response.status_code >= 400:
        raise RemoteError(f"{response.request.method} {response.url}: {response.status_code} "
                          f"{response.text[:300].strip()}")
    return response


def _refuse_malformed(response: requests.Response) -> None:
    """SPARQL 1.1 Protocol answers 400 to a malformed request: raise SyntaxError as the embedded store does."""
    if response.status_code == 400:
        raise SyntaxError(response.text[:500].strip() or "malformed SPARQL request")


class RemoteStore(Store):
    """A SPARQL 1.1 endpoint reached over HTTP."""

    def __init__(self, query_url: str, update_url: str | None = None, store_url: str | None = None,
                 timeout: float = 120.0, token: str | None = None) -> None:
        """`token` (default $KG_UPDATE_TOKEN) is sent as a bearer token, as a guarded endpoint
        such as `kg serve --update-token` asks of writers."""
        root = query_url.rstrip("/")
        if root.endswith("/query") or root.endswith("/sparql"):
            root = root.rsplit("/", 1)[0]
        else:
            query_url = root + "/query"
        self.query_url = query_url
        self._root = root
        self._update_url = update_url
        self._store_url = store_url
        self.timeout = timeout
        self.session = requests.Session()
        token = token or os.environ.get("KG_UPDATE_TOKEN")
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        self._server: str | None = None

    def _server_name(self) -> str:
        """The endpoint's Server header, lower-cased: where servers differ, they say who they are."""
        if self._server is None:
            response = _check(self.session.post(self.query_url, data={"query": "ASK {}"}, timeout=self.timeout,
                                                headers={"Accept": "application/sparql-results+json"}))
            self._server = response.headers.get("server", "").lower()
        return self._server

    def _is_oxigraph(self) -> bool:
        return self._server_name().startswith("oxigraph")

    def _is_virtuoso(self) -> bool:
        return self._server_name().startswith("virtuoso")

    @property
    def update_url(self) -> str:
        """Given, else Virtuoso's own (updates go to /sparql), else the Oxigraph-style /update."""
        if self._update_url is None:
            self._update_url = self.query_url if self._is_virtuoso() else self._root + "/update"
        return self._update_url

    @property
    def store_url(self) -> str:
        """Given, else Virtuoso's /sparql-graph-crud, else the Oxigraph-style /store."""
        if self._store_url is None:
            self._store_url = self._root + ("/sparql-graph-crud" if self._is_virtuoso() else "/store")
        return self._store_url

    def _post_query(self, sparql: str, accept: str, default_graph: list[str] | None,
                    named_graphs: list[str] | None, union: bool = True,
                    stream: bool = False) -> requests.Response:
        form: list[tuple[str, str]] = [("query", sparql)]
        if default_graph is not None:
            form += [("default-graph-uri", g) for g in default_graph]
        elif union:
            if self._is_oxigraph():
                form.append(("union-default-graph", ""))
            elif not self._is_virtuoso():
                form += [("default-graph-uri", g) for g in self.graphs()]
        form += [("named-graph-uri", g) for g in named_graphs or []]
        response = self.session.post(self.query_url, data=form, headers={"Accept": accept}, timeout=self.timeout,
                                     stream=stream)
        _refuse_malformed(response)
        return _check(response)

    @staticmethod
    def _parse(response: requests.Response) -> QueryResult:
        media = response.headers.get("content-type", "").split(";")[0].strip()
        if media == "application/sparql-results+json":
            return to_result(ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON))
        fmt = ox.RdfFormat.from_media_type(media)
        if fmt is None:
            raise RemoteError(f"{response.url}: unexpected content type {media!r}")
        return [q.triple for q in ox.parse(response.content, format=fmt)]

    def replace_graph(self, graph_iri: str, quads: Iterable[ox.Quad]) -> None:
        triples, shared = layout.split(graph_iri, quads)
        if not triples:
            self.remove_graph(graph_iri)
            return
        before = self._references(graph_iri)
        if shared:  # merged first, so the page never points at a node not yet described
            _check(self.session.post(self.store_url, params={"graph": iris.shared_graph_iri()}, timeout=self.timeout,
                                     data=ox.serialize(shared, format=ox.RdfFormat.N_TRIPLES),
                                     headers={"Content-Type": "application/n-triples"}))
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        _check(self.session.put(self.store_url, params={"graph": graph_iri}, data=body, timeout=self.timeout,
                                headers={"Content-Type": "application/n-triples"}))
        orphans = layout.drop_orphans(before - layout.references(triples))
        if orphans:
            self.update(orphans)

    def remove_graph(self, graph_iri: str) -> bool:
        before = self._references(graph_iri)
        response = self.session.delete(self.store_url, params={"graph": graph_iri}, timeout=self.timeout)
        if response.status_code == 404:
            return False
        _check(response)
        orphans = layout.drop_orphans(before)
        if orphans:
            self.update(orphans)
        return True

    def graphs(self) -> list[str]:
        # Oxigraph lists graphs from its graph index; others may answer an empty GRAPH
        # pattern with no rows (Virtuoso 7), so they get the portable triple pattern.
        pattern = "{ }" if self._is_oxigraph() else "{ ?s ?p ?o }"
        rows = self.query(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {pattern} }}", default_graph=[])
        assert isinstance(rows, list)
        return sorted(row["g"].value for row in rows if isinstance(row.get("g"), ox.NamedNode))

    def query(self, sparql: str, *, default_graph: list[str] | None = None,
              named_graphs: list[str] | None = None) -> QueryResult:
        return self._parse(self._post_query(sparql, _RESULTS_ACCEPT, default_graph, named_graphs))

    def query_raw(self, sparql: str, accept: str | None = None, *, default_graph: list[str] | None = None,
                  named_graphs: list[str] | None = None) -> tuple[str, bytes]:
        response = self.query_response(sparql, accept, default_graph=default_graph, named_graphs=named_graphs)
        return response.headers.get("content-type", "application/octet-stream"), response.content

    def query_response(self, sparql: str, accept: str | None = None, *, default_graph: list[str] | None = None,
                       named_graphs: list[str] | None = None) -> requests.Response:
        """The endpoint's answer with its body not yet read, for a caller that reads it under its own limits."""
        return self._post_query(sparql, accept or "application/sparql-results+json, text/turtle;q=0.9",
                                default_graph, named_graphs, stream=True)

    def update(self, sparql: str) -> None:
        response = self.session.post(self.update_url, data={"update": sparql}, timeout=self.timeout)
        _refuse_malformed(response)
        _check(response)

    def bulk_add(self, quads: Iterable[ox.Quad]) -> None:
        body = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
        _check(self.session.post(self.store_url, data=body, timeout=self.timeout,
                                 headers={"Content-Type": "application/n-quads"}))

    def quads(self) -> Iterator[ox.Quad]:
        response = _check(self.session.get(self.store_url, stream=True, timeout=self.timeout,
                                           headers={"Accept": "application/n-quads",
                                                    "Accept-Encoding": "identity"}))
        response.raw.decode_content = True
        try:
            yield from ox.parse(response.raw, format=ox.RdfFormat.N_QUADS)
        finally:
            response.close()

    def __len__(self) -> int:
        rows = self._parse(self._post_query(
            "SELECT (COUNT(*) AS ?n) WHERE { { GRAPH ?g { ?s ?p ?o } } UNION { ?s ?p ?o } }",
            _RESULTS_ACCEPT, None, None, union=False))
        assert isinstance(rows, list)
        return int(rows[0]["n"].value)

    def close(self) -> None:
        self.session.close()

