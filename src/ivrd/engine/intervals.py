"""Time intervals: decide whether a rule's ``interval`` is active at a given instant.

A rule may carry ``interval: <id>``; it runs only while that interval is active. The answer must
be the same in the simulator (virtual time) and on a live call, so it is a pure function of the
instant: the caller passes ``at`` (timezone-aware), nothing here reads the clock.

Semantics (see docs/intervals.md for the reasoning):
- An interval is active when ANY of its conditions matches; an interval without conditions is
  never active. Within a condition ALL set fields must hold.
- Everything is compared on the local wall clock of the interval's IANA time zone: ``at`` is
  converted there first. A local time skipped by a DST jump is simply never seen; a repeated one
  is seen twice.
- month, day-of-week and day-of-month ranges are inclusive at both ends; day of week runs
  1 = Sunday … 7 = Saturday and may wrap (3..1 = every day but Monday); day-of-month numbers are
  literal (31 never matches in a 30-day month).
- time and date-time ranges are half-open [start, end), to the microsecond; an end bound of
  23:59:59 includes that last second, since "24:00:00" cannot be written.
- start_datetime/end_datetime, when set, decide alone; every other field is ignored.
- A shift pattern counts local calendar days from ``sched_start_date``: ``sched_active_days``
  working days, then ``sched_skip_days`` days off, repeating; days before the start are off.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MONTH_RANGE = (1, 12)
DOW_RANGE = (1, 7)  # 1 = Sunday … 7 = Saturday (the provider's numbering)
MDAY_RANGE = (1, 31)
MAX_SCHED_DAYS = 3660  # ten years: a bound that keeps stored values in a 32-bit column
END_OF_DAY = time(23, 59, 59)  # an end bound at this second includes the whole second

FIELDS = (
    "month",
    "start_dow",
    "end_dow",
    "start_mday",
    "end_mday",
    "start_time",
    "end_time",
    "start_datetime",
    "end_datetime",
    "sched_start_date",
    "sched_active_days",
    "sched_skip_days",
)
_PAIRS = (
    ("start_dow", "end_dow"),
    ("start_mday", "end_mday"),
    ("start_time", "end_time"),
    ("start_datetime", "end_datetime"),
)
_SCHED = ("sched_start_date", "sched_active_days", "sched_skip_days")
_INT_RANGES = {
    "month": MONTH_RANGE,
    "start_dow": DOW_RANGE,
    "end_dow": DOW_RANGE,
    "start_mday": MDAY_RANGE,
    "end_mday": MDAY_RANGE,
    "sched_active_days": (1, MAX_SCHED_DAYS),
    "sched_skip_days": (1, MAX_SCHED_DAYS),
}
_ZONE_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*")
_HOST_DEPENDENT_ZONES = frozenset({"localtime", "posixrules"})
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DATETIME = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2}):(\d{2})")


class IntervalError(ValueError):
    """An invalid interval or condition; ``field`` names the offending field (may be empty)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}" if field else reason)
        self.field = field
        self.reason = reason

    def within(self, prefix: str) -> IntervalError:
        """The same error located inside ``prefix`` (e.g. ``conditions[0]``)."""
        return IntervalError(f"{prefix}.{self.field}" if self.field else prefix, self.reason)


@dataclass(frozen=True, slots=True)
class IntervalCondition:
    """One condition of an interval; unset (None) fields do not constrain."""

    month: int | None = None
    start_dow: int | None = None
    end_dow: int | None = None
    start_mday: int | None = None
    end_mday: int | None = None
    start_time: time | None = None
    end_time: time | None = None
    start_datetime: datetime | None = None
    end_datetime: datetime | None = None
    sched_start_date: date | None = None
    sched_active_days: int | None = None
    sched_skip_days: int | None = None

    def __post_init__(self) -> None:
        _check_types(self)
        if all(getattr(self, name) is None for name in FIELDS):
            raise IntervalError("", "at least one field must be set")
        _check_pairs(self)
        _check_ranges(self)
        _check_order(self)

    def matches(self, wall: datetime) -> bool:
        """Whether the naive local wall-clock time ``wall`` satisfies this condition."""
        if self.start_datetime is not None and self.end_datetime is not None:
            return _in_half_open(wall, self.start_datetime, self.end_datetime)
        return all(check(self, wall) for check in _CHECKS)


@dataclass(frozen=True, slots=True)
class Interval:
    """A named interval's evaluable part: its time zone and its conditions."""

    timezone: str
    conditions: tuple[IntervalCondition, ...] = ()
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_zone", load_zone(self.timezone))
        object.__setattr__(self, "conditions", tuple(self.conditions))
        for index, condition in enumerate(self.conditions):
            if not isinstance(condition, IntervalCondition):
                raise IntervalError(f"conditions[{index}]", "must be an IntervalCondition")

    def local_time(self, at: datetime) -> datetime:
        """``at`` on the interval's wall clock, as a naive date-time."""
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError("at: must be timezone-aware")
        return at.astimezone(self._zone).replace(tzinfo=None)

    def is_active(self, at: datetime) -> bool:
        """Whether any condition matches the instant ``at`` (timezone-aware)."""
        wall = self.local_time(at)
        return any(condition.matches(wall) for condition in self.conditions)


def load_zone(key: object) -> ZoneInfo:
    """The IANA time zone ``key``, or an IntervalError naming the ``timezone`` field."""
    if not isinstance(key, str) or not _ZONE_KEY.fullmatch(key):
        raise IntervalError("timezone", f"must be an IANA time zone name, got {key!r}")
    if key in _HOST_DEPENDENT_ZONES:
        raise IntervalError("timezone", f"{key!r} depends on the host; name a zone")
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise IntervalError("timezone", f"unknown IANA time zone {key!r}") from None


# --- validation -------------------------------------------------------------------------------


def _check_types(c: IntervalCondition) -> None:
    for name in FIELDS:
        value = getattr(c, name)
        if value is None:
            continue
        if name in _INT_RANGES:
            if not isinstance(value, int) or isinstance(value, bool):
                raise IntervalError(name, f"must be an integer, got {value!r}")
        elif name.endswith("_datetime"):
            _check_wall_clock(name, value, datetime)
        elif name.endswith("_time"):
            _check_wall_clock(name, value, time)
        elif not isinstance(value, date) or isinstance(value, datetime):
            raise IntervalError(name, f"must be a date, got {value!r}")


def _check_wall_clock(name: str, value: object, kind: type[time] | type[datetime]) -> None:
    if not isinstance(value, kind):
        raise IntervalError(name, f"must be a {kind.__name__}, got {value!r}")
    if value.tzinfo is not None:
        raise IntervalError(name, "must be local to the interval's timezone (no UTC offset)")
    if value.microsecond:
        raise IntervalError(name, "must be whole seconds")


def _check_pairs(c: IntervalCondition) -> None:
    for start, end in _PAIRS:
        if getattr(c, start) is not None and getattr(c, end) is None:
            raise IntervalError(end, f"required when {start} is set")
        if getattr(c, end) is not None and getattr(c, start) is None:
            raise IntervalError(start, f"required when {end} is set")
    present = [name for name in _SCHED if getattr(c, name) is not None]
    missing = [name for name in _SCHED if getattr(c, name) is None]
    if present and missing:
        raise IntervalError(missing[0], f"required when {present[0]} is set")


def _check_ranges(c: IntervalCondition) -> None:
    for name, (low, high) in _INT_RANGES.items():
        value = getattr(c, name)
        if value is not None and not low <= value <= high:
            note = " (1 = Sunday)" if name.endswith("_dow") else ""
            raise IntervalError(name, f"must be between {low} and {high}{note}, got {value}")


def _check_order(c: IntervalCondition) -> None:
    if c.start_mday is not None and c.end_mday is not None and c.end_mday < c.start_mday:
        raise IntervalError(
            "end_mday", f"must not be below start_mday ({c.end_mday} < {c.start_mday})"
        )
    if c.start_time is not None and c.end_time is not None and c.end_time <= c.start_time:
        raise IntervalError(
            "end_time",
            f"must be after start_time ({c.end_time} <= {c.start_time}); "
            "a range across midnight needs two conditions",
        )
    if (
        c.start_datetime is not None
        and c.end_datetime is not None
        and c.end_datetime <= c.start_datetime
    ):
        raise IntervalError(
            "end_datetime", f"must be after start_datetime ({c.end_datetime} <= {c.start_datetime})"
        )


# --- matching ---------------------------------------------------------------------------------


def day_of_week(day: date) -> int:
    """The provider's day-of-week number: 1 = Sunday … 7 = Saturday."""
    return day.isoweekday() % 7 + 1


def _in_half_open(value: datetime, start: datetime, end: datetime) -> bool:
    if end.time() == END_OF_DAY:
        return start <= value and value.date() <= end.date()
    return start <= value < end


def _month_ok(c: IntervalCondition, wall: datetime) -> bool:
    return c.month is None or wall.month == c.month


def _dow_ok(c: IntervalCondition, wall: datetime) -> bool:
    if c.start_dow is None or c.end_dow is None:
        return True
    dow = day_of_week(wall.date())
    if c.start_dow <= c.end_dow:
        return c.start_dow <= dow <= c.end_dow
    return dow >= c.start_dow or dow <= c.end_dow


def _mday_ok(c: IntervalCondition, wall: datetime) -> bool:
    if c.start_mday is None or c.end_mday is None:
        return True
    return c.start_mday <= wall.day <= c.end_mday


def _time_ok(c: IntervalCondition, wall: datetime) -> bool:
    if c.start_time is None or c.end_time is None:
        return True
    now = wall.time()
    return c.start_time <= now and (now < c.end_time or c.end_time == END_OF_DAY)


def _sched_ok(c: IntervalCondition, wall: datetime) -> bool:
    if c.sched_start_date is None or c.sched_active_days is None or c.sched_skip_days is None:
        return True
    offset = (wall.date() - c.sched_start_date).days
    if offset < 0:
        return False
    return offset % (c.sched_active_days + c.sched_skip_days) < c.sched_active_days


_CHECKS: tuple[Callable[[IntervalCondition, datetime], bool], ...] = (
    _month_ok,
    _dow_ok,
    _mday_ok,
    _time_ok,
    _sched_ok,
)


# --- the API's JSON form ----------------------------------------------------------------------


def condition_from_mapping(data: Mapping[str, object]) -> IntervalCondition:
    """A condition from the API's JSON form; unknown keys, bad formats and values are refused.

    Ints may also come as digit strings; times as "hh:mm:ss" (or "hh:mm"); date-times as
    "YYYY-MM-DD HH:MM:SS" (a "T" separator is accepted); dates as "YYYY-MM-DD". ``None`` and
    ``""`` mean unset. Already-parsed ``int``/``time``/``datetime``/``date`` values pass through.
    """
    unknown = sorted(str(key) for key in data if key not in FIELDS)
    if unknown:
        raise IntervalError(unknown[0], "unknown field")
    return IntervalCondition(
        month=_parse_int(data, "month"),
        start_dow=_parse_int(data, "start_dow"),
        end_dow=_parse_int(data, "end_dow"),
        start_mday=_parse_int(data, "start_mday"),
        end_mday=_parse_int(data, "end_mday"),
        start_time=_parse_time(data, "start_time"),
        end_time=_parse_time(data, "end_time"),
        start_datetime=_parse_datetime(data, "start_datetime"),
        end_datetime=_parse_datetime(data, "end_datetime"),
        sched_start_date=_parse_date(data, "sched_start_date"),
        sched_active_days=_parse_int(data, "sched_active_days"),
        sched_skip_days=_parse_int(data, "sched_skip_days"),
    )


def conditions_from_mappings(items: Sequence[object]) -> tuple[IntervalCondition, ...]:
    """Conditions from a JSON list; errors are located as ``conditions[i].field``."""
    conditions = []
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise IntervalError(f"conditions[{index}]", "must be an object")
        try:
            conditions.append(condition_from_mapping(item))
        except IntervalError as exc:
            raise exc.within(f"conditions[{index}]") from None
    return tuple(conditions)


def condition_to_mapping(condition: IntervalCondition) -> dict[str, int | str | None]:
    """The API's JSON form of ``condition``: every field, ``None`` when unset."""
    out: dict[str, int | str | None] = {}
    for name in FIELDS:
        value = getattr(condition, name)
        if isinstance(value, datetime):
            out[name] = value.isoformat(sep=" ")
        elif isinstance(value, time | date):
            out[name] = value.isoformat()
        else:
            out[name] = value
    return out


def _raw(data: Mapping[str, object], name: str) -> object:
    value = data.get(name)
    return None if value == "" else value


def _parse_int(data: Mapping[str, object], name: str) -> int | None:
    value = _raw(data, name)
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdecimal() and value.strip().isascii():
        return int(value)
    raise IntervalError(name, f"must be an integer, got {value!r}")


def _parse_time(data: Mapping[str, object], name: str) -> time | None:
    value = _raw(data, name)
    if value is None or isinstance(value, time):
        return value
    match = _TIME.fullmatch(value.strip()) if isinstance(value, str) else None
    try:
        if match is None:
            raise ValueError
        hour, minute, second = (int(part or 0) for part in match.groups())
        return time(hour, minute, second)
    except ValueError:
        raise IntervalError(name, f"must be a time 'hh:mm:ss', got {value!r}") from None


def _parse_datetime(data: Mapping[str, object], name: str) -> datetime | None:
    value = _raw(data, name)
    if value is None or isinstance(value, datetime):
        return value
    match = _DATETIME.fullmatch(value.strip()) if isinstance(value, str) else None
    try:
        if match is None:
            raise ValueError
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        raise IntervalError(
            name, f"must be a date-time 'YYYY-MM-DD HH:MM:SS', got {value!r}"
        ) from None


def _parse_date(data: Mapping[str, object], name: str) -> date | None:
    value = _raw(data, name)
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    match = _DATE.fullmatch(value.strip()) if isinstance(value, str) else None
    try:
        if match is None:
            raise ValueError
        year, month, day = (int(part) for part in match.groups())
        return date(year, month, day)
    except ValueError:
        raise IntervalError(name, f"must be a date 'YYYY-MM-DD', got {value!r}") from None
