"""The garbage collector, kept away from calls in progress, and measured.

A full (generation 2) collection stops the process for as long as it takes to walk every
tracked object not frozen by ``gc.freeze()``: about 150-250 ns an object here. The objects
the API, SQLAlchemy and pydantic build lazily on their first requests (~30 000) already cost
~10 ms; with 600 calls up and 100 new ones a second (each leaves two SIP transactions for
32 s, RFC 3261 timers J and L) full collections came every few seconds and took 15-60 ms,
and the media wheel sends nothing meanwhile.

So the node:
- freezes what it has at start, and again whenever it has been idle (no call, no media leg)
  for :data:`IDLE_S`: it unfreezes, collects everything (cyclic garbage among formerly frozen
  objects included, so nothing leaks for good) and freezes the survivors;
- while calls are up, turns automatic full collections off (young ones stay: they are cheap)
  and runs one itself every :data:`FULL_EVERY_S`, so a long pause comes once in minutes, not
  seconds; idle again, it turns them back on (pauses then hurt no call, and an API-only load
  must not pile up garbage). This relies on finished calls being freed by reference
  counting: the call, its media leg and its engine session break their reference cycles when
  they end, and the periodic collection's log line says how much cyclic garbage it found.

:class:`GcPauses` counts collections and their longest pause for the node's ``media`` line,
so a late interval can be told apart from a starved CPU.
"""

from __future__ import annotations

import gc
import logging
import time
from typing import Any

__all__ = [
    "FULL_EVERY_S",
    "IDLE_S",
    "CollectorPolicy",
    "GcPauses",
    "automatic_full_collections",
    "full_collection",
    "refreeze",
]

IDLE_S = 2.0  # idle this long before the collect-and-freeze (a call may follow a call)
FULL_EVERY_S = 300.0  # a full collection while busy: one pause of tens of ms in 5 minutes
NEVER = 2**31 - 1  # a generation-2 threshold no count reaches
DEFAULT_FULL_THRESHOLD = gc.get_threshold()[2]


def automatic_full_collections(enabled: bool) -> None:
    """Young collections stay automatic either way; off, full ones run only when asked."""
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, DEFAULT_FULL_THRESHOLD if enabled else NEVER)


def full_collection() -> tuple[int, float]:
    """A full collection of what is not frozen: (unreachable objects found, ms)."""
    started = time.perf_counter()
    found = gc.collect()
    return found, (time.perf_counter() - started) * 1000


log = logging.getLogger(__name__)


def refreeze() -> float:
    """Collect everything, frozen objects included, and freeze what survives; returns ms."""
    started = time.perf_counter()
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    return (time.perf_counter() - started) * 1000


class CollectorPolicy:
    """The node's side of the above: told each second whether calls are up (:meth:`check`),
    and as a call arrives (:meth:`calls_coming`), it turns collections off and on."""

    def __init__(self, now: float) -> None:
        self._idle_since: float | None = None
        self._frozen = False  # collected and frozen since calls were last up (not yet: start)
        self._automatic = True  # Python's default until the first call
        self._last_full = now

    def calls_coming(self) -> None:
        """No full collection from now on unless the node runs it."""
        if self._automatic:
            automatic_full_collections(False)
            self._automatic = False

    def check(self, busy: bool, now: float) -> None:
        if busy:
            self.calls_coming()
            self._idle_since = None
            self._frozen = False
            if now - self._last_full >= FULL_EVERY_S:
                self._last_full = now
                found, took_ms = full_collection()
                log.info("full collection in %.1f ms found %d unreachable", took_ms, found)
        elif self._idle_since is None:
            self._idle_since = now
        elif not self._frozen and now - self._idle_since >= IDLE_S:
            self._frozen = True
            self._last_full = now
            log.info("idle: collected and froze the heap in %.1f ms", refreeze())
            automatic_full_collections(True)
            self._automatic = True


class GcPauses:
    """Collections and their longest pause since the last :meth:`take`."""

    def __init__(self) -> None:
        self._started = 0.0
        self.collections = 0
        self.full = 0  # generation 2
        self.max_ms = 0.0

    def install(self) -> None:
        if self._callback not in gc.callbacks:
            gc.callbacks.append(self._callback)

    def uninstall(self) -> None:
        if self._callback in gc.callbacks:
            gc.callbacks.remove(self._callback)

    def take(self) -> dict[str, float]:
        """The figures so far, as the report's fields; starts a new interval."""
        figures = {"gc": self.collections, "gc_full": self.full, "gc_max_ms": round(self.max_ms, 1)}
        self.collections = self.full = 0
        self.max_ms = 0.0
        return figures

    def _callback(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        self.collections += 1
        if info.get("generation") == 2:
            self.full += 1
        self.max_ms = max(self.max_ms, (time.perf_counter() - self._started) * 1000)
