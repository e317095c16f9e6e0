"""kg.web.fairness.Admission in one process: each client's slots, its waiters' turns, the ceilings."""

from __future__ import annotations

import threading
import time

import pytest

from kg.web.errors import ApiError
from kg.web.fairness import Admission


def _hold(admission: Admission, client: str, seconds: float, log: list[object], running: list[int]) -> None:
    try:
        with admission.slot(client):
            running.append(1)
            log.append(len(running))
            time.sleep(seconds)
            running.pop()
    except ApiError as error:
        log.append(error)


def test_every_waiter_of_one_client_gets_its_turn_two_at_a_time() -> None:
    admission = Admission(per_client=2, capacity=40, wait=10)
    log: list[object] = []
    running: list[int] = []
    threads = [threading.Thread(target=_hold, args=(admission, "10.0.0.1", 0.05, log, running)) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(log) == 12 and all(isinstance(n, int) and n <= 2 for n in log), log
    assert not admission._turns and not admission._waiting and not admission._running and admission._held == 0


def test_a_waiter_past_its_wait_is_refused_while_other_clients_run() -> None:
    admission = Admission(per_client=1, capacity=40, wait=0.3)
    log: list[object] = []
    running: list[int] = []
    holder = threading.Thread(target=_hold, args=(admission, "10.0.0.1", 1.0, log, running))
    holder.start()
    time.sleep(0.1)
    began = time.monotonic()
    with pytest.raises(ApiError) as refused, admission.slot("10.0.0.1"):
        pass
    assert refused.value.status == 429 and "within 0.3 s" in refused.value.message
    assert 0.25 < time.monotonic() - began < 0.9
    with admission.slot("10.0.0.2"):  # another address is not held up by the first one's queue
        pass
    holder.join()
    with admission.slot("10.0.0.1"):  # the refused waiter left nothing behind
        assert admission._held == 1


def test_too_many_waiting_or_too_many_held_are_refused_at_once() -> None:
    admission = Admission(per_client=1, capacity=3, wait=5, per_client_waiting=1)
    log: list[object] = []
    running: list[int] = []
    threads = [threading.Thread(target=_hold, args=(admission, client, hold, log, running))
               for client, hold in (("10.0.0.1", 0.8), ("10.0.0.1", 0.0), ("10.0.0.2", 0.8))]
    for thread in threads[:2]:  # the first runs, the second waits for it
        thread.start()
        time.sleep(0.1)
    with pytest.raises(ApiError) as refused, admission.slot("10.0.0.1"):
        pass
    assert refused.value.status == 429 and "already waiting" in refused.value.message
    threads[2].start()  # another client: three requests held
    time.sleep(0.1)
    with pytest.raises(ApiError) as busy, admission.slot("10.0.0.3"):
        pass
    assert busy.value.status == 503
    for thread in threads:
        thread.join()
    assert sum(isinstance(entry, int) for entry in log) == 3  # the waiter ran once the first was done
