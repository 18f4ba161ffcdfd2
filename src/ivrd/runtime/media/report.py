"""Process-wide media figures: what the node logs and what ``bench/sip_load.py`` prints.

Counters of closed legs are folded into running totals when they close, so a report covers
every leg since the engine started, not only the calls still up.
"""

from __future__ import annotations

from dataclasses import dataclass

from ivrd.runtime.media.leg import LegStats
from ivrd.runtime.media.stats import LatenessStats

__all__ = ["LATE_MS", "LegTotals", "MediaReport"]

LATE_MS = 5.0  # a frame later than this counts as late (issue 5: p99 lateness within 5 ms)


@dataclass(frozen=True, slots=True)
class MediaReport:
    """A snapshot of the whole media plane."""

    legs_open: int
    legs_opened: int
    packets_sent: int
    packets_received: int  # the peers' audio and telephone-event packets
    packets_lost: int  # peers' packets that never arrived, by sequence number
    digits: int  # RFC 4733 key presses detected
    dropped: int  # non-RTP datagrams, foreign sources, payload types not negotiated
    send_errors: int
    late_p50_ms: float
    late_p99_ms: float
    late_max_ms: float
    paced: int  # frames the wheel sent in the interval the lateness covers
    late_over_5ms: int  # of those, later than 5 ms (the p99 target: at most 1 %)
    ticks_dropped: int

    def __post_init__(self) -> None:
        if not 0 <= self.legs_open <= self.legs_opened:
            raise ValueError(f"{self.legs_open} legs open of {self.legs_opened} opened")


class LegTotals:
    """Running sums of leg counters."""

    __slots__ = ("digits", "dropped", "legs", "lost", "received", "send_errors", "sent")

    def __init__(self) -> None:
        self.legs = self.sent = self.received = self.lost = 0
        self.digits = self.dropped = self.send_errors = 0

    def add(self, stats: LegStats) -> None:
        self.legs += 1
        self.sent += stats.packets_sent
        self.received += stats.audio_received + stats.events_received
        self.lost += stats.lost
        self.digits += stats.digits
        self.dropped += stats.dropped_non_rtp + stats.dropped_foreign + stats.dropped_other_pt
        self.send_errors += stats.send_errors

    def copy(self) -> LegTotals:
        twin = LegTotals()
        for name in LegTotals.__slots__:
            setattr(twin, name, getattr(self, name))
        return twin

    def report(self, open_legs: int, lateness: LatenessStats, ticks_dropped: int) -> MediaReport:
        return MediaReport(
            open_legs, self.legs, self.sent, self.received, self.lost, self.digits,
            self.dropped, self.send_errors, lateness.percentile_ms(0.5),
            lateness.percentile_ms(0.99), lateness.max_ms, lateness.count,
            lateness.count_over_ms(LATE_MS), ticks_dropped,
        )  # fmt: skip
