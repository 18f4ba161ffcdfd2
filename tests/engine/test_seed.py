"""The seed's worked example, call by call, in virtual time (issue 4's "Done means")."""

from __future__ import annotations

import pytest

from ivrd.engine import actions as a
from ivrd.engine.menu import Conditions, Context
from ivrd.engine.simulate import simulate

from .menus import CALL, rule, seed_context, seed_menu
from .timeline import effects, outcome, traces

# sleep_time 5 s; advertising (52) 7 s foreground; hello (51) 4 s background; then 5 s.
NO_INPUT = [
    "5000 play 52 foreground",
    "12000 play 51 background",
    "21000 transfer 050",
    "84000 hangup normal",
]


def test_no_input_plays_both_prompts_waits_5s_and_transfers_to_050() -> None:
    result = simulate(seed_menu(), CALL, [])
    assert effects(result) == NO_INPUT
    assert outcome(result) == ("transfer", ["050"], 24000)
    assert traces(result, "wait") == [{"context": 1, "timeout_ms": 5000}]
    assert [t["rule"] for t in traces(result, "rule")] == [1, 2, 5]


def test_1_during_hello_transfers_to_the_mobile() -> None:
    # Extensions 101 and 102 start with "1": the input waits inter_digit_timeout (2 s).
    result = simulate(seed_menu(), CALL, [{"when_playing": 51, "after_ms": 1000, "digits": "1"}])
    assert effects(result) == [
        "5000 play 52 foreground",
        "12000 play 51 background",
        "13000 stop",
        "15000 transfer +7987654321",
        "78000 hangup normal",
    ]
    assert traces(result, "input") == [
        {"digits": "1", "reason": "inter_digit_timeout", "selects": "option", "key": "1"}
    ]


def test_1_completes_at_once_when_nothing_longer_starts_with_it() -> None:
    menu = seed_menu()
    menu = type(menu)(
        menu.settings, menu.contexts, menu.sound_durations_ms, extensions=frozenset({"002", "050"})
    )
    result = simulate(menu, CALL, [{"when_playing": 51, "after_ms": 1000, "digits": "1"}])
    assert effects(result)[2:4] == ["13000 stop", "13000 transfer +7987654321"]
    assert traces(result, "input")[0]["reason"] == "unique_match"


def test_1_during_advertising_is_ignored() -> None:
    result = simulate(seed_menu(), CALL, [{"when_playing": 52, "after_ms": 1000, "digits": "1"}])
    assert effects(result) == NO_INPUT
    assert traces(result, "digit") == [
        {"digit": "1", "source": "sim", "discarded": "foreground prompt"}
    ]


def test_three_digit_extension_transfers_to_it() -> None:
    result = simulate(seed_menu(), CALL, [{"when_playing": 51, "digits": "200"}])
    assert effects(result) == [
        "5000 play 52 foreground",
        "12000 play 51 background",
        "12000 stop",
        "12000 transfer 200",
        "75000 hangup normal",
    ]
    assert outcome(result) == ("transfer", ["200"], 15000)
    assert traces(result, "input")[0]["reason"] == "digit_len"


@pytest.mark.parametrize(("digits", "reason"), [("103", "digit_len"), ("999", "digit_len")])
def test_unknown_number_goes_to_invalid_which_hangs_up(digits: str, reason: str) -> None:
    result = simulate(seed_menu(), CALL, [{"when_playing": 51, "digits": digits}])
    assert effects(result) == [
        "5000 play 52 foreground",
        "12000 play 51 background",
        "12000 stop",
        "12000 hangup normal",
    ]
    assert traces(result, "input")[0]["reason"] == reason
    assert traces(result, "option")[-1] == {"context": 1, "option": "invalid", "why": "input"}
    assert outcome(result) == ("hangup", [], 12000)


def test_busy_transfer_not_final_runs_next_rule_with_call_status_busy() -> None:
    options = dict(seed_context().options)
    options["2"] = (
        rule(4, a.Transfer("002"), final=False),
        rule(6, a.PlaySound(60, "foreground"), conditions=Conditions(call_status="no_answer")),
        rule(7, a.Transfer("050"), conditions=Conditions(call_status="busy")),
    )
    menu = seed_menu()
    ctx = Context(1, "c", options, timeout=5000, inter_digit_timeout=2000, digit_len=3)
    menu = type(menu)(menu.settings, {1: ctx}, menu.sound_durations_ms, extensions=frozenset())
    result = simulate(menu, CALL, [{"when_playing": 51, "digits": "2"}], transfers={"002": "busy"})
    assert effects(result) == [
        "5000 play 52 foreground",
        "12000 play 51 background",
        "12000 stop",
        "12000 transfer 002 nonfinal",
        "12500 transfer 050",
        "75500 hangup normal",
    ]
    assert traces(result, "skip") == [{"rule": 6, "reason": "call_status is busy, not no_answer"}]
    assert outcome(result) == ("transfer", ["050"], 15500)
