"""kg.web.fairness.Admission in one process: each client's slots, its waiters' turns, the ceilings."""

from __future__ import annotations

import threading
import time

import pytest

from kg.web.errors import ApiError
from kg.web.fairness import SHORT_SECONDS, Admission, ShortQueries


def _hold(admission: Admission, client: str, seconds: float, log: list[object], running: list[int],
          short: bool = False) -> None:
    try:
        with admission.slot(client, short=short):
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


def test_short_queries_borrow_idle_workers_beyond_the_share_and_long_ones_do_not() -> None:
    """Work-conserving sharing: one client's short queries use every idle worker (4 here), never more;
    its long (or never seen) ones keep to its share of 2."""
    for short, most in ((True, 4), (False, 2)):
        admission = Admission(per_client=2, capacity=40, wait=10, workers=4)
        log: list[object] = []
        running: list[int] = []
        threads = [threading.Thread(target=_hold, args=(admission, "10.0.0.1", 0.1, log, running, short))
                   for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert len(log) == 10 and all(isinstance(n, int) for n in log), log
        assert max(log) == most, (short, log)  # type: ignore[type-var]
        assert not admission._running and admission._all_running == 0 and admission._held == 0


def test_a_borrowing_client_leaves_other_clients_their_share() -> None:
    """With every worker busy (2 own + 2 borrowed by one client), another client still runs its share at once:
    borrowing takes idle workers, never another client's slots."""
    admission = Admission(per_client=2, capacity=40, wait=0.2, workers=4)
    release = threading.Event()

    def hold() -> None:
        with admission.slot("10.0.0.1", short=True):
            release.wait(5)

    threads = [threading.Thread(target=hold) for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(0.2)
    assert admission._running["10.0.0.1"] == 4
    with admission.slot("10.0.0.2"), admission.slot("10.0.0.2"):
        assert admission._all_running == 6
    with pytest.raises(ApiError) as refused, admission.slot("10.0.0.1", short=True):  # no worker idle: waits, 429
        pass
    assert refused.value.status == 429
    release.set()
    for thread in threads:
        thread.join()


def test_short_queries_are_remembered_by_text_and_dataset_until_a_long_run() -> None:
    shorts = ShortQueries(budget_chars=20)
    key = ("ASK {}", (), ())
    assert not shorts.known(key)
    shorts.ran(key, SHORT_SECONDS / 10)
    assert shorts.known(key) and not shorts.known(("ASK {}", ("https://example.org/g",), ()))
    shorts.ran(key, SHORT_SECONDS * 2)  # one slow run (the store grew, the machine was busy): no more borrowing
    assert not shorts.known(key)
    for n in range(5):  # the budget keeps the most recent texts, 20 characters in all
        shorts.ran((f"ASK {{ {n} }}", (), ()), 0.0)
    assert [shorts.known((f"ASK {{ {n} }}", (), ())) for n in range(5)] == [False, False, False, True, True]
