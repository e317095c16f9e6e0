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

Sharing is work-conserving for short queries: a text known to run in under
SHORT_SECONDS (its last run on the same dataset did, ShortQueries) may go past
its client's share while fewer than `workers` queries run, so one address with
many light requests is not held to two workers while the rest idle. A text not
seen before, or whose last run was long, never borrows: a runaway keeps to its
client's share, and a borrowed worker is free again within SHORT_SECONDS.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

from kg.web.errors import ApiError

# A query whose last run took less than this (in its worker) may borrow an idle worker.
SHORT_SECONDS = 0.05


class ShortQueries:
    """Which query texts (with their dataset parameters) last ran in under SHORT_SECONDS.

    Keyed by the exact text and dataset, as the guard's passes are; the texts
    kept are bounded in characters, the most recently run kept.
    """

    def __init__(self, budget_chars: int = 1_000_000) -> None:
        self.budget_chars = budget_chars
        self._kept: OrderedDict[tuple[str, tuple[str, ...], tuple[str, ...]], None] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()

    def known(self, key: tuple[str, tuple[str, ...], tuple[str, ...]]) -> bool:
        with self._lock:
            return key in self._kept

    def ran(self, key: tuple[str, tuple[str, ...], tuple[str, ...]], seconds: float) -> None:
        """Record a run: a short one is kept (most recent last), a long one forgotten."""
        size = len(key[0])
        with self._lock:
            if seconds >= SHORT_SECONDS or size > self.budget_chars:
                if key in self._kept:
                    del self._kept[key]
                    self._chars -= size
                return
            if key in self._kept:
                self._kept.move_to_end(key)
                return
            self._kept[key] = None
            self._chars += size
            while self._chars > self.budget_chars:
                (old, _, _), _ = self._kept.popitem(last=False)
                self._chars -= len(old)


class Admission:
    """Per-client and overall limits on SPARQL requests in the server (see the module docstring)."""

    def __init__(self, *, per_client: int, capacity: int, wait: float, per_client_waiting: int = 32,
                 workers: int = 0) -> None:
        """`workers`: how many queries may run at once before none borrows (the query worker pool's size)."""
        self.per_client = per_client
        self.capacity = capacity
        self.wait = wait
        self.per_client_waiting = per_client_waiting
        self.workers = workers
        self._running: Counter[str] = Counter()
        self._all_running = 0
        self._waiting: Counter[str] = Counter()
        self._held = 0
        self._lock = threading.Lock()
        # One condition per client with requests waiting: a slot that comes free wakes one of that
        # client's waiters, not every waiting thread of every client.
        self._turns: dict[str, threading.Condition] = {}

    def _refuse(self, client: str, why: str) -> ApiError:
        return ApiError(429, f"too many concurrent queries from {client}: {why}; at most {self.per_client} "
                             "run at a time per client", {"Retry-After": str(max(int(self.wait // 4), 1))})

    def _may_run(self, client: str, short: bool) -> bool:
        """Within the client's share, or a short query while a worker idles."""
        return self._running[client] < self.per_client or (short and self._all_running < self.workers)

    def _await_turn(self, client: str, short: bool) -> None:
        """Wait (holding the lock between wakes) until `client` may run, or refuse.

        A slot coming free wakes one of its client's waiters; a long one woken
        by a borrowed slot's end waits again, and the client's next end wakes the next.
        """
        turn = self._turns.setdefault(client, threading.Condition(self._lock))
        self._waiting[client] += 1
        deadline = time.monotonic() + self.wait
        try:
            while not self._may_run(client, short):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._held -= 1
                    turn.notify()  # a wake meant for this leaver passes on (a waiter that cannot run waits again)
                    raise self._refuse(client, f"none of its slots came free within {self.wait:g} s")
                turn.wait(remaining)
        finally:
            self._waiting[client] -= 1
            if not self._waiting[client]:
                del self._waiting[client], self._turns[client]

    @contextmanager
    def slot(self, client: str, *, short: bool = False) -> Iterator[None]:
        """Hold one of `client`'s query slots for the duration of the block (`short`: may borrow an idle worker)."""
        with self._lock:
            if self._held >= self.capacity:
                raise ApiError(503, f"busy: {self.capacity} SPARQL requests are already in progress; try again",
                               {"Retry-After": "2"})
            if not self._may_run(client, short) and self._waiting[client] >= self.per_client_waiting:
                raise self._refuse(client, f"{self._waiting[client]} more are already waiting")
            self._held += 1
            if not self._may_run(client, short):
                self._await_turn(client, short)
            self._running[client] += 1
            self._all_running += 1
        try:
            yield
        finally:
            with self._lock:
                self._running[client] -= 1
                if not self._running[client]:
                    del self._running[client]
                self._all_running -= 1
                self._held -= 1
                if client in self._turns:
                    self._turns[client].notify()
