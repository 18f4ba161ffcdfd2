"""The shared pacing clock: one timer wheel sends every leg's 20 ms frame.

One timer per stream doubled the CPU and jittered at 1000 streams; one 20 ms tick sending
every frame made the last frame of the burst late by N × ~7 µs (the sendto). So the wheel
ticks every 5 ms and each tick serves one of four slots, a quarter of the streams; a stream
stays in its slot and so is served exactly every 20 ms. New streams join the emptiest slot.

Ticks are scheduled against absolute instants ``origin + k × 5 ms`` on ``time.monotonic()``;
when the loop wakes late, the missed ticks are run at once (up to :data:`MAX_CATCH_UP`, a
quarter of a second; beyond that the backlog is dropped and counted), so every stream's
timestamps keep following the wall clock. The wheel stops when it has no streams.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Protocol

from ivrd.runtime.media.stats import LatenessStats

__all__ = ["SLOTS", "TICK_S", "FrameScheduler", "Paced"]

TICK_S = 0.005
SLOTS = 4  # SLOTS × TICK_S = 20 ms, the G.711 frame (RFC 3551 §4.5)
MAX_CATCH_UP = 50  # ticks (250 ms) run back to back after a stall before dropping the rest

log = logging.getLogger(__name__)


class Paced(Protocol):
    """A stream the wheel serves every 20 ms."""

    def tick(self, now: float) -> bool:
        """Send the due frame (``now`` is its ideal instant); True if a packet went out."""
        ...


class FrameScheduler:
    """The 5 ms wheel of one event loop."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        clock: Callable[[], float] = time.monotonic,
        after: Callable[[float], None] | None = None,
    ) -> None:
        """``after(now)`` runs once the due ticks are served (the engine reads the RTP sockets
        then; ``now`` is read once for all of them)."""
        self._loop = loop
        self._clock = clock
        self._after = after
        self._slots: list[dict[Paced, None]] = [{} for _ in range(SLOTS)]
        self._slot_of: dict[Paced, int] = {}
        self._handle: asyncio.TimerHandle | None = None
        self._origin = 0.0
        self._next = 0
        self.lateness = LatenessStats()
        self.ticks_dropped = 0

    def __len__(self) -> int:
        return len(self._slot_of)

    def add(self, stream: Paced) -> None:
        """Serve ``stream`` from the next tick of the emptiest slot."""
        if stream in self._slot_of:
            return
        slot = min(range(SLOTS), key=lambda index: len(self._slots[index]))
        self._slots[slot][stream] = None
        self._slot_of[stream] = slot
        if self._handle is None:
            self._origin = self._clock()
            self._next = 1
            self._schedule()

    def remove(self, stream: Paced) -> None:
        slot = self._slot_of.pop(stream, None)
        if slot is not None:
            del self._slots[slot][stream]
        if not self._slot_of:
            self._cancel()

    def close(self) -> None:
        for slot in self._slots:
            slot.clear()
        self._slot_of.clear()
        self._cancel()

    def _cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _schedule(self) -> None:
        delay = self._origin + self._next * TICK_S - self._clock()
        self._handle = self._loop.call_later(max(delay, 0.0), self._run)

    def _run(self) -> None:
        self._handle = None
        due = int((self._clock() - self._origin) / TICK_S)
        if due - self._next >= MAX_CATCH_UP:
            self.ticks_dropped += due - self._next + 1 - MAX_CATCH_UP
            self._next = due + 1 - MAX_CATCH_UP
        while self._next <= due:
            self._serve(self._next)
            self._next += 1
        if self._after is not None:
            self._after(self._clock())
        if self._slot_of:
            self._schedule()

    def _serve(self, tick: int) -> None:
        ideal = self._origin + tick * TICK_S
        clock = self._clock
        record = self.lateness.record
        for stream in tuple(self._slots[tick % SLOTS]):
            try:
                sent = stream.tick(ideal)
            except Exception:  # one broken stream must not silence every call
                log.exception("media stream %r failed; it is no longer paced", stream)
                self.remove(stream)
                continue
            if sent:
                record(clock() - ideal)
