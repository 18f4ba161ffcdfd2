"""Menu semantics beyond single actions: defaults, digit collection, lifetime, voicemail,
sleep_time and the loop guard (docs/semantics.md)."""

from __future__ import annotations

from typing import Any

import pytest

from ivrd.engine import actions as a
from ivrd.engine.simulate import simulate

from .menus import CALL, context, menu_of, rule
from .timeline import effects, outcome, traces

BG = a.PlaySound(61, "background")  # 2 s


def sim(
    *contexts: Any,
    script: Any = (),
    extensions: frozenset[str] = frozenset(),
    settings: Any = None,
    **kwargs: Any,
) -> dict[str, Any]:
    return simulate(
        menu_of(*contexts, extensions=extensions, **(settings or {})), CALL, list(script), **kwargs
    )


def test_option_without_rules_hangs_up_at_once() -> None:
    result = sim(context(1, ()))
    assert effects(result) == ["0 hangup normal"]
    assert traces(result, "end") == [{"action": "hangup", "reason": "option ran no rule"}]


def test_option_whose_rules_were_all_skipped_hangs_up() -> None:
    from ivrd.engine.menu import Conditions

    skipped = rule(1, BG, conditions=Conditions(caller_id_action="anonymous"))
    result = sim(context(1, (skipped,)))
    assert effects(result) == ["0 hangup normal"]
    assert traces(result, "skip") == [
        {"rule": 1, "reason": "caller id '+78121234567' is not anonymous"}
    ]


def test_rules_ran_without_routing_wait_for_input_then_timeout_option() -> None:
    ctx = context(
        1, (rule(1, a.SetVariable("v", "1")),), options={"timeout": (rule(2, a.Transfer("50")),)}
    )
    result = sim(ctx)
    assert effects(result) == ["5000 transfer 50", "68000 hangup normal"]


def test_zero_timeouts_mean_the_platform_defaults() -> None:
    ctx = context(
        1,
        (rule(1, BG),),
        options={"12": (rule(2, a.Transfer("12")),), "123": (rule(3, a.Transfer("123")),)},
        timeout=0,
        inter_digit_timeout=0,
        digit_len=0,
    )
    assert traces(sim(ctx), "wait") == [{"context": 1, "timeout_ms": 5000}]
    result = sim(ctx, script=[{"after_ms": 2500, "digits": "12"}])
    assert effects(result)[1] == "5500 transfer 12"  # 3 s inter-digit default, twice


OPTS = {
    "12": (rule(2, a.Transfer("12")),),
    "123": (rule(3, a.Transfer("123")),),
    "5": (rule(5, a.Transfer("5")),),
}


@pytest.mark.parametrize(
    ("script", "first", "reason"),
    [
        ([{"after_ms": 100, "digits": "5"}], "100 transfer 5", "unique_match"),
        ([{"after_ms": 100, "digits": "12#"}], "100 transfer 12", "terminator"),
        ([{"after_ms": 100, "digits": "12"}], "2100 transfer 12", "inter_digit_timeout"),
        ([{"after_ms": 100, "digits": "123"}], "100 transfer 123", "digit_len"),
        (
            [
                {"after_ms": 100, "digits": "1"},
                {"after_ms": 1500, "digits": "2"},
                {"after_ms": 1500, "digits": "3"},
            ],
            "3100 transfer 123",
            "digit_len",
        ),
        ([{"after_ms": 100, "digits": "#"}], "100 hangup normal", "terminator"),
        ([{"after_ms": 100, "digits": "7"}], "2100 hangup normal", "inter_digit_timeout"),
        ([{"after_ms": 100, "digits": "789"}], "100 hangup normal", "digit_len"),
    ],
)
def test_digit_collection(script: Any, first: str, reason: str) -> None:
    result = sim(context(1, (rule(1, BG),), options=OPTS), script=script)
    effect = [e for e in effects(result) if "play" not in e and "stop" not in e]
    assert effect[0] == first
    assert traces(result, "input")[0]["reason"] == reason


def test_inter_digit_timeout_restarts_with_each_digit() -> None:
    script = [{"after_ms": 100, "digits": "1"}, {"after_ms": 1900, "digits": "2"}]
    result = sim(context(1, (rule(1, BG),), options=OPTS), script=script)
    assert "4000 transfer 12" in effects(result)


def test_digit_len_limits_input_even_if_longer_options_exist() -> None:
    ctx = context(1, (rule(1, BG),), options=OPTS, digit_len=2)
    result = sim(ctx, script=[{"after_ms": 100, "digits": "123"}])
    assert "100 transfer 12" in effects(result)


@pytest.mark.parametrize(
    ("allow", "expected"), [(True, "100 transfer 300"), (False, "100 hangup normal")]
)
def test_allow_any_dial(allow: bool, expected: str) -> None:
    ctx = context(1, (rule(1, BG),), allow_any_dial=allow)
    result = sim(ctx, script=[{"after_ms": 100, "digits": "300"}], extensions=frozenset({"300"}))
    assert expected in effects(result)


def test_dialled_extension_busy_falls_to_default_end() -> None:
    ctx = context(1, (rule(1, BG),), allow_any_dial=True)
    result = sim(
        ctx,
        script=[{"after_ms": 100, "digits": "300"}],
        extensions=frozenset({"300"}),
        transfers={"300": "busy"},
    )
    assert effects(result)[-2:] == ["100 transfer 300", "600 hangup normal"]


def test_background_digit_skips_the_remaining_rules() -> None:
    ctx = context(
        1,
        (rule(1, BG), rule(2, a.PlaySound(60, "foreground"))),
        options={"5": (rule(5, a.Hangup("five")),)},
    )
    result = sim(ctx, script=[{"after_ms": 500, "digits": "5"}])
    assert effects(result) == ["0 play 61 background", "500 stop", "500 hangup five"]


def test_sleep_time_delays_entry_and_discards_digits() -> None:
    ctx = context(1, (rule(1, a.Hangup()),))
    result = sim(ctx, settings={"sleep_time": 1500}, script=[{"after_ms": 10, "digits": "1"}])
    assert effects(result) == ["1500 hangup normal"]
    assert traces(result, "digit")[0]["discarded"] == "not listening (sleeping)"


def test_lifetime_hangs_up_whatever_is_happening() -> None:
    ctx = context(1, (rule(1, a.PlaySilence(20_000)),))
    result = sim(ctx, settings={"lifetime": 10})
    assert effects(result) == ["0 silence 20000", "10000 stop", "10000 hangup normal"]
    assert traces(result, "end")[0]["reason"] == "lifetime expired"


def test_lifetime_transfer_cancels_ringing_and_transfers() -> None:
    ctx = context(1, (rule(1, a.Transfer("100", 60)),))
    result = sim(
        ctx,
        settings={
            "lifetime": 10,
            "lifetime_exp_action": "transfer",
            "lifetime_exp_transfer_dst": "999",
        },
        transfers={"100": "no_answer"},
    )
    assert effects(result) == [
        "0 transfer 100",
        "10000 cancel_transfer",
        "10000 transfer 999",
        "73000 hangup normal",
    ]
    assert outcome(result) == ("transfer", ["999"], 13000)


def test_lifetime_transfer_unanswered_hangs_up() -> None:
    ctx = context(1, (rule(1, a.PlaySilence(20_000)),))
    result = sim(
        ctx,
        settings={
            "lifetime": 10,
            "lifetime_exp_action": "transfer",
            "lifetime_exp_transfer_dst": "999",
        },
        transfers={"999": "busy"},
    )
    assert effects(result)[-2:] == ["10000 transfer 999", "10500 hangup normal"]


def test_lifetime_waits_for_a_non_final_transfer_to_end() -> None:
    ctx = context(1, (rule(1, a.Transfer("100"), final=False), rule(2, a.Hangup("after"))))
    result = sim(ctx, settings={"lifetime": 10}, talk_ms=20_000)
    assert effects(result) == ["0 transfer 100 nonfinal", "23000 hangup normal"]
    assert traces(result, "lifetime")[1] == {"result": "deferred until the transfer's call ends"}


def test_lifetime_stops_when_a_final_transfer_is_answered() -> None:
    ctx = context(1, (rule(1, a.Transfer("100")),))
    result = sim(ctx, settings={"lifetime": 10}, talk_ms=20_000)
    assert effects(result) == ["0 transfer 100", "23000 hangup normal"]
    assert outcome(result) == ("transfer", ["100"], 3000)


VM = {"vm_enabled": True, "vm_greeting": 61, "vm_mailto": "boss@example.com"}


def test_voicemail_replaces_the_default_hangup() -> None:
    result = sim(context(1, ()), settings=VM, script=[{"after_ms": 9000, "hangup": True}])
    assert effects(result) == ["0 play 61 foreground", "2000 voicemail"]
    assert outcome(result) == ("voicemail", [], 1)
    record = next(e for e in result["trace"] if e["kind"] == "voicemail")
    assert (record["mailto"], record["attach"], record["greeting_sound_id"]) == (
        "boss@example.com",
        True,
        61,
    )


def test_voicemail_after_unanswered_transfer_and_length_limit() -> None:
    ctx = context(1, (rule(1, a.Transfer("100")),))
    result = sim(ctx, settings=VM, transfers={"100": "busy"})
    assert effects(result) == [
        "0 transfer 100",
        "500 play 61 foreground",
        "2500 voicemail",
        "182500 hangup normal",
    ]


def test_explicit_hangup_rule_still_hangs_up_with_voicemail_on() -> None:
    result = sim(context(1, (rule(1, a.Hangup()),)), settings=VM)
    assert effects(result) == ["0 hangup normal"]


def test_jump_cycle_trips_the_loop_guard() -> None:
    ctx1 = context(1, (rule(1, a.SetVariable("x", "1")), rule(2, a.JumpToContext(2))))
    ctx2 = context(2, (rule(3, a.JumpToContext(1)),))
    result = sim(ctx1, ctx2)
    assert effects(result) == ["0 hangup normal"]
    assert outcome(result)[0] == "error"
    assert len(traces(result, "option")) == 100


def test_replaying_menu_is_not_a_loop() -> None:
    ctx = context(1, (rule(1, BG),), options={"timeout": (rule(2, a.JumpToContext(1)),)})
    result = sim(ctx, settings={"lifetime": 60})
    assert outcome(result) == ("hangup", [], 60000)
    assert len(traces(result, "option")) == 17  # start + (7 s cycles: timeout, start) * 8


def test_caller_hang_up_ends_without_a_hangup_command() -> None:
    result = sim(context(1, (rule(1, BG),)), script=[{"after_ms": 700, "hangup": True}])
    assert effects(result) == ["0 play 61 background"]
    assert outcome(result) == ("caller_hangup", [], 700)


def test_lifetime_cuts_voicemail_short() -> None:
    result = sim(context(1, ()), settings={**VM, "lifetime": 30})
    assert effects(result) == ["0 play 61 foreground", "2000 voicemail", "30000 hangup normal"]
    assert outcome(result) == ("voicemail", [], 1)


def test_hangup_comes_before_the_end_trace_which_is_last() -> None:
    result = sim(context(1, (rule(1, a.Hangup("bye")),)))
    assert [e["kind"] for e in result["trace"]][-2:] == ["hangup", "end"]


def test_dialled_extension_is_traced() -> None:
    ctx = context(1, (rule(1, BG),), allow_any_dial=True)
    result = sim(ctx, script=[{"after_ms": 100, "digits": "300"}], extensions=frozenset({"300"}))
    assert traces(result, "dial") == [{"extension": "300"}]
