"""bench.user_runs goes on past a call that never answers, and logs each figure as it is measured."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

from bench import user_runs
from bench.user_runs import Call, Log

SLOW = 2.0  # seconds the fake server takes on its slow paths; the client waits far less


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        url = urlparse(self.path)
        path = url.path
        if path.startswith("/slow") or "slow" in url.query:
            time.sleep(SLOW)
        body = json.dumps({"groups": [], "path": path, "results": {"bindings": [{}]}}).encode()
        self.send_response(404 if path == "/missing" else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the client gave up on a slow answer: writing it fails, as it would on a real server


@pytest.fixture
def port() -> Iterator[int]:
    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_a_call_without_answer_is_recorded_and_the_next_one_timed(port: int, tmp_path: Path) -> None:
    log = Log(tmp_path / "runs.jsonl", "test")
    calls = {
        "fast before": Call("/fast", {"q": "a"}),
        "slow": Call("/slow", {}),
        "its parameters never come": Call("/fast", lambda client: client.get("/slow-params", {}) and {}),
        "not found": Call("/missing"),
        "fast after": Call("/fast", {"q": "b"}),
    }
    started = time.monotonic()
    found = user_runs.time_calls(port, calls, runs=2, timeout=0.3, log=log)
    assert time.monotonic() - started < 2 * SLOW  # no call waited for the slow answer
    assert found["slow"] == {"status": "timeout", "error": "no answer within 0.3 s"}
    assert found["its parameters never come"]["status"] == "timeout"
    assert "parameters" in found["its parameters never come"]["error"]
    assert found["not found"]["status"] == 404
    for name in ("fast before", "fast after"):
        assert found[name]["p50"] < 0.3 and found[name]["runs"] == 2
    lines = [json.loads(line) for line in (tmp_path / "runs.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [line["name"] for line in lines] == list(calls)
    assert all(line["section"] == "graph_api" and line["size"] == "test" and "load_average" in line
               for line in lines)


def test_each_figure_is_on_disk_before_the_next_is_measured(port: int, tmp_path: Path) -> None:
    path = tmp_path / "runs.jsonl"
    log = Log(path, "test")
    seen: list[int] = []

    def params(client: user_runs.Client) -> dict:
        seen.append(len(path.read_text(encoding="utf-8").splitlines()) if path.exists() else 0)
        return {}

    user_runs.time_calls(port, {"one": Call("/fast"), "two": Call("/fast", params)}, runs=1, timeout=1, log=log)
    assert seen == [1]


def test_a_query_without_answer_is_recorded(port: int) -> None:
    assert user_runs.time_sparql(port, port, "slow", runs=1, timeout=0.3) == {
        "status": "timeout", "error": "kg serve: no answer within 0.3 s"}
    found = user_runs.time_sparql(port, port, "ASK {}", runs=2, timeout=1)
    assert found["rows"] == 1 and found["kg_p50"] < 1
