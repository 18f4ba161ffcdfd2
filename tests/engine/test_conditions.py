"""Rule conditions: interval, caller id, variable, call status — and the trace of a skip."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import re2

from ivrd.engine import actions as a
from ivrd.engine.intervals import Interval, IntervalCondition
from ivrd.engine.menu import CallInfo, Conditions, IvrSettings, Menu
from ivrd.engine.simulate import simulate

from .menus import CALL, DURATIONS, context, rule
from .timeline import effects, traces

# Working hours 09:00-18:00 Moscow time (UTC+3).
OFFICE = Interval(
    "Europe/Moscow", (IntervalCondition(start_time=datetime.time(9), end_time=datetime.time(18)),)
)


def run(conditions: Conditions, call: CallInfo = CALL, at: Any = 0.0) -> dict[str, Any]:
    ctx = context(
        1, (rule(1, a.Transfer("111"), conditions=conditions), rule(2, a.Hangup("fallback")))
    )
    menu = Menu(IvrSettings(entry_context=1), {1: ctx}, DURATIONS, intervals={7: OFFICE})
    return simulate(menu, call, at=at)


def utc(hour: int) -> datetime.datetime:
    return datetime.datetime(2026, 3, 10, hour, 30, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("at", "runs"), [(utc(6), True), (utc(14), True), (utc(5), False), (utc(15), False)]
)
def test_interval_is_checked_in_its_timezone(at: datetime.datetime, runs: bool) -> None:
    result = run(Conditions(interval=7), at=at)
    assert effects(result)[0] == ("0 transfer 111" if runs else "0 hangup fallback")
    if not runs:
        assert traces(result, "skip") == [{"rule": 1, "reason": "interval 7 is not active"}]


def test_missing_interval_never_holds() -> None:
    result = run(Conditions(interval=8), at=utc(10))
    assert traces(result, "skip") == [{"rule": 1, "reason": "interval 8 does not exist"}]


def caller(number: str) -> CallInfo:
    return CallInfo(call_id="c1", caller_id_number=number)


SPB = r"^(\+|)7812"


@pytest.mark.parametrize(
    ("action", "number", "runs"),
    [
        ("matches", "+78121234567", True),
        ("matches", "78121234567", True),
        ("matches", "+74951234567", False),
        ("matches", "", False),
        ("not_matches", "+74951234567", True),
        ("not_matches", "+78121234567", False),
        ("not_matches", "anonymous", False),
        ("anonymous", "", True),
        ("anonymous", "Anonymous", True),
        ("anonymous", "+78121234567", False),
        ("any", "", True),
        ("any", "+7", True),
    ],
)
def test_caller_id_conditions(action: str, number: str, runs: bool) -> None:
    matcher = re2.compile(SPB).search if action in ("matches", "not_matches") else None
    cond = Conditions(
        caller_id_action=action,
        caller_id=SPB,  # type: ignore[arg-type]
        caller_id_matcher=matcher,
    )
    result = run(cond, caller(number))
    assert effects(result)[0] == ("0 transfer 111" if runs else "0 hangup fallback")


def test_caller_id_skip_reason_names_pattern() -> None:
    cond = Conditions(
        caller_id_action="matches", caller_id=SPB, caller_id_matcher=re2.compile(SPB).search
    )
    result = run(cond, caller("+74951234567"))
    assert traces(result, "skip") == [
        {"rule": 1, "reason": "caller id '+74951234567' does not match '^(\\\\+|)7812'"}
    ]


def test_preset_variables_can_be_matched() -> None:
    cond = Conditions(match_variable_name="called_did", match_variable_value="74950000000")
    assert effects(run(cond))[0] == "0 transfer 111"


@pytest.mark.parametrize("status", ["busy", "no_answer"])
def test_call_status_does_not_hold_before_any_transfer(status: str) -> None:
    result = run(Conditions(call_status=status))  # type: ignore[arg-type]
    assert traces(result, "skip") == [{"rule": 1, "reason": f"call_status is unset, not {status}"}]


@pytest.mark.parametrize(
    ("outcome", "matching"), [("busy", "busy"), ("no_answer", "no_answer"), ("failed", "no_answer")]
)
def test_call_status_after_a_transfer(outcome: str, matching: str) -> None:
    rules = (
        rule(1, a.Transfer("100")),
        rule(2, a.Hangup("busy"), conditions=Conditions(call_status="busy")),
        rule(3, a.Hangup("no_answer"), conditions=Conditions(call_status="no_answer")),
    )
    menu = Menu(IvrSettings(entry_context=1), {1: context(1, rules)}, DURATIONS)
    result = simulate(menu, CALL, transfers={"100": outcome})
    assert effects(result)[-1].endswith(f"hangup {matching}")


def test_conditions_validate() -> None:
    with pytest.raises(ValueError, match="needs a caller_id matcher"):
        Conditions(caller_id_action="matches", caller_id="^1")
    with pytest.raises(ValueError, match="match_variable_value is required"):
        Conditions(match_variable_name="x")
    with pytest.raises(ValueError, match="call_status must be one of"):
        Conditions(call_status="answered")  # type: ignore[arg-type]
