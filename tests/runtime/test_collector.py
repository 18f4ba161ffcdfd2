"""The node's garbage-collection policy pieces, in this process (state restored after)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from ivrd.runtime.collector import (
    FULL_EVERY_S,
    NEVER,
    CollectorPolicy,
    GcPauses,
    automatic_full_collections,
    full_collection,
    refreeze,
)


@pytest.fixture(autouse=True)
def _restore_gc() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.set_threshold(*threshold)
    gc.unfreeze()


class Cyclic:
    def __init__(self) -> None:
        self.me = self


def test_automatic_full_collections_go_off_and_back_on_young_ones_stay() -> None:
    young, middle, full = gc.get_threshold()
    automatic_full_collections(False)
    assert gc.get_threshold() == (young, middle, NEVER)
    automatic_full_collections(True)
    assert gc.get_threshold() == (young, middle, full)


def test_refreeze_collects_cycles_then_freezes_the_survivors() -> None:
    kept = [Cyclic() for _ in range(10)]
    Cyclic()  # garbage in a cycle
    took_ms = refreeze()
    assert took_ms >= 0 and gc.get_freeze_count() > len(kept)
    unfrozen = {id(found) for found in gc.get_objects()}
    assert not any(id(k) in unfrozen for k in kept)  # frozen: no collection walks them
    gc.unfreeze()  # a later refreeze thaws them: nothing frozen stays out of reach for good
    assert gc.get_freeze_count() == 0


def test_a_full_collection_reports_the_cyclic_garbage_it_found() -> None:
    gc.collect()
    for _ in range(5):
        Cyclic()
    found, took_ms = full_collection()
    assert found >= 5 and took_ms >= 0


def test_pauses_are_counted_per_interval() -> None:
    pauses = GcPauses()
    pauses.install()
    pauses.install()  # once only
    try:
        gc.collect(0)
        gc.collect(2)
        figures = pauses.take()
        assert figures["gc"] == 2 and figures["gc_full"] == 1 and figures["gc_max_ms"] >= 0
        assert pauses.take() == {"gc": 0, "gc_full": 0, "gc_max_ms": 0.0}
    finally:
        pauses.uninstall()
    gc.collect(0)
    assert pauses.take()["gc"] == 0


def test_the_policy_turns_full_collections_off_for_calls_and_freezes_once_idle() -> None:
    young, middle, full = gc.get_threshold()
    policy = CollectorPolicy(now=0.0)
    policy.check(busy=False, now=1.0)  # idle starts
    policy.check(busy=False, now=2.0)
    assert gc.get_freeze_count() == 0  # not idle long enough yet
    policy.check(busy=False, now=3.5)  # idle for 2.5 s: collect and freeze, once
    frozen = gc.get_freeze_count()
    assert frozen > 0 and gc.get_threshold() == (young, middle, full)
    policy.calls_coming()  # an INVITE: no automatic full collection from now on
    assert gc.get_threshold() == (young, middle, NEVER)
    policy.check(busy=True, now=4.0)
    policy.check(busy=False, now=5.0)
    policy.check(busy=False, now=7.5)  # idle again after calls: freeze again, back to automatic
    assert gc.get_threshold() == (young, middle, full)
    policy.check(busy=False, now=20.0)  # still the same idle period: nothing more
    policy.check(busy=True, now=21.0)
    collected: list[int] = []
    gc.callbacks.append(lambda phase, info: collected.append(info["generation"]))
    try:
        policy.check(busy=True, now=21.0 + FULL_EVERY_S)  # busy for 5 minutes: one full
        policy.check(busy=True, now=22.0 + FULL_EVERY_S)  # and not again a second later
    finally:
        gc.callbacks.pop()
    assert collected.count(2) == 2  # its start and stop phases
