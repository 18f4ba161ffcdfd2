"""The node's garbage-collection policy pieces, in this process (state restored after)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from ivrd.runtime.collector import (
    NEVER,
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
