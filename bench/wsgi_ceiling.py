"""The most a WSGI server can give /sparql: a trivial app's requests/s beside oxigraph's light query.

`python -m bench.wsgi_ceiling --store DIR` serves a WSGI app that answers a
fixed 200-byte JSON body at once, first under waitress (as kg.web.serving
configures it: 48 threads) and then under granian (a Rust HTTP server on PyPI),
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

BODY = json.dumps({"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {
    "type": "uri", "value": "https://kg.example.org/region/000000"}}]}}).encode().ljust(200)


def trivial_app(environ: dict, start_response) -> list[bytes]:  # noqa: ANN001 (WSGI's callable)
    """A fixed answer, as cheap as a WSGI app gets."""
    start_response("200 OK", [("Content-Type", "application/sparql-results+json"),
                              ("Content-Length", str(len(BODY)))])
    return [BODY]


def _waitress(port: int) -> None:
    from waitress import serve

    from kg.web.app import SERVER_THREADS

    serve(trivial_app, host="127.0.0.1", port=port, threads=SERVER_THREADS, ident="kg")


@contextmanager
def trivial_server(kind: str):
    """The trivial app under `kind` (waitress or granian) on a free port: yields the port."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if kind == "waitress":
        command = [sys.executable, "-c", f"from bench.wsgi_ceiling import _waitress; _waitress({port})"]
    else:
        command = [str(Path(sys.executable).parent / "granian"), "--interface", "wsgi", "--no-ws", "--port",
                   str(port), "--blocking-threads", "48", "bench.wsgi_ceiling:trivial_app"]
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
    args = parser.parse_args(argv)
    print(f"| WSGI server, trivial app | {args.clients} clients req/s, trivial app / oxigraph light query (ratio) | "
          "load average |\n|---|---|---|")
    with servers(Path(args.store)) as (_, ox_port):
        for kind in ("waitress", "granian"):
            with trivial_server(kind) as port:
                for _ in range(args.rounds):
                    mine = throughput(port, "/", {}, args.clients, args.seconds)
                    theirs = throughput(ox_port, "/query", {"query": LIGHT, "union-default-graph": ""},
                                        args.clients, args.seconds)
                    print(f"| {kind} | {mine:.0f} / {theirs:.0f} ({mine / theirs:.2f}×) | {load_average():.1f} |",
                          flush=True)
                    time.sleep(0.5)


if __name__ == "__main__":
    main()
