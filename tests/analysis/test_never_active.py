"""``analysis.intervals.never_active``: intervals that can never be active again."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from ivrd.analysis.intervals import never_active, never_active_map
from ivrd.engine.intervals import Interval, IntervalCondition

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def one(zone: str = "Europe/Berlin", **fields: object) -> Interval:
    return Interval(zone, (IntervalCondition(**fields),))  # type: ignore[arg-type]


def test_no_conditions() -> None:
    assert never_active(Interval("UTC"), NOW) == "it has no conditions"


def test_date_time_range_in_the_past_and_in_the_future() -> None:
    past = one(start_datetime=datetime(2025, 1, 1), end_datetime=datetime(2025, 2, 1))
    assert "ended at 2025-02-01 00:00:00" in (never_active(past, NOW) or "")
    future = one(start_datetime=datetime(2027, 1, 1), end_datetime=datetime(2027, 2, 1))
    assert never_active(future, NOW) is None


def test_a_range_ending_at_the_last_second_of_a_day_includes_it() -> None:
    # 2026-11-26 13:00 in Berlin is 12:00 UTC: a range ending 12:59:59 local has ended...
    ended = one(start_datetime=datetime(2026, 11, 1), end_datetime=datetime(2026, 11, 26, 12, 59))
    assert never_active(ended, NOW) is not None
    # ...but one ending at 23:59:59 covers the whole day
    today = one(start_datetime=datetime(2026, 11, 1),
                end_datetime=datetime(2026, 11, 26, 23, 59, 59))
    assert never_active(today, NOW) is None


def test_range_inside_a_daylight_saving_gap_never_occurs() -> None:
    # Berlin skips 02:00–03:00 on 2027-03-28
    gap = one(start_datetime=datetime(2027, 3, 28, 2, 10),
              end_datetime=datetime(2027, 3, 28, 2, 50))
    reason = never_active(gap, NOW)
    assert reason is not None and "daylight-saving gap" in reason
    assert all(not gap.is_active(datetime(2027, 3, 28, h, m, tzinfo=UTC))
               for h in range(3) for m in range(0, 60, 5))
    across = one(start_datetime=datetime(2027, 3, 28, 2, 10),
                 end_datetime=datetime(2027, 3, 28, 3, 10))
    assert never_active(across, NOW) is None
    assert across.is_active(datetime(2027, 3, 28, 1, 5, tzinfo=UTC))  # 03:05 local


@pytest.mark.parametrize(("month", "day", "impossible"), [
    (2, 30, True), (2, 31, True), (4, 31, True), (2, 29, False), (1, 31, False),
])
def test_days_a_month_never_has(month: int, day: int, impossible: bool) -> None:
    interval = one(month=month, start_mday=day, end_mday=31)
    assert (never_active(interval, NOW) is not None) is impossible


def test_an_interval_is_never_active_only_when_every_condition_is_impossible() -> None:
    feb30 = IntervalCondition(month=2, start_mday=30, end_mday=30)
    evenings = IntervalCondition(start_time=time(18), end_time=time(23))
    assert never_active(Interval("UTC", (feb30, evenings)), NOW) is None
    both = never_active(Interval("UTC", (feb30, feb30)), NOW)
    assert both is not None and both.startswith("condition 1: February has no day 30")


def test_map_keeps_only_the_never_active() -> None:
    intervals = {1: Interval("UTC"), 2: one(start_dow=2, end_dow=6)}
    assert never_active_map(intervals, NOW) == {1: "it has no conditions"}
