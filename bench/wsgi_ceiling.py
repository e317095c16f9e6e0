"""The most a WSGI server can give /sparql: a trivial app's requests/s beside oxigraph's light query.

`python -m bench.wsgi_ceiling --store DIR` serves a WSGI app that answers a
fixed 200-byte JSON body at once, first under waitress (as kg.web.serving
configures it: 48 threads, or --threads) and then under granian (a Rust HTTP server on PyPI),
and measures 16 keep-alive clients on each, in turn with `oxigraph
serve-read-only` answering bench.user_runs.LIGHT on the same store. No query,
no worker, no Flask: what is left is the server's own cost per request, a
ceiling on what kg serve can reach on it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from bench import ROOT, load_average
from bench.load import stop_process
from bench.user_runs import LIGHT, _wait, free_port, servers, throughput
from kg.web.app import SERVER_THREADS

BODY = json.dumps({"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {
    "type": "uri", "value": "https://kg.example.org/region/000000"}}]}}).encode().ljust(200)


def trivial_app(environ: dict, start_response) -> list[bytes]:  # noqa: ANN001 (WSGI's callable)
    """A fixed answer, as cheap as a WSGI app gets."""
    start_response("200 OK", [("Content-Type", "application/sparql-results+json"),
                              ("Content-Length", str(len(BODY)))])
    return [BODY]


def _waitress(port: int, threads: int) -> None:
    from waitress import serve

    serve(trivial_app, host="127.0.0.1", port=port, threads=threads, ident="kg")


@contextmanager
def trivial_server(kind: str, threads: int):
    """The trivial app under `kind` (waitress or granian) with `threads` threads on a free port: yields the port."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if kind == "waitress":
        command = [sys.executable, "-c", f"from bench.wsgi_ceiling import _waitress; _waitress({port}, {threads})"]
    else:
        command = [str(Path(sys.executable).parent / "granian"), "--interface", "wsgi", "--no-ws", "--port",
                   str(port), "--blocking-threads", str(threads), "bench.wsgi_ceiling:trivial_app"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(port, "/", process, {})
        yield port
    finally:
        stop_process(process)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.wsgi_ceiling", description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", required=True, help="store folder for oxigraph serve-read-only")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, nargs="+", default=[SERVER_THREADS],
                        help="server threads to try (kg.web.serving runs waitress with 48)")
    args = parser.parse_args(argv)
    print(f"| WSGI server, trivial app | {args.clients} clients req/s, trivial app / oxigraph light query (ratio) | "
          "load average |\n|---|---|---|")
    with servers(Path(args.store)) as (_, ox_port):
        for kind, threads in ((kind, threads) for kind in ("waitress", "granian") for threads in args.threads):
            with trivial_server(kind, threads) as port:
                for _ in range(args.rounds):
                    mine = throughput(port, "/", {}, args.clients, args.seconds)
                    theirs = throughput(ox_port, "/query", {"query": LIGHT, "union-default-graph": ""},
                                        args.clients, args.seconds)
                    print(f"| {kind}, {threads} threads | {mine:.0f} / {theirs:.0f} ({mine / theirs:.2f}×) | "
                          f"{load_average():.1f} |", flush=True)
                    time.sleep(0.5)


if __name__ == "__main__":
    main()
