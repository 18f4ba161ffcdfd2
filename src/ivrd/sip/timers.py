"""RFC 3261 §17 timer values for UDP, and the small timer table every transaction keeps.

A transaction never sleeps: it records absolute deadlines (seconds, on the caller's clock) and
the caller asks for the earliest one, then calls `tick(now)` when it has passed.
"""

from __future__ import annotations

T1 = 0.5  # RFC 3261 §17.1.1.1: RTT estimate
T2 = 4.0  # RFC 3261 §17.1.2.2: retransmit interval cap (non-INVITE requests, INVITE responses)
T4 = 5.0  # RFC 3261 §17.1.2.2: maximum duration a message remains in the network
TIMER_B = 64 * T1  # RFC 3261 §17.1.1.2: INVITE transaction timeout
TIMER_D = 32.0  # RFC 3261 §17.1.1.2: wait time for response retransmits (>= 32 s for UDP)
TIMER_F = 64 * T1  # RFC 3261 §17.1.2.2: non-INVITE transaction timeout
TIMER_H = 64 * T1  # RFC 3261 §17.2.1: wait time for ACK receipt
TIMER_I = T4  # RFC 3261 §17.2.1: wait time for ACK retransmits
TIMER_J = 64 * T1  # RFC 3261 §17.2.2: wait time for non-INVITE request retransmits
TIMER_K = T4  # RFC 3261 §17.1.2.2: wait time for response retransmits
TIMER_L = 64 * T1  # RFC 6026 §8.11: wait time for accepted INVITE request retransmits
TIMER_M = 64 * T1  # RFC 6026 §8.11: wait time for retransmission of 2xx to INVITE


class Timers:
    """Named absolute deadlines; `due(now)` pops the expired ones, earliest first."""

    __slots__ = ("_deadlines",)

    def __init__(self) -> None:
        self._deadlines: dict[str, float] = {}

    def start(self, name: str, at: float) -> None:
        self._deadlines[name] = at

    def stop(self, *names: str) -> None:
        for name in names:
            self._deadlines.pop(name, None)

    def clear(self) -> None:
        self._deadlines.clear()

    def is_running(self, name: str) -> bool:
        return name in self._deadlines

    @property
    def deadline(self) -> float | None:
        return min(self._deadlines.values(), default=None)

    def due(self, now: float) -> list[str]:
        expired = sorted((at, name) for name, at in self._deadlines.items() if at <= now)
        for _, name in expired:
            del self._deadlines[name]
        return [name for _, name in expired]
