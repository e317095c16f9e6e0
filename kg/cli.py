"""The `kg` command: ingest pages, read claims back, export, query, validate, serve.

Every command reads or writes the store named by --store (a folder for the
embedded Oxigraph store, or an http(s) URL of a SPARQL 1.1 endpoint); the
default is $KG_STORE or data/store. Bad input ends with exit code 2 and one
line naming the file and the problem.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from functools import wraps
from pathlib import Path
from typing import Any

import click

from kg.model import InputError
from kg.rdf.remote import RemoteError
from kg.rdf.store import SEGMENT_QUADS

DEFAULT_STORE = "data/store"
ROW_FORMATS = ("jsonl", "csv")
EXPORT_FORMATS = ("turtle", "ntriples", "nquads", "trig", "jsonld")


def _default_store() -> str:
    return os.environ.get("KG_STORE", DEFAULT_STORE)


store_option = click.option(
    "--store",
    default=_default_store,
    show_default="$KG_STORE or data/store",
    help="Store folder (embedded Oxigraph) or http(s):// URL of a SPARQL 1.1 endpoint.",
)


def _fail(message: str) -> None:
    click.echo(f"kg: {message}", err=True)
    sys.exit(2)


def reports_bad_input(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn InputError and unusable stores into one line on stderr and exit code 2."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except InputError as error:
            _fail(str(error))
        except RemoteError as error:
            _fail(str(error))
        except OSError as error:
            location = kwargs.get("store") or getattr(error, "filename", None) or "store"
            _fail(f"{location}: {error.strerror or error}")

    return wrapper


def check_store(location: str, *, create: bool) -> None:
    """Refuse (exit 2, one line) a folder that is not a store: an existing one holding other files is
    never written into, and a missing or empty one is created only by a command that writes (`create`)."""
    if location.startswith(("http://", "https://")):
        return
    from kg.rdf.store import is_store_folder

    path = Path(location)
    if is_store_folder(path):
        return
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        _fail(f"{location}: exists and is not a kg store; name a new folder or an existing store")
    if not create:
        _fail(f"{location}: no store here; create one with `kg ingest PAGES --store {location}`")


def _open(location: str, *, create: bool = False):
    from kg.rdf.store import open_store

    check_store(location, create=create)
    return open_store(location)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kg")
def main() -> None:
    """A knowledge graph of quantitative policy claims in Chinese local news.

    Typical use: `kg ingest seeds/`, then `kg claims --format jsonl` or
    `kg serve` and open http://127.0.0.1:8000.
    """


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@store_option
@click.option("--jobs", "-j", default=1, show_default=True, help="Extract in N processes; one writer loads.")
@click.option("--page-timeout", default=600.0, show_default=True, type=click.FloatRange(min=1),
              help="Seconds one page may take to extract before it is stopped and refused.")
@click.option("--segment-quads", default=SEGMENT_QUADS, show_default=True, type=click.IntRange(min=1),
              help="Quads per bulk load: fewer lose less to a crash and hold less memory (~1.1 kB a "
                   "quad), more make a smaller store.")
@click.option("--compact", "then_compact", is_flag=True, help="Run `kg compact` on the store afterwards.")
@reports_bad_input
def ingest(paths: tuple[str, ...], store: str, jobs: int, page_timeout: float, segment_quads: int,
           then_compact: bool) -> None:
    """Read newspaper pages (.txt files or folders of them) into the store.

    Each page is one named graph: re-ingesting a page replaces it whole, so
    running the same ingest twice changes nothing. New pages stream into the
    store's bulk loader, one load per --segment-quads; the store is only
    flushed at the end (RocksDB's own compaction would rewrite it larger),
    and --compact rewrites it in one load. A page that cannot be read,
    or takes longer than --page-timeout, is refused with its reason and the
    others go on; the exit code is 2 when any page was refused.
    """
    from tqdm import tqdm

    from kg.ingest import map_pages
    from kg.pipeline import iter_sources

    sources = [str(p) for p in iter_sources(paths)]
    if then_compact:
        check_compactable(store)
    target = _open(store, create=True)
    counts = {"read": 0, "claims": 0, "triples": 0}
    refused: list[tuple[str, str]] = []
    progress = tqdm(total=len(sources), unit="page", disable=None, file=sys.stderr)

    def mapped() -> Iterator:
        for page in map_pages(sources, jobs, page_timeout):
            progress.update()
            if page.nquads is None or page.graph is None:
                refused.append((page.path, page.problem or "unreadable"))
                click.echo(f"kg: {page.path}: {page.problem}", err=True)
                continue
            counts["read"] += 1
            counts["claims"] += page.claims
            counts["triples"] += page.count
            progress.set_postfix(claims=counts["claims"], refresh=False)
            yield page

    target.add_pages(mapped(), segment_quads)
    progress.close()
    target.close()
    click.echo(f"ingested {counts['read']} page(s), {counts['claims']} claims, {counts['triples']} triples; "
               f"refused {len(refused)}", err=True)
    if then_compact:
        _compact(store)
    if refused:
        sys.exit(2)


def check_compactable(location: str) -> None:
    """Refuse (exit 2) a location `kg compact` cannot rewrite: a remote endpoint compacts its own store."""
    if location.startswith(("http://", "https://")):
        _fail(f"{location}: compact rewrites a store folder; a SPARQL endpoint compacts its own store")


def _compact(location: str) -> None:
    from kg.rdf.compact import compact as run_compact

    report = run_compact(Path(location))
    click.echo(f"compacted {location}: {report.quads} quads, {report.bytes_before / 1e6:,.1f} MB → "
               f"{report.bytes_after / 1e6:,.1f} MB", err=True)


@main.command()
@store_option
@reports_bad_input
def compact(store: str) -> None:
    """Rewrite the store in one bulk load, so it takes the least disk.

    The quads are copied into a fresh folder beside the store with one bulk
    load (RocksDB then holds them compressed, which several loads or its own
    compaction do not), the label index and summaries are carried over, and
    the new folder replaces the old in one rename, so a reader never sees a
    half store. On any failure the old store stays as it was. It needs the
    store to itself (stop `kg serve` first) and free disk for a second copy.
    """
    check_compactable(store)
    check_store(store, create=False)
    _compact(store)


@main.command()
@click.argument("doc")
@store_option
@reports_bad_input
def remove(doc: str, store: str) -> None:
    """Delete one page (by its file name) and everything read from it."""
    from kg.rdf.iris import graph_iri

    target = _open(store)
    found = target.remove_graph(graph_iri(Path(doc).name))
    target.close()
    if not found:
        _fail(f"{doc}: no such page in {store}")


def _write_rows(rows: Iterable[dict[str, Any]], fmt: str) -> None:
    out = sys.stdout
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    writer: csv.DictWriter | None = None
    for row in rows:
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(row))
            writer.writeheader()
        writer.writerow(row)


def _rows_command(name: str, reader: str, doc: str) -> None:
    @main.command(name=name, help=doc)
    @store_option
    @click.option("--format", "fmt", type=click.Choice(ROW_FORMATS), default="jsonl", show_default=True)
    @reports_bad_input
    def command(store: str, fmt: str) -> None:
        from kg.rdf import queries

        target = _open(store)
        _write_rows(getattr(queries, reader)(target), fmt)
        target.close()


_rows_command("claims", "claim_rows", "Every claim in the store, read back with SPARQL, one per line.")
_rows_command("articles", "article_rows", "Every article: doc, headline, start, end, iri.")
_rows_command("entities", "entity_rows", "Every region, agency and program, once per page it appears in.")


@main.command()
@store_option
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="turtle", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="File to write (default stdout).")
@reports_bad_input
def export(store: str, fmt: str, output: str | None) -> None:
    """Write the whole graph: Turtle by default; TriG and N-Quads keep the page graphs."""
    target = _open(store)
    if output:
        with open(output, "wb") as stream:
            target.export(fmt, stream)
    else:
        target.export(fmt, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    target.close()


@main.command()
@click.argument("sparql")
@store_option
@click.option("--format", "fmt", type=click.Choice(("table", "json", "csv")), default="table", show_default=True)
@reports_bad_input
def query(sparql: str, store: str, fmt: str) -> None:
    """Run a SPARQL query (a string, or @FILE) and print its results."""
    if sparql.startswith("@"):
        sparql = Path(sparql[1:]).read_text(encoding="utf-8")
    target = _open(store)
    accept = {"json": "application/sparql-results+json", "csv": "text/csv", "table": "text/tab-separated-values"}
    try:
        content_type, body = target.query_raw(sparql, accept[fmt])
    except SyntaxError as error:
        _fail(f"query: {error}")
    finally:
        target.close()
    if fmt == "table" and content_type.startswith("text/tab-separated-values"):
        _print_table(body.decode("utf-8"))
    else:
        sys.stdout.buffer.write(body)


def _print_table(tsv: str) -> None:
    rows = [line.split("\t") for line in tsv.splitlines()]
    if not rows:
        return
    widths = [max(len(r[i]) if i < len(r) else 0 for r in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)).rstrip())
        if n == 0:
            click.echo("  ".join("-" * w for w in widths))


@main.command()
@store_option
@reports_bad_input
def validate(store: str) -> None:
    """Check the store against the SHACL shapes in ontology/shapes.ttl (exit 1 on violations)."""
    from kg.rdf.validate import validate as run_validation

    target = _open(store)
    conforms, report, violations = run_validation(target)
    target.close()
    click.echo(report if not conforms else "conforms: 0 violations")
    if not conforms:
        click.echo(f"{violations} violation(s)", err=True)
        sys.exit(1)


@main.command()
@store_option
@reports_bad_input
def migrate(store: str) -> None:
    """Rewrite a store written in an older layout into the current one, in place.

    Each page graph is rewritten in one transaction (shared nodes move to the
    shared graph, evidence loses what the article text already holds, each
    claim becomes the annotation of the run of the page it is read from), each
    shared node named several ways keeps one preferred label (the name its key
    carries; the others become alternative labels, and each page's own name an
    SKOS-XL label in the page's graph, found in the page's text), the
    label-search index and the claim summaries (kg.rdf.summaries) are
    rebuilt, and the store is compacted. Running it again changes nothing
    but rebuilding them, which is how a store from before the summaries gets
    them (else a server counts them in the background). Claim IRIs are kept as found: a
    page whose claims an older IRI key merged (same evidence run, value and
    unit) is split by ingesting the page again, which replaces its graph.
    """
    from kg.rdf.layout import migrate as run_migration
    from kg.rdf.store import EmbeddedStore

    target = _open(store)
    report = run_migration(target)
    if isinstance(target, EmbeddedStore):
        target.rebuild_labels()
        target.rebuild_summaries()
    target.optimize()
    target.close()
    click.echo(f"migrated {report.graphs} page graph(s), {report.renamed} shared node(s) given one preferred label: "
               f"{report.quads_before} quads before, {report.quads_after} after", err=True)


@main.command()
@store_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=lambda: int(os.environ.get("PORT", "8000")), show_default="$PORT or 8000", type=int)
@click.option("--update-token", envvar="KG_UPDATE_TOKEN", help="Allow SPARQL updates carrying this bearer token.")
@click.option("--timeout", default=10.0, show_default=True, help="Time limit of one query, in seconds.")
@reports_bad_input
def serve(store: str, host: str, port: int, update_token: str | None, timeout: float) -> None:
    """Serve the SPARQL endpoint, graph API and browser with a production WSGI server."""
    from kg.web.serving import serve as run_server

    check_store(store, create=False)
    run_server(store, host=host, port=port, update_token=update_token, query_timeout=timeout)


if __name__ == "__main__":
    main()
