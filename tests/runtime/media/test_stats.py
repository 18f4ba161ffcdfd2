from __future__ import annotations

import pytest

from ivrd.runtime.media.stats import LatenessStats


def test_percentiles_from_buckets() -> None:
    stats = LatenessStats()
    assert stats.percentile_ms(0.99) == 0.0
    for i in range(100):
        stats.record((i + 0.5) / 10_000)  # 0.05 .. 9.95 ms, mid-bucket
    stats.record(-0.001)  # early counts as on time
    assert stats.count == 101
    assert stats.percentile_ms(0.5) == pytest.approx(5.0)
    assert stats.percentile_ms(0.99) == pytest.approx(9.9)
    assert stats.max_ms == pytest.approx(9.95)
    stats.record(5.0)  # beyond the last bucket: still the max
    assert stats.max_ms == pytest.approx(5000)
    assert stats.percentile_ms(1.0) == pytest.approx(5000)
    stats.reset()
    assert (stats.count, stats.max_ms) == (0, 0.0)
    with pytest.raises(ValueError, match=r"percentile fraction 0 is not in \(0, 1\]"):
        stats.percentile_ms(0)


def test_frames_over_a_lateness_bound_are_counted_including_the_overflow_bucket() -> None:
    stats = LatenessStats()
    for ms in (0.2, 4.9, 5.0, 5.05, 7.0, 1500.0):
        stats.record(ms / 1000)
    assert stats.count_over_ms(5.0) == 4  # 5.0 and 5.05 share the 5.0-5.1 ms bucket
    assert stats.count_over_ms(5.1) == 2
    assert stats.count_over_ms(0) == 6
    stats.reset()
    assert stats.count_over_ms(5.0) == 0
