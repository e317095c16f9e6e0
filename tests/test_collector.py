"""kg.collector: the cycle collector is off inside a page's block and as it was after it."""

import gc

import pytest

from kg.collector import paused


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_paused_turns_the_collector_off_and_back_on(collector_on):
    with paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_inner_block_leaves_the_outer_pause_in_force(collector_on):
    with paused():
        with paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_still_turns_it_back_on(collector_on):
    with pytest.raises(ValueError), paused():
        raise ValueError("page broke")
    assert gc.isenabled()


def test_a_collector_off_before_stays_off():
    was = gc.isenabled()
    gc.disable()
    try:
        with paused():
            pass
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()
