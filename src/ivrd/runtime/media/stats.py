"""Send lateness as a fixed histogram: recording one packet is one index and one increment.

Lateness is how long after its ideal instant (the wheel tick it belongs to) a frame was
handed to the kernel, read with ``time.monotonic()`` (uvloop's ``loop.time()`` is quantised to
1 ms). Buckets are 0.1 ms wide up to one second; anything later lands in the last bucket but
still counts towards :attr:`LatenessStats.max_ms`.
"""

from __future__ import annotations

__all__ = ["LatenessStats"]

BUCKETS_PER_MS = 10
MAX_TRACKED_MS = 1000


class LatenessStats:
    """Counts of send lateness; percentiles are read on demand (cheap: 10 001 buckets)."""

    __slots__ = ("_buckets", "count", "max_s")

    def __init__(self) -> None:
        self._buckets = [0] * (MAX_TRACKED_MS * BUCKETS_PER_MS + 1)
        self.count = 0
        self.max_s = 0.0

    def record(self, lateness_s: float) -> None:
        """Add one packet's lateness in seconds (negative, i.e. early, counts as 0)."""
        index = int(lateness_s * 1000 * BUCKETS_PER_MS)
        last = len(self._buckets) - 1
        self._buckets[0 if index < 0 else (index if index < last else last)] += 1
        self.count += 1
        if lateness_s > self.max_s:
            self.max_s = lateness_s

    def percentile_ms(self, fraction: float) -> float:
        """Upper edge (ms) of the bucket holding the ``fraction`` quantile; 0 when empty."""
        if not 0 < fraction <= 1:
            raise ValueError(f"percentile fraction {fraction} is not in (0, 1]")
        if not self.count:
            return 0.0
        index = _first_reaching(self._buckets, fraction * self.count)
        if index == len(self._buckets) - 1:  # the overflow bucket: its only bound is the max
            return self.max_ms
        return min((index + 1) / BUCKETS_PER_MS, self.max_ms)

    def count_over_ms(self, ms: float) -> int:
        """Frames later than ``ms`` (to the bucket: 0.1 ms)."""
        return sum(self._buckets[int(ms * BUCKETS_PER_MS) :])

    @property
    def max_ms(self) -> float:
        return self.max_s * 1000

    def reset(self) -> None:
        self._buckets = [0] * len(self._buckets)
        self.count = 0
        self.max_s = 0.0


def _first_reaching(buckets: list[int], wanted: float) -> int:
    """Index of the first bucket where the running total reaches ``wanted``."""
    seen = 0
    for index, hits in enumerate(buckets):
        seen += hits
        if seen >= wanted:
            return index
    return len(buckets) - 1
