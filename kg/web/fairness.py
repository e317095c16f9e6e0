"""Fair sharing of the SPARQL workers: no client can take them all, and SPARQL never takes every thread.

Each /sparql request holds a server thread while its query waits for and runs
in a worker. So (1) one client (remote address) runs at most `per_client`
queries at a time: more wait for that client's own slot, and one that cannot
get it within `wait` seconds, or finds `per_client_waiting` of the client's
requests already waiting, is answered 429 with Retry-After, as Wikidata's query
service does; (2) at most `capacity` SPARQL requests are held at once, fewer
than the server's threads, so health checks, pages and the graph API always
find a free thread (past it: 503 with Retry-After). Waiting here is not counted
against the query time limit, which starts when a worker starts the query.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from kg.web.errors import ApiError


class Admission:
    """Per-client and overall limits on SPARQL requests in the server (see the module docstring)."""

    def __init__(self, *, per_client: int, capacity: int, wait: float, per_client_waiting: int = 32) -> None:
        self.per_client = per_client
        self.capacity = capacity
        self.wait = wait
        self.per_client_waiting = per_client_waiting
        self._running: Counter[str] = Counter()
        self._waiting: Counter[str] = Counter()
        self._held = 0
        self._lock = threading.Lock()
        # One condition per client with requests waiting: a slot that comes free wakes one of that
        # client's waiters, not every waiting thread of every client.
        self._turns: dict[str, threading.Condition] = {}

    def _refuse(self, client: str, why: str) -> ApiError:
        return ApiError(429, f"too many concurrent queries from {client}: {why}; at most {self.per_client} "
                             "run at a time per client", {"Retry-After": str(max(int(self.wait // 4), 1))})

    def _await_turn(self, client: str) -> None:
        """Wait (holding the lock between wakes) until one of `client`'s slots is free, or refuse."""
        turn = self._turns.setdefault(client, threading.Condition(self._lock))
        self._waiting[client] += 1
        deadline = time.monotonic() + self.wait
        try:
            while self._running[client] >= self.per_client:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._held -= 1
                    if self._running[client] < self.per_client:  # a wake meant for this leaver passes on
                        turn.notify()
                    raise self._refuse(client, f"none of its slots came free within {self.wait:g} s")
                turn.wait(remaining)
        finally:
            self._waiting[client] -= 1
            if not self._waiting[client]:
                del self._waiting[client], self._turns[client]

    @contextmanager
    def slot(self, client: str) -> Iterator[None]:
        """Hold one of `client`'s query slots for the duration of the block."""
        with self._lock:
            if self._held >= self.capacity:
                raise ApiError(503, f"busy: {self.capacity} SPARQL requests are already in progress; try again",
                               {"Retry-After": "2"})
            if self._running[client] >= self.per_client and self._waiting[client] >= self.per_client_waiting:
                raise self._refuse(client, f"{self._waiting[client]} more are already waiting")
            self._held += 1
            if self._running[client] >= self.per_client:
                self._await_turn(client)
            self._running[client] += 1
        try:
            yield
        finally:
            with self._lock:
                self._running[client] -= 1
                if not self._running[client]:
                    del self._running[client]
                self._held -= 1
                if client in self._turns:
                    self._turns[client].notify()
