"""Interval activity: DST, wrap-around, ranges, date-times, shifts, validation, JSON form."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ivrd.engine.intervals import (
    FIELDS,
    Interval,
    IntervalCondition,
    IntervalError,
    condition_from_mapping,
    condition_to_mapping,
    conditions_from_mappings,
    day_of_week,
)


def utc(year: int, month: int, day: int, *clock: int) -> datetime:
    """An instant given in UTC; ``clock`` is hour, minute, second, microsecond."""
    return local("UTC", year, month, day, *clock)


def local(zone: str, year: int, month: int, day: int, *clock: int) -> datetime:
    """An instant given on ``zone``'s wall clock."""
    hour, minute, second, microsecond = (*clock, 0, 0, 0, 0)[:4]
    wall = time(hour, minute, second, microsecond)
    return datetime.combine(date(year, month, day), wall, ZoneInfo(zone))


def minutes(start: datetime, end: datetime) -> Iterator[datetime]:
    at = start
    while at < end:
        yield at
        at += timedelta(minutes=1)


def active_minutes(interval: Interval, start: datetime, end: datetime) -> int:
    """How many real (UTC) minutes in [start, end) the interval is active."""
    return sum(interval.is_active(at) for at in minutes(start, end))


def one(zone: str = "UTC", **fields: Any) -> Interval:
    return Interval(zone, (IntervalCondition(**fields),))


HOUR = time(1)
TWO = time(2)
THREE = time(3)


# --- DST --------------------------------------------------------------------------------------


def test_new_york_spring_forward_gap_is_never_seen() -> None:
    interval = one("America/New_York", start_time=TWO, end_time=THREE)
    # 2026-03-08: at 02:00 EST the clocks jump to 03:00 EDT (07:00 UTC).
    assert active_minutes(interval, utc(2026, 3, 8, 5), utc(2026, 3, 8, 9)) == 0
    assert active_minutes(interval, utc(2026, 3, 7, 5), utc(2026, 3, 7, 9)) == 60
    assert not interval.is_active(utc(2026, 3, 8, 6, 59, 59))
    assert not interval.is_active(utc(2026, 3, 8, 7))


def test_new_york_fall_back_overlap_is_seen_twice() -> None:
    interval = one("America/New_York", start_time=HOUR, end_time=TWO)
    # 2026-11-01: at 02:00 EDT the clocks fall back to 01:00 EST: 01:xx happens twice.
    assert active_minutes(interval, utc(2026, 11, 1, 3), utc(2026, 11, 1, 9)) == 120
    assert interval.is_active(utc(2026, 11, 1, 5))  # 01:00 EDT
    assert interval.is_active(utc(2026, 11, 1, 6, 59))  # 01:59 EST
    assert not interval.is_active(utc(2026, 11, 1, 7))  # 02:00 EST


def test_berlin_changeover_days_last_23_and_25_hours() -> None:
    sundays = one("Europe/Berlin", start_dow=1, end_dow=1)
    assert active_minutes(sundays, utc(2026, 3, 28, 12), utc(2026, 3, 30, 12)) == 23 * 60
    assert active_minutes(sundays, utc(2026, 10, 24, 12), utc(2026, 10, 26, 12)) == 25 * 60
    office = one("Europe/Berlin", start_time=time(9), end_time=time(17))
    assert office.is_active(utc(2026, 3, 29, 7))  # 09:00 CEST
    assert not office.is_active(utc(2026, 3, 29, 6, 59))
    assert office.is_active(utc(2026, 10, 25, 8))  # 09:00 CET


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (utc(2010, 1, 15, 6), True),  # 09:00 MSK, UTC+3 (winter time until 2011)
        (utc(2010, 1, 15, 5, 59), False),
        (utc(2010, 7, 15, 5), True),  # 09:00 MSD, UTC+4 (summer time)
        (utc(2010, 7, 15, 4, 59), False),
        (utc(2013, 1, 15, 5), True),  # 09:00, permanent UTC+4 (2011-2014)
        (utc(2013, 1, 15, 4, 59), False),
        (utc(2015, 1, 15, 6), True),  # 09:00, UTC+3 again since 2014-10-26
        (utc(2015, 1, 15, 5, 59), False),
    ],
)
def test_moscow_historic_offsets(at: datetime, expected: bool) -> None:
    assert one("Europe/Moscow", start_time=time(9), end_time=time(18)).is_active(at) is expected


def test_moscow_2014_fall_back_repeats_an_hour() -> None:
    interval = one("Europe/Moscow", start_time=HOUR, end_time=TWO)
    assert active_minutes(interval, utc(2014, 10, 25, 18), utc(2014, 10, 26, 2)) == 120
    gap = one("Europe/Moscow", start_time=TWO, end_time=THREE)
    assert active_minutes(gap, utc(2010, 3, 27, 20), utc(2010, 3, 28, 2)) == 0


def test_instant_is_compared_in_the_interval_zone_whatever_its_own_offset() -> None:
    interval = one("Asia/Tokyo", start_time=time(9), end_time=time(10))
    same_instants = [utc(2026, 6, 1, 0, 30), local("America/Los_Angeles", 2026, 5, 31, 17, 30)]
    assert [interval.is_active(at) for at in same_instants] == [True, True]


# --- day of week, day of month, month, time bounds -------------------------------------------


def week_from(day: date) -> list[datetime]:
    return [utc(day.year, day.month, day.day, 12) + timedelta(days=n) for n in range(7)]


def test_day_of_week_numbering_starts_on_sunday() -> None:
    sunday = date(2026, 11, 22)
    assert sunday.strftime("%A") == "Sunday"
    assert [day_of_week(sunday + timedelta(days=n)) for n in range(7)] == [1, 2, 3, 4, 5, 6, 7]


@pytest.mark.parametrize(
    ("start", "end", "names"),
    [
        (3, 1, {"Sunday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}),
        (7, 1, {"Saturday", "Sunday"}),
        (6, 2, {"Friday", "Saturday", "Sunday", "Monday"}),
        (2, 6, {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}),
        (4, 4, {"Wednesday"}),
        (1, 7, {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}),
    ],
)
def test_day_of_week_ranges_wrap(start: int, end: int, names: set[str]) -> None:
    interval = one(start_dow=start, end_dow=end)
    days = week_from(date(2026, 11, 22))
    assert {at.strftime("%A") for at in days if interval.is_active(at)} == names


def test_day_of_month_range_is_inclusive() -> None:
    interval = one(start_mday=10, end_mday=20)
    active = [d for d in range(1, 32) if interval.is_active(utc(2026, 1, d, 12))]
    assert active == list(range(10, 21))


def test_day_of_month_is_literal_in_short_months() -> None:
    last = one(start_mday=31, end_mday=31)
    assert [m for m in range(1, 13) if last.is_active(utc(2026, m, 28) + timedelta(days=3))] == [
        1,
        3,
        5,
        7,
        8,
        10,
        12,
    ]
    end_of_feb = one(start_mday=29, end_mday=31)
    assert active_minutes(end_of_feb, utc(2026, 2, 27), utc(2026, 3, 1)) == 0
    assert end_of_feb.is_active(utc(2028, 2, 29, 12))


def test_month_alone_covers_the_whole_local_month() -> None:
    december = one("Europe/Moscow", month=12)
    assert december.is_active(local("Europe/Moscow", 2026, 12, 1))
    assert december.is_active(local("Europe/Moscow", 2026, 12, 31, 23, 59, 59, 999_999))
    assert not december.is_active(local("Europe/Moscow", 2026, 11, 30, 23, 59, 59, 999_999))
    assert not december.is_active(local("Europe/Moscow", 2027, 1, 1))
    assert december.is_active(utc(2026, 11, 30, 21))  # already December in Moscow


@pytest.mark.parametrize(
    ("wall", "expected"),
    [
        (time(8, 59, 59, 999_999), False),
        (time(9), True),
        (time(17, 59, 59, 999_999), True),
        (time(18), False),
    ],
)
def test_time_range_is_half_open(wall: time, expected: bool) -> None:
    interval = one(start_time=time(9), end_time=time(18))
    assert interval.is_active(datetime.combine(date(2026, 5, 5), wall, UTC)) is expected


def test_end_time_23_59_59_includes_the_last_second() -> None:
    interval = one(start_time=time(20), end_time=time(23, 59, 59))
    assert interval.is_active(utc(2026, 5, 5, 23, 59, 59) + timedelta(microseconds=999_999))
    assert not interval.is_active(utc(2026, 5, 6))


def test_all_set_fields_of_a_condition_must_hold() -> None:
    workdays = one(month=12, start_dow=2, end_dow=6, start_time=time(9), end_time=time(18))
    assert workdays.is_active(utc(2026, 12, 1, 10))  # Tuesday
    assert not workdays.is_active(utc(2026, 12, 6, 10))  # Sunday
    assert not workdays.is_active(utc(2026, 12, 1, 19))
    assert not workdays.is_active(utc(2026, 11, 3, 10))  # Tuesday in November


def test_any_condition_makes_the_interval_active() -> None:
    split = Interval(
        "UTC",
        (
            IntervalCondition(start_time=time(22), end_time=time(23, 59, 59)),
            IntervalCondition(start_time=time(0), end_time=time(6)),
        ),
    )
    assert [split.is_active(utc(2026, 1, 1, h)) for h in (0, 5, 6, 12, 21, 22, 23)] == [
        True,
        True,
        False,
        False,
        False,
        True,
        True,
    ]
    assert not Interval("UTC").is_active(utc(2026, 1, 1))


# --- explicit date-times ----------------------------------------------------------------------


def test_explicit_datetimes_are_half_open_and_override_other_fields() -> None:
    holiday = one(
        "Europe/Moscow",
        month=5,
        start_time=time(9),
        end_time=time(10),
        start_datetime=datetime(2026, 12, 31, 18),
        end_datetime=datetime(2027, 1, 1, 6),
    )
    assert holiday.is_active(local("Europe/Moscow", 2026, 12, 31, 18))
    assert holiday.is_active(local("Europe/Moscow", 2027, 1, 1, 5, 59, 59))
    assert not holiday.is_active(local("Europe/Moscow", 2027, 1, 1, 6))
    assert not holiday.is_active(local("Europe/Moscow", 2026, 12, 31, 17, 59, 59))
    assert not holiday.is_active(local("Europe/Moscow", 2026, 5, 5, 9, 30))


def test_explicit_end_at_23_59_59_includes_the_last_second() -> None:
    day = one(start_datetime=datetime(2026, 1, 1), end_datetime=datetime(2026, 1, 1, 23, 59, 59))
    assert day.is_active(utc(2026, 1, 1, 23, 59, 59, 500_000))
    assert not day.is_active(utc(2026, 1, 2))


# --- shift patterns ---------------------------------------------------------------------------


def shift(start: date, on: int, off: int, zone: str = "UTC") -> Interval:
    return one(zone, sched_start_date=start, sched_active_days=on, sched_skip_days=off)


def test_shift_is_inactive_before_its_start_date() -> None:
    interval = shift(date(2026, 1, 5), 2, 2)
    assert not interval.is_active(utc(2026, 1, 4, 23, 59, 59))
    assert not interval.is_active(utc(2025, 12, 30, 12))  # would be "on" if extrapolated
    assert interval.is_active(utc(2026, 1, 5))


def test_shift_cycles_across_months_and_a_leap_day() -> None:
    interval = shift(date(2028, 1, 30), 2, 2)
    days = [date(2028, 1, 30) + timedelta(days=n) for n in range(36)]
    on = [d.isoformat() for d in days if interval.is_active(utc(d.year, d.month, d.day, 12))]
    assert on[:4] == ["2028-01-30", "2028-01-31", "2028-02-03", "2028-02-04"]
    assert "2028-02-27" in on and "2028-02-28" in on and "2028-02-29" not in on
    assert "2028-03-02" in on and "2028-03-03" in on and "2028-03-01" not in on
    assert len(on) == 18


def test_shift_counts_local_calendar_days() -> None:
    interval = shift(date(2026, 1, 5), 1, 6, "Asia/Tokyo")
    assert interval.is_active(utc(2026, 1, 4, 15))  # 2026-01-05 00:00 in Tokyo
    assert not interval.is_active(utc(2026, 1, 4, 14, 59))
    assert interval.is_active(utc(2026, 1, 11, 16))  # the next Monday in Tokyo


def test_shift_combines_with_time_of_day() -> None:
    interval = one(
        sched_start_date=date(2026, 3, 1),
        sched_active_days=3,
        sched_skip_days=1,
        start_time=time(8),
        end_time=time(20),
    )
    assert interval.is_active(utc(2026, 3, 3, 8))
    assert not interval.is_active(utc(2026, 3, 3, 20))
    assert not interval.is_active(utc(2026, 3, 4, 12))
    assert interval.is_active(utc(2026, 3, 5, 12))


# --- validation -------------------------------------------------------------------------------

T9 = time(9)
T18 = time(18)
D1 = datetime(2026, 1, 1)
D2 = datetime(2026, 1, 2)
MSK = ZoneInfo("Europe/Moscow")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "at least one field must be set"),
        ({"start_dow": 2}, "end_dow: required when start_dow is set"),
        ({"end_dow": 2}, "start_dow: required when end_dow is set"),
        ({"start_mday": 2}, "end_mday: required when start_mday is set"),
        ({"end_mday": 2}, "start_mday: required when end_mday is set"),
        ({"start_time": T9}, "end_time: required when start_time is set"),
        ({"end_time": T9}, "start_time: required when end_time is set"),
        ({"start_datetime": D1}, "end_datetime: required when start_datetime is set"),
        ({"end_datetime": D1}, "start_datetime: required when end_datetime is set"),
        (
            {"sched_start_date": date(2026, 1, 1)},
            "sched_active_days: required when sched_start_date is set",
        ),
        (
            {"sched_start_date": date(2026, 1, 1), "sched_active_days": 2},
            "sched_skip_days: required when sched_start_date is set",
        ),
        (
            {"sched_active_days": 2, "sched_skip_days": 2},
            "sched_start_date: required when sched_active_days is set",
        ),
        ({"month": 0}, "month: must be between 1 and 12, got 0"),
        ({"month": 13}, "month: must be between 1 and 12, got 13"),
        ({"start_dow": 0, "end_dow": 1}, "start_dow: must be between 1 and 7 (1 = Sunday), got 0"),
        ({"start_dow": 1, "end_dow": 8}, "end_dow: must be between 1 and 7 (1 = Sunday), got 8"),
        ({"start_mday": 0, "end_mday": 1}, "start_mday: must be between 1 and 31, got 0"),
        ({"start_mday": 1, "end_mday": 32}, "end_mday: must be between 1 and 31, got 32"),
        ({"start_mday": 20, "end_mday": 10}, "end_mday: must not be below start_mday (10 < 20)"),
        (
            {"start_time": T18, "end_time": T9},
            "end_time: must be after start_time (09:00:00 <= 18:00:00); "
            "a range across midnight needs two conditions",
        ),
        (
            {"start_time": T9, "end_time": T9},
            "end_time: must be after start_time (09:00:00 <= 09:00:00); "
            "a range across midnight needs two conditions",
        ),
        (
            {"start_datetime": D2, "end_datetime": D1},
            "end_datetime: must be after start_datetime "
            "(2026-01-01 00:00:00 <= 2026-01-02 00:00:00)",
        ),
        (
            {"sched_start_date": date(2026, 1, 1), "sched_active_days": 0, "sched_skip_days": 1},
            "sched_active_days: must be between 1 and 3660, got 0",
        ),
        (
            {"sched_start_date": date(2026, 1, 1), "sched_active_days": 1, "sched_skip_days": 0},
            "sched_skip_days: must be between 1 and 3660, got 0",
        ),
        (
            {"sched_start_date": date(2026, 1, 1), "sched_active_days": 1, "sched_skip_days": 3661},
            "sched_skip_days: must be between 1 and 3660, got 3661",
        ),
        ({"month": True}, "month: must be an integer, got True"),
        ({"month": "5"}, "month: must be an integer, got '5'"),
        ({"start_time": "09:00", "end_time": T18}, "start_time: must be a time, got '09:00'"),
        (
            {"start_time": time(9, tzinfo=UTC), "end_time": T18},
            "start_time: must be local to the interval's timezone (no UTC offset)",
        ),
        (
            {"start_time": time(9, 0, 0, 5), "end_time": T18},
            "start_time: must be whole seconds",
        ),
        (
            {"start_datetime": datetime(2026, 1, 1, tzinfo=MSK), "end_datetime": D2},
            "start_datetime: must be local to the interval's timezone (no UTC offset)",
        ),
        (
            {"start_datetime": date(2026, 1, 1), "end_datetime": D2},
            "start_datetime: must be a datetime, got datetime.date(2026, 1, 1)",
        ),
        (
            {"sched_start_date": D1, "sched_active_days": 1, "sched_skip_days": 1},
            "sched_start_date: must be a date, got datetime.datetime(2026, 1, 1, 0, 0)",
        ),
    ],
)
def test_condition_validation_messages(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(IntervalError) as caught:
        IntervalCondition(**fields)
    assert str(caught.value) == message


def test_single_day_ranges_are_allowed() -> None:
    assert IntervalCondition(start_mday=1, end_mday=1).matches(datetime(2026, 5, 1, 12))
    assert IntervalCondition(start_dow=3, end_dow=3).matches(datetime(2026, 11, 24))  # Tuesday


@pytest.mark.parametrize(
    ("zone", "message"),
    [
        ("Nowhere/Atlantis", "timezone: unknown IANA time zone 'Nowhere/Atlantis'"),
        ("Europe", "timezone: unknown IANA time zone 'Europe'"),
        ("europe/moscow", "timezone: unknown IANA time zone 'europe/moscow'"),
        ("../etc/passwd", "timezone: must be an IANA time zone name, got '../etc/passwd'"),
        ("/etc/localtime", "timezone: must be an IANA time zone name, got '/etc/localtime'"),
        ("", "timezone: must be an IANA time zone name, got ''"),
        ("localtime", "timezone: 'localtime' depends on the host; name a zone"),
        ("zone1970.tab", "timezone: must be an IANA time zone name, got 'zone1970.tab'"),
    ],
)
def test_timezone_validation(zone: str, message: str) -> None:
    with pytest.raises(IntervalError) as caught:
        Interval(zone)
    assert str(caught.value) == message
    assert caught.value.field == "timezone"


def test_interval_refuses_foreign_conditions_and_naive_instants() -> None:
    with pytest.raises(IntervalError, match=r"^conditions\[1\]: must be an IntervalCondition$"):
        Interval("UTC", (IntervalCondition(month=1), {"month": 1}))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^at: must be timezone-aware$"):
        one(month=1).is_active(datetime(2026, 1, 1))


def test_interval_is_a_hashable_value() -> None:
    a = Interval("Europe/Berlin", [IntervalCondition(month=1)])  # type: ignore[arg-type]
    b = Interval("Europe/Berlin", (IntervalCondition(month=1),))
    assert a == b and hash(a) == hash(b) and a.conditions == b.conditions
    assert "ZoneInfo" not in repr(a)


# --- the API's JSON form ----------------------------------------------------------------------


def test_mapping_parses_the_api_formats() -> None:
    condition = condition_from_mapping(
        {
            "month": 12,
            "start_dow": "2",
            "end_dow": 6,
            "start_time": "09:00:00",
            "end_time": "18:30",
            "start_mday": None,
            "end_mday": "",
            "sched_start_date": "2026-01-05",
            "sched_active_days": 2,
            "sched_skip_days": 2,
        }
    )
    assert condition == IntervalCondition(
        month=12,
        start_dow=2,
        end_dow=6,
        start_time=time(9),
        end_time=time(18, 30),
        sched_start_date=date(2026, 1, 5),
        sched_active_days=2,
        sched_skip_days=2,
    )
    explicit = condition_from_mapping(
        {"start_datetime": "2020-03-20 17:11:10", "end_datetime": "2020-03-21T08:00:00"}
    )
    assert (explicit.start_datetime, explicit.end_datetime) == (
        datetime(2020, 3, 20, 17, 11, 10),
        datetime(2020, 3, 21, 8),
    )


def test_mapping_answer_form() -> None:
    condition = IntervalCondition(
        start_time=time(9, 5, 7),
        end_time=time(23, 59, 59),
        start_datetime=datetime(2026, 12, 31, 18),
        end_datetime=datetime(2027, 1, 1, 6),
        sched_start_date=date(2026, 1, 5),
        sched_active_days=5,
        sched_skip_days=2,
    )
    assert condition_to_mapping(condition) == {
        "month": None,
        "start_dow": None,
        "end_dow": None,
        "start_mday": None,
        "end_mday": None,
        "start_time": "09:05:07",
        "end_time": "23:59:59",
        "start_datetime": "2026-12-31 18:00:00",
        "end_datetime": "2027-01-01 06:00:00",
        "sched_start_date": "2026-01-05",
        "sched_active_days": 5,
        "sched_skip_days": 2,
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"month": 1, "start_dom": 1}, "start_dom: unknown field"),
        ({"month": "twelve"}, "month: must be an integer, got 'twelve'"),
        ({"month": 1.5}, "month: must be an integer, got 1.5"),
        ({"month": False}, "month: must be an integer, got False"),
        ({"month": "١٢"}, "month: must be an integer, got '١٢'"),
        (
            {"start_time": "9am", "end_time": "18:00:00"},
            "start_time: must be a time 'hh:mm:ss', got '9am'",
        ),
        (
            {"start_time": "09:00:00", "end_time": "24:00:00"},
            "end_time: must be a time 'hh:mm:ss', got '24:00:00'",
        ),
        (
            {"start_time": 900, "end_time": "18:00:00"},
            "start_time: must be a time 'hh:mm:ss', got 900",
        ),
        (
            {"start_datetime": "2026-02-30 00:00:00", "end_datetime": "2026-03-01 00:00:00"},
            "start_datetime: must be a date-time 'YYYY-MM-DD HH:MM:SS', got '2026-02-30 00:00:00'",
        ),
        (
            {"start_datetime": "2026-02-01 00:00:00+03:00", "end_datetime": "2026-03-01 00:00:00"},
            "start_datetime: must be a date-time 'YYYY-MM-DD HH:MM:SS', "
            "got '2026-02-01 00:00:00+03:00'",
        ),
        (
            {"sched_start_date": "05.01.2026", "sched_active_days": 1, "sched_skip_days": 1},
            "sched_start_date: must be a date 'YYYY-MM-DD', got '05.01.2026'",
        ),
        ({"start_time": "09:00:00"}, "end_time: required when start_time is set"),
        ({}, "at least one field must be set"),
    ],
)
def test_mapping_errors(data: dict[str, object], message: str) -> None:
    with pytest.raises(IntervalError) as caught:
        condition_from_mapping(data)
    assert str(caught.value) == message


def test_list_errors_are_located_by_index() -> None:
    good = {"month": 1}
    with pytest.raises(IntervalError) as caught:
        conditions_from_mappings([good, {"start_time": "09:00:00"}])
    assert str(caught.value) == "conditions[1].end_time: required when start_time is set"
    assert caught.value.field == "conditions[1].end_time"
    with pytest.raises(IntervalError, match=r"^conditions\[0\]: at least one field must be set$"):
        conditions_from_mappings([{}])
    with pytest.raises(IntervalError, match=r"^conditions\[1\]: must be an object$"):
        conditions_from_mappings([good, 5])
    assert conditions_from_mappings([good, good]) == (IntervalCondition(month=1),) * 2


# --- properties -------------------------------------------------------------------------------

ZONES = ("UTC", "Europe/Moscow", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe")
SECONDS = st.integers(0, 86_399)


def seconds_to_time(seconds: int) -> time:
    return time(seconds // 3600, seconds // 60 % 60, seconds % 60)


@st.composite
def conditions(draw: st.DrawFn) -> IntervalCondition:
    fields: dict[str, Any] = {}
    if draw(st.booleans()):
        fields["month"] = draw(st.integers(1, 12))
    if draw(st.booleans()):
        fields["start_dow"], fields["end_dow"] = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    if draw(st.booleans()):
        low, high = sorted(draw(st.lists(st.integers(1, 31), min_size=2, max_size=2)))
        fields["start_mday"], fields["end_mday"] = low, high
    if draw(st.booleans()):
        low, high = sorted(draw(st.lists(SECONDS, min_size=2, max_size=2, unique=True)))
        fields["start_time"], fields["end_time"] = seconds_to_time(low), seconds_to_time(high)
    if draw(st.integers(0, 4)) == 0:
        moments = st.datetimes(datetime(2024, 1, 1), datetime(2028, 12, 31)).map(
            lambda moment: moment.replace(microsecond=0)
        )
        first, last = sorted(draw(st.lists(moments, min_size=2, max_size=2, unique=True)))
        fields["start_datetime"], fields["end_datetime"] = first, last
    if draw(st.booleans()):
        fields["sched_start_date"] = draw(st.dates(date(2024, 1, 1), date(2028, 12, 31)))
        fields["sched_active_days"] = draw(st.integers(1, 9))
        fields["sched_skip_days"] = draw(st.integers(1, 9))
    if not fields:
        fields["month"] = draw(st.integers(1, 12))
    return IntervalCondition(**fields)


def reference_matches(c: IntervalCondition, wall: datetime) -> bool:
    """A deliberately naive re-statement of the documented semantics."""
    if c.start_datetime is not None and c.end_datetime is not None:
        end = c.end_datetime
        if end.time() == time(23, 59, 59):
            end += timedelta(seconds=1)
        return c.start_datetime <= wall < end
    checks = [c.month is None or wall.month == c.month]
    if c.start_dow is not None and c.end_dow is not None:
        days, dow = [c.start_dow], c.start_dow
        while dow != c.end_dow:
            dow = dow % 7 + 1
            days.append(dow)
        checks.append(int(wall.strftime("%w")) + 1 in days)
    if c.start_mday is not None and c.end_mday is not None:
        checks.append(wall.day in range(c.start_mday, c.end_mday + 1))
    if c.start_time is not None and c.end_time is not None:
        second = wall.hour * 3600 + wall.minute * 60 + wall.second + wall.microsecond / 1e6
        start = c.start_time.hour * 3600 + c.start_time.minute * 60 + c.start_time.second
        end_s = c.end_time.hour * 3600 + c.end_time.minute * 60 + c.end_time.second
        end_s += 1 if end_s == 86_399 else 0
        checks.append(start <= second < end_s)
    if c.sched_start_date is not None:
        checks.append(reference_on_shift(c, wall.date()))
    return all(checks)


def reference_on_shift(c: IntervalCondition, day: date) -> bool:
    assert c.sched_start_date is not None and c.sched_active_days and c.sched_skip_days
    if day < c.sched_start_date:
        return False
    on, left, cursor = True, c.sched_active_days, c.sched_start_date
    while cursor < day:
        cursor += timedelta(days=1)
        left -= 1
        if left == 0:
            on = not on
            left = c.sched_active_days if on else c.sched_skip_days
    return on


INSTANTS = st.datetimes(datetime(2024, 1, 1), datetime(2029, 1, 1), timezones=st.just(UTC))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(conditions(), min_size=1, max_size=3),
    st.sampled_from(ZONES),
    st.lists(INSTANTS, min_size=1, max_size=5),
)
def test_is_active_agrees_with_a_brute_force_reference(
    items: list[IntervalCondition], zone: str, instants: list[datetime]
) -> None:
    interval = Interval(zone, tuple(items))
    for at in instants:
        wall = at.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
        assert interval.is_active(at) == any(reference_matches(c, wall) for c in items)


@settings(max_examples=200, deadline=None)
@given(conditions())
def test_mapping_round_trip(condition: IntervalCondition) -> None:
    mapping = condition_to_mapping(condition)
    assert list(mapping) == list(FIELDS)
    assert condition_from_mapping(mapping) == condition
    assert condition_from_mapping({k: v for k, v in mapping.items() if v is not None}) == condition
