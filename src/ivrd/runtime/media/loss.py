"""Received-packet loss of one leg, from sequence numbers (RFC 3550 §6.4.1, appendix A.1).

Loss is "expected minus received": expected comes from the extended highest sequence number
seen, counting wraps. A jump of more than :data:`MAX_DROPOUT` ahead, or of more than
:data:`MAX_MISORDER` behind, is taken as the peer's stream restarting (a re-INVITE, a new
SSRC): counting starts again from there and what was lost before is kept. Per packet this is a
subtraction and two comparisons on the two header bytes, no parsing.
"""

from __future__ import annotations

__all__ = ["MAX_DROPOUT", "MAX_MISORDER", "LossCounter"]

MAX_DROPOUT = 3000  # RFC 3550 A.1: larger forward jumps restart the count
MAX_MISORDER = 100  # RFC 3550 A.1: packets this far behind are late, farther a restart
SEQ_MOD = 1 << 16


class LossCounter:
    """Counts packets and works out how many never arrived."""

    __slots__ = ("_base", "_cycles", "_highest", "_lost_before", "_received", "_started")

    def __init__(self) -> None:
        self._started = False
        self._base = 0
        self._highest = 0
        self._cycles = 0
        self._received = 0  # in the current run
        self._lost_before = 0  # lost in earlier runs (before a restart)

    def add(self, sequence: int) -> None:
        if not self._started:
            self._restart(sequence)
            return
        delta = (sequence - self._highest) % SEQ_MOD
        if 0 < delta < MAX_DROPOUT:
            if sequence < self._highest:
                self._cycles += SEQ_MOD
            self._highest = sequence
        elif delta >= MAX_DROPOUT and SEQ_MOD - delta > MAX_MISORDER:
            self._lost_before = self.lost
            self._restart(sequence)
            return
        self._received += 1  # in order, late or duplicate

    @property
    def expected(self) -> int:
        if not self._started:
            return 0
        return self._cycles + self._highest - self._base + 1

    @property
    def lost(self) -> int:
        """Packets missing so far (never negative: duplicates do not make up for losses)."""
        return self._lost_before + max(self.expected - self._received, 0)

    def _restart(self, sequence: int) -> None:
        self._started = True
        self._base = self._highest = sequence
        self._cycles = 0
        self._received = 1
