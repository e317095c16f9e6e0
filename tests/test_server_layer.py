"""What waitress answers itself, seen on a raw socket: bodies refused by their size before they are read,
and the security headers on every answer, the server's own 400 / 413 / 431 included."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

import pytest
from conftest import LiveServer

HEADERS = ("content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy")


def raw(server: LiveServer, request: bytes, *, timeout: float = 10) -> tuple[int, dict[str, str], float]:
    """Send `request` as is; (status, headers, seconds until the answer's head arrived)."""
    url = urlsplit(server.url)
    began = time.monotonic()
    with socket.create_connection((url.hostname, url.port), timeout=timeout) as sock:
        sock.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    elapsed = time.monotonic() - began
    head = data.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in head[1:])}
    return int(head[0].split()[1]), headers, elapsed


def test_a_200_mb_body_is_refused_from_its_content_length(live_server: LiveServer) -> None:
    """Only the head is sent: the 413 must come without the server waiting for (or reading) the body."""
    status, headers, elapsed = raw(live_server, b"POST /sparql HTTP/1.1\r\nHost: x\r\n"
                                                b"Content-Type: application/sparql-query\r\n"
                                                b"Content-Length: 200000000\r\n\r\n")
    assert status == 413 and elapsed < 5
    assert all(name in headers for name in HEADERS), headers


@pytest.mark.parametrize(("request_bytes", "status"), [
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n", 400),
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 300_000 + b"\r\n\r\n", 431),
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 200),
    (b"GET /no/such/page HTTP/1.1\r\nHost: x\r\n\r\n", 404),
], ids=["bad-content-length", "huge-header", "health", "not-found"])
def test_every_answer_carries_the_security_headers(live_server: LiveServer, request_bytes: bytes,
                                                    status: int) -> None:
    got, headers, _ = raw(live_server, request_bytes)
    assert got == status
    assert all(name in headers for name in HEADERS), headers


def test_graph_store_uploads_keep_their_larger_limit(live_server: LiveServer) -> None:
    """2 MB is over /sparql's limit but within /store's: the app answers (no token: 403), not a 413."""
    body = b"<urn:a> <urn:b> <urn:c> .\n" * 80_000
    status, _, _ = raw(live_server, b"PUT /store?graph=urn:g HTTP/1.1\r\nHost: x\r\n"
                                    b"Content-Type: application/n-triples\r\n"
                                    b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    assert status in (401, 403)
