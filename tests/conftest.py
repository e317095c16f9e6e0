"""Shared fixtures: the real server (`python server.py`) on a free loopback port.

`live_server` serves tests/data/web/sample.trig read-only; `server_factory`
starts more servers with other stores and settings (an update token, a short
time limit). Each is a separate process killed at the end of the session.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "data" / "web" / "sample.trig"
START_TIMEOUT = 60.0


@dataclass
class LiveServer:
    url: str  # http://127.0.0.1:PORT, no trailing slash
    store: Path
    process: subprocess.Popen
    log: Path

    def get(self, path: str, **kwargs) -> requests.Response:
        return requests.get(self.url + path, timeout=kwargs.pop("timeout", 30), **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return requests.post(self.url + path, timeout=kwargs.pop("timeout", 30), **kwargs)

    def alive(self) -> bool:
        return self.process.poll() is None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_oxigraph(folder: Path) -> Iterator[str]:
    """A real `oxigraph serve` over `folder` on a free loopback port: yields its URL, stops it after."""
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    port = free_port()
    process = subprocess.Popen([binary, "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{url}/query", params={"query": "ASK {}"}, timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"oxigraph server did not start on port {port}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def load_store(folder: Path, *files: Path) -> Path:
    """A store folder holding the quads of the given RDF files (format from the extension)."""
    store = ox.Store(str(folder))
    for path in files:
        store.bulk_load(path=str(path))
    store.flush()
    del store
    return folder


def extraction_store(folder: Path, extraction: object) -> Path:
    """A store folder holding an (invented) extraction's quads, as the mapping writes them."""
    from kg.rdf.mapping import to_quads

    store = ox.Store(str(folder))
    store.bulk_extend(to_quads(extraction))  # type: ignore[arg-type]
    store.flush()
    del store
    return folder


def _wait_until_up(server: LiveServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if not server.alive():
            raise RuntimeError(f"server exited: {server.log.read_text(errors='replace')[-2000:]}")
        try:
            health = requests.get(server.url + "/healthz", timeout=2)
            # Up once its label index and summaries are rebuilt (a stale store's, started by `kg serve`), so
            # tests read them as a server that has run a while does, not the SPARQL path it takes meanwhile.
            if health.status_code == 200 and health.json().get("summaries") != "rebuilding":
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server did not answer within {START_TIMEOUT} s")


@pytest.fixture(scope="session")
def server_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., LiveServer]]:
    """start(store_folder, update_token=None, timeout=None, env=None) → a running LiveServer."""
    started: list[LiveServer] = []

    def start(store: Path, *, update_token: str | None = None, timeout: float | None = None,
              env: dict[str, str] | None = None) -> LiveServer:
        port = free_port()
        log = tmp_path_factory.mktemp("server-log") / "server.log"
        environment = {**os.environ, "KG_STORE": str(store), "PORT": str(port), "HOST": "127.0.0.1",
                       **(env or {})}
        environment.pop("KG_UPDATE_TOKEN", None)
        if update_token:
            environment["KG_UPDATE_TOKEN"] = update_token
        if timeout is not None:
            environment["KG_QUERY_TIMEOUT"] = str(timeout)
        with log.open("wb") as sink:
            process = subprocess.Popen([sys.executable, str(ROOT / "server.py")], cwd=ROOT, env=environment,
                                       stdout=sink, stderr=subprocess.STDOUT)
        server = LiveServer(f"http://127.0.0.1:{port}", store, process, log)
        started.append(server)
        _wait_until_up(server)
        return server

    yield start
    for server in started:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return load_store(tmp_path_factory.mktemp("sample") / "store", SAMPLE)


@pytest.fixture(scope="session")
def live_server(server_factory: Callable[..., LiveServer], sample_store: Path) -> LiveServer:
    """The real server over the sample graph, read-only, default settings."""
    return server_factory(sample_store)
