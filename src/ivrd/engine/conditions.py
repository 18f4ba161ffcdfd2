"""Whether a rule's conditions hold, and if not, which one failed (for the trace).

Conditions are checked in a fixed order — interval, caller id, variable, call status — and
the first failing one is reported.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from ivrd.engine.menu import Conditions, IntervalLike

UTC = datetime.UTC


def failing_condition(
    cond: Conditions,
    *,
    now: float,
    caller_id_number: str,
    variables: Mapping[str, str],
    call_status: str | None,
    intervals: Mapping[int, IntervalLike],
) -> str | None:
    """The first condition that does not hold, described; None when all hold."""
    if cond.interval is not None:
        reason = _interval(cond.interval, now, intervals)
        if reason:
            return reason
    if cond.caller_id_action != "any":
        reason = _caller_id(cond, caller_id_number)
        if reason:
            return reason
    if cond.match_variable_name is not None:
        value = variables.get(cond.match_variable_name)
        if value != cond.match_variable_value:
            return (
                f"variable {cond.match_variable_name} is {value!r}, "
                f"not {cond.match_variable_value!r}"
            )
    if cond.call_status != "any" and call_status != cond.call_status:
        return f"call_status is {call_status or 'unset'}, not {cond.call_status}"
    return None


def _interval(interval_id: int, now: float, intervals: Mapping[int, IntervalLike]) -> str | None:
    interval = intervals.get(interval_id)
    if interval is None:
        return f"interval {interval_id} does not exist"
    if not interval.is_active(datetime.datetime.fromtimestamp(now, tz=UTC)):
        return f"interval {interval_id} is not active"
    return None


def _caller_id(cond: Conditions, number: str) -> str | None:
    action = cond.caller_id_action
    if action == "anonymous":
        return None if is_anonymous(number) else f"caller id {number!r} is not anonymous"
    if is_anonymous(number):
        return f"caller id is hidden ({action} {cond.caller_id!r} needs one)"
    assert cond.caller_id_matcher is not None  # Conditions validates this
    matched = bool(cond.caller_id_matcher(number))
    if action == "matches" and not matched:
        return f"caller id {number!r} does not match {cond.caller_id!r}"
    if action == "not_matches" and matched:
        return f"caller id {number!r} matches {cond.caller_id!r}"
    return None


def is_anonymous(number: str) -> bool:
    """A hidden caller: no number, or the usual SIP placeholders for one."""
    return not number or number.lower() in ("anonymous", "unknown", "restricted", "private")
