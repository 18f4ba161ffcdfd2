"""Deciding that an interval can never be active from now on (a sound approximation).

``engine.intervals`` answers "active at this instant?"; a check needs "ever again?". That is
decided per condition, and an interval is never active when it has no condition or none of its
conditions can match. A condition is judged impossible only when it certainly is:

- a date-time range (which decides alone) whose end is not after ``now``, or whose every wall
  time falls in a DST gap of the interval's zone (such local times never occur);
- a ``month`` with a day-of-month range starting past that month's last day (Feb 30, Apr 31;
  Feb 29 exists in leap years).

Anything else (days of week, times of day, shift patterns) recurs and is taken as possible.
``now`` is passed in: nothing here reads the clock.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from ivrd.engine.intervals import END_OF_DAY, Interval, IntervalCondition
from ivrd.engine.menu import IntervalLike

LEAP_YEAR = 2024
MAX_GAP_MINUTES = 24 * 60  # no zone skips more than a day of wall time


def never_active(interval: Interval, now: datetime) -> str | None:
    """Why ``interval`` can never be active at or after ``now`` (aware); None if it can be."""
    if not interval.conditions:
        return "it has no conditions"
    zone = ZoneInfo(interval.timezone)
    reasons = [_impossible(c, zone, now) for c in interval.conditions]
    if any(reason is None for reason in reasons):
        return None
    return "; ".join(f"condition {i + 1}: {r}" for i, r in enumerate(reasons))


def never_active_map(intervals: Mapping[int, IntervalLike], now: datetime) -> dict[int, str]:
    """``never_active`` for every engine ``Interval`` of a menu, keyed by id."""
    out: dict[int, str] = {}
    for interval_id, interval in intervals.items():
        if isinstance(interval, Interval):
            reason = never_active(interval, now)
            if reason is not None:
                out[interval_id] = reason
    return out


def _impossible(c: IntervalCondition, zone: ZoneInfo, now: datetime) -> str | None:
    if c.start_datetime is not None and c.end_datetime is not None:
        return _datetime_range(c.start_datetime, c.end_datetime, zone, now)
    if c.month is not None and c.start_mday is not None:
        last = calendar.monthrange(LEAP_YEAR, c.month)[1]
        if c.start_mday > last:
            month = calendar.month_name[c.month]
            return f"{month} has no day {c.start_mday}"
    return None


def _datetime_range(start: datetime, end: datetime, zone: ZoneInfo, now: datetime) -> str | None:
    if end.time() == END_OF_DAY:  # the engine includes that last second
        end += timedelta(seconds=1)
    if _instant(end, zone) <= now:
        return f"it ended at {end:%Y-%m-%d %H:%M:%S} ({zone.key})"
    first = _first_existing(start, zone)
    if first >= end:
        return (
            f"{start:%Y-%m-%d %H:%M:%S}–{end:%H:%M:%S} falls in a daylight-saving gap of "
            f"{zone.key}: those local times never occur"
        )
    return None


def _instant(wall: datetime, zone: ZoneInfo) -> datetime:
    return wall.replace(tzinfo=zone).astimezone(UTC)


def _exists(wall: datetime, zone: ZoneInfo) -> bool:
    aware = wall.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall


def _first_existing(wall: datetime, zone: ZoneInfo) -> datetime:
    """The first local time at or after ``wall`` that occurs in ``zone``."""
    if _exists(wall, zone):
        return wall
    step = wall.replace(second=0) + timedelta(minutes=1)
    for _ in range(MAX_GAP_MINUTES):
        if _exists(step, zone):
            return step
        step += timedelta(minutes=1)
    return step
