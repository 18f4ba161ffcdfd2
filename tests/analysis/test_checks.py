"""Every static check: a menu that triggers it and one that does not. Where the engine can
show the consequence, a simulation of the same menu shows it too (the checks must agree)."""

from __future__ import annotations

from typing import Any

import pytest

from ivrd.analysis import CHECKS, Finding, MenuFacts, analyze, counts
from ivrd.engine import actions as a
from ivrd.engine.intervals import Interval, IntervalCondition
from ivrd.engine.menu import Conditions, Context, IvrSettings, Menu
from ivrd.engine.simulate import simulate
from tests.engine.menus import CALL, context, menu_of, rule, seed_menu

BG = a.PlaySound(61, "background")  # 2 s
FG = a.PlaySound(60, "foreground")  # 1 s
WORK_HOURS = Interval("Europe/Moscow", (IntervalCondition(start_dow=2, end_dow=6),))


def found(menu: Menu, code: str, facts: MenuFacts | None = None) -> list[Finding]:
    return [f for f in analyze(menu, facts) if f.code == code]


def paths(findings: list[Finding]) -> list[dict[str, object]]:
    return [dict(f.path) for f in findings]


def waiting(cid: int = 1, **options: Any) -> Context:
    """A context that plays a background prompt and waits, with the given options."""
    return context(cid, (rule(100 + cid, BG),), options=options)


# --- entry and reachability -------------------------------------------------------------------


@pytest.mark.parametrize("entry", [0, 99])
def test_entry_context_unset_or_missing(entry: int) -> None:
    menu = menu_of(waiting(), entry_context=entry)
    [f] = found(menu, "E001-no-entry-context")
    assert f.severity == "error"
    assert dict(f.path) == {"ivr": "entry_context"}
    assert simulate(menu, CALL)["outcome"]["action"] == "hangup"
    assert found(menu_of(waiting()), "E001-no-entry-context") == []


def test_context_no_path_reaches() -> None:
    lonely = waiting(2)
    menu = menu_of(waiting(1), lonely)
    [f] = found(menu, "W002-unreachable-context")
    assert (f.severity, dict(f.path)) == ("warning", {"context": 2})
    linked = menu_of(waiting(1, **{"5": (rule(1, a.JumpToContext(2)),)}), lonely)
    assert found(linked, "W002-unreachable-context") == []


def test_unreachable_context_is_only_a_note_when_call_interactive_may_jump_there() -> None:
    ask = rule(1, a.CallInteractive("https://example.test/ivr"))
    menu = menu_of(context(1, (ask,)), waiting(2))
    [f] = found(menu, "W002-unreachable-context")
    assert f.severity == "info"
    assert "Call Interactive" in f.message


def test_jump_to_missing_context_and_missing_option() -> None:
    ctx = waiting(1, **{"1": (rule(1, a.JumpToContext(9)),),
                        "2": (rule(2, a.JumpToContext(2, "7")),)})
    menu = menu_of(ctx, waiting(2))
    assert paths(found(menu, "E003-jump-target-missing")) == [
        {"context": 1, "option": "1", "rule": 1}]
    assert paths(found(menu, "W004-target-option-missing")) == [
        {"context": 1, "option": "2", "rule": 2}]
    fixed = menu_of(waiting(1, **{"1": (rule(1, a.JumpToContext(2)),),
                                  "2": (rule(2, a.JumpToContext(2, "timeout")),)}), waiting(2))
    assert found(fixed, "E003-jump-target-missing") == []
    assert found(fixed, "W004-target-option-missing") == []


def test_voice_helper_to_missing_option() -> None:
    helper = a.VoiceHelper(51, (a.VoiceHelperRule("3", "sales"), a.VoiceHelperRule("1", "help")))
    ctx = context(1, (rule(1, helper),), options={"1": (rule(2, a.Transfer("+74950000001")),)})
    [f] = found(menu_of(ctx), "W004-target-option-missing")
    assert "'3'" in f.message and dict(f.path)["rule"] == 1


def test_rules_after_unconditional_routing_never_run() -> None:
    ctx = context(1, (rule(1, a.Hangup()), rule(2, BG), rule(3, FG)))
    [f] = found(menu_of(ctx), "W005-dead-rule")
    assert dict(f.path) == {"context": 1, "option": "start", "rule": 2}
    assert "2, 3" in f.message
    conditional = Conditions(caller_id_action="anonymous")
    ctx = context(1, (rule(1, a.Hangup(), conditions=conditional), rule(2, BG)))
    assert found(menu_of(ctx), "W005-dead-rule") == []


def test_entry_start_without_rules() -> None:
    menu = menu_of(context(1, ()))
    [f] = found(menu, "W009-entry-start-empty")
    assert "hung up" in f.message
    assert found(menu_of(waiting()), "W009-entry-start-empty") == []


# --- loops ------------------------------------------------------------------------------------


def test_jump_cycle_with_no_prompt_spins_and_the_engine_agrees() -> None:
    menu = menu_of(context(1, (rule(1, a.SetVariable("x", "1")), rule(2, a.JumpToContext(2)))),
                   context(2, (rule(3, a.JumpToContext(1)),)), lifetime=60)
    [f] = found(menu, "E006-jump-spin")
    assert dict(f.path) == {"context": 1, "option": "start", "rule": 2}
    assert simulate(menu, CALL)["outcome"]["reason"] == "loop guard"
    prompted = menu_of(context(1, (rule(1, BG), rule(2, a.JumpToContext(2)))),
                       context(2, (rule(3, a.JumpToContext(1)),)), lifetime=60)
    assert found(prompted, "E006-jump-spin") == []
    assert found(prompted, "W007-jump-may-spin") == []
    assert simulate(prompted, CALL)["outcome"]["reason"] != "loop guard"


def test_a_spin_is_described_in_the_order_the_call_goes_round() -> None:
    menu = menu_of(context(1, (rule(1, a.JumpToContext(3)),)),
                   context(2, (rule(2, a.JumpToContext(1)),)),
                   context(3, (rule(3, a.JumpToContext(2)),)), lifetime=60)
    [f] = found(menu, "E006-jump-spin")
    assert ("'context 1'/start → 'context 3'/start → 'context 2'/start → 'context 1'/start"
            in f.message)


def test_jump_cycle_whose_prompt_is_conditional_may_spin() -> None:
    sometimes = rule(1, BG, conditions=Conditions(interval=5))
    ctx = context(1, (sometimes, rule(2, a.JumpToContext(1))))
    menu = Menu(IvrSettings(entry_context=1, lifetime=60), {1: ctx},
                sound_durations_ms={61: 2000}, intervals={5: WORK_HOURS})
    [f] = found(menu, "W007-jump-may-spin")
    assert dict(f.path) == {"context": 1, "option": "start", "rule": 2}
    assert found(menu, "E006-jump-spin") == []


def test_silent_caller_loops_forever_when_lifetime_is_zero() -> None:
    ctx = waiting(1, timeout=(rule(1, a.JumpToContext(1)),))
    [f] = found(menu_of(ctx), "W008-endless-loop")
    assert "lifetime is 0" in f.message
    assert dict(f.path) == {"context": 1, "option": "timeout", "rule": 1}
    endless = simulate(menu_of(ctx), CALL, max_ms=600_000)
    assert endless["outcome"]["action"] == "simulation_limit"
    assert found(menu_of(ctx, lifetime=300), "W008-endless-loop") == []
    assert simulate(menu_of(ctx, lifetime=300), CALL)["outcome"]["action"] == "hangup"
    exit_ = waiting(1, timeout=(rule(1, a.Transfer("+74950000001")), rule(2, a.JumpToContext(1))))
    assert found(menu_of(exit_), "W008-endless-loop") == []


# --- options and input ------------------------------------------------------------------------


def test_option_longer_than_digit_len() -> None:
    ctx = context(1, (rule(1, BG),), options={"123": (rule(2, a.Hangup()),)}, digit_len=2)
    [f] = found(menu_of(ctx), "E010-option-too-long")
    assert dict(f.path) == {"context": 1, "option": "123"}
    result = simulate(menu_of(ctx), CALL, [{"after_ms": 100, "digits": "123"}])
    assert {"kind": "input", "digits": "12"}.items() <= _first(result, "input").items()
    ok = context(1, (rule(1, BG),), options={"123": (rule(2, a.Hangup()),)}, digit_len=3)
    assert found(menu_of(ok), "E010-option-too-long") == []


def _first(result: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(e for e in result["trace"] if e["kind"] == kind)


@pytest.mark.parametrize(("key", "why"), [("1a", "cannot be pressed"), ("1#", "# ends")])
def test_option_with_characters_input_never_holds(key: str, why: str) -> None:
    [f] = found(menu_of(waiting(1, **{key: (rule(2, a.Hangup()),)})), "E011-option-bad-characters")
    assert why in f.message
    assert found(menu_of(waiting(1, **{"1*": (rule(2, a.Hangup()),)})),
                 "E011-option-bad-characters") == []


def test_option_hides_a_dialable_extension() -> None:
    opts = {"101": (rule(2, a.Transfer("+74950000001")),)}
    ctx = context(1, (rule(1, BG),), options=opts, allow_any_dial=True)
    menu = menu_of(ctx, extensions=frozenset({"101", "102"}))
    [f] = found(menu, "W012-option-hides-extension")
    assert dict(f.path) == {"context": 1, "option": "101"}
    result = simulate(menu, CALL, [{"after_ms": 100, "digits": "101"}])
    assert _first(result, "input")["selects"] == "option"
    closed = context(1, (rule(1, BG),), options=opts, allow_any_dial=False)
    assert found(menu_of(closed, extensions=frozenset({"101"})),
                 "W012-option-hides-extension") == []


def test_prefix_ambiguity_costs_the_inter_digit_wait_the_engine_waits() -> None:
    opts = {"1": (rule(2, a.Transfer("+74950000001")),),
            "10": (rule(3, a.Transfer("+74950000010")),)}
    ctx = context(1, (rule(1, BG),), options=opts, inter_digit_timeout=2500)
    [f] = found(menu_of(ctx), "W013-prefix-ambiguity")
    assert dict(f.path) == {"context": 1, "option": "1"}
    assert "2500 ms" in f.message and "10 (option)" in f.message
    result = simulate(menu_of(ctx), CALL, [{"after_ms": 100, "digits": "1"}])
    assert _first(result, "input")["t_ms"] == 100 + 2500
    plain = context(1, (rule(1, BG),), options={"1": opts["1"], "2": opts["10"]})
    assert found(menu_of(plain), "W013-prefix-ambiguity") == []


def test_seed_example_has_no_error_but_two_ambiguous_options() -> None:
    findings = analyze(seed_menu())
    assert counts(findings) == {"error": 0, "warning": 2, "info": 0}
    assert [(f.code, dict(f.path)["option"]) for f in findings] == [
        ("W013-prefix-ambiguity", "1"), ("W013-prefix-ambiguity", "2")]


def test_extensions_longer_than_digit_len_cannot_be_dialled() -> None:
    ctx = context(1, (rule(1, BG),), allow_any_dial=True, digit_len=3)
    [f] = found(menu_of(ctx, extensions=frozenset({"1000", "101"})), "I014-extension-not-dialable")
    assert "1000" in f.message and "101," not in f.message
    wide = context(1, (rule(1, BG),), allow_any_dial=True, digit_len=4)
    assert found(menu_of(wide, extensions=frozenset({"1000"})), "I014-extension-not-dialable") == []


def test_option_of_a_context_that_never_takes_input() -> None:
    opts = {"1": (rule(2, a.Transfer("+74950000001")),)}
    ctx = context(1, (rule(1, FG), rule(3, a.JumpToContext(2))), options=opts)
    [f] = found(menu_of(ctx, waiting(2)), "W015-option-never-offered")
    assert dict(f.path) == {"context": 1, "option": "1"}
    listening = context(1, (rule(1, BG), rule(3, a.JumpToContext(2))), options=opts)
    assert found(menu_of(listening, waiting(2)), "W015-option-never-offered") == []


def test_timeout_zero_in_a_context_that_waits() -> None:
    ctx = context(1, (rule(1, BG),), timeout=0)
    [f] = found(menu_of(ctx), "W016-timeout-default")
    assert "5000 ms" in f.message
    assert _first(simulate(menu_of(ctx), CALL), "wait")["timeout_ms"] == 5000
    assert found(menu_of(context(1, (rule(1, a.Hangup()),), timeout=0)),
                 "W016-timeout-default") == []
    assert found(menu_of(context(1, (rule(1, BG),), timeout=3000)), "W016-timeout-default") == []


def test_foreground_prompt_last_before_input() -> None:
    menu = menu_of(context(1, (rule(1, BG), rule(2, FG), rule(3, a.SetVariable("x", "1")))))
    [f] = found(menu, "W017-foreground-before-input")
    assert dict(f.path) == {"context": 1, "option": "start", "rule": 2}
    assert found(menu_of(context(1, (rule(1, FG), rule(2, BG)))),
                 "W017-foreground-before-input") == []
    sometimes = rule(2, BG, conditions=Conditions(caller_id_action="anonymous"))
    [f] = found(menu_of(context(1, (rule(1, FG), sometimes))), "W017-foreground-before-input")
    assert dict(f.path)["rule"] == 1  # the background prompt may be skipped
    assert found(menu_of(context(1, (rule(1, FG), rule(2, a.Hangup())))),
                 "W017-foreground-before-input") == []


# --- rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("dst", "why"), [
    ("abc", "not a phone number"),
    ("12", "too short"),
    ("", "names no number"),
    ("071", "this IVR itself"),
    (" ".join(f"+7495000000{i}" for i in range(10)) + " +74951111111", "only the first 10"),
])
def test_implausible_transfer_destinations(dst: str, why: str) -> None:
    facts = MenuFacts(own_numbers=frozenset({"000*071", "071"}))
    menu = menu_of(waiting(1, **{"1": (rule(2, a.Transfer(dst)),)}))
    [f] = found(menu, "W020-implausible-transfer-dst", facts)
    assert why in f.message
    assert dict(f.path) == {"context": 1, "option": "1", "rule": 2}


@pytest.mark.parametrize("dst", ["+74951234567", "101", "000*102", "101 +74951234567", "${x}"])
def test_plausible_transfer_destinations(dst: str) -> None:
    opts = {"1": (rule(2, a.SetVariable("x", "101")), rule(3, a.Transfer(dst)))}
    menu = menu_of(waiting(1, **opts), extensions=frozenset({"101"}))
    assert found(menu, "W020-implausible-transfer-dst") == []


def test_lifetime_transfer_without_number() -> None:
    menu = menu_of(waiting(), lifetime=60, lifetime_exp_action="transfer")
    [f] = found(menu, "W020-implausible-transfer-dst")
    assert dict(f.path) == {"ivr": "lifetime_exp_transfer_dst"}
    fine = menu_of(waiting(), lifetime=60, lifetime_exp_action="transfer",
                   lifetime_exp_transfer_dst="+74951234567")
    assert found(fine, "W020-implausible-transfer-dst") == []


READERS = [
    a.TransferFromVariable("dst"),
    a.PlayDigitsFromVariable("dst"),
    a.Transfer("${dst}"),
    a.SetCallerIdNumber("7${dst}"),
]


@pytest.mark.parametrize("reader", READERS, ids=lambda r: type(r).__name__)
def test_variable_nothing_sets(reader: a.Action) -> None:
    menu = menu_of(waiting(1, **{"1": (rule(2, reader),)}))
    [f] = found(menu, "W022-variable-never-set")
    assert f.severity == "warning" and "dst" in f.message
    for setter in (a.SetVariable("dst", "101"), a.RecordDigits("dst", 3)):
        menu = menu_of(waiting(1, **{"1": (rule(2, reader),), "2": (rule(3, setter),)}))
        assert found(menu, "W022-variable-never-set") == []


def test_match_variable_on_unset_and_preset_variables() -> None:
    unset = rule(2, a.Hangup(), conditions=Conditions(match_variable_name="lang",
                                                      match_variable_value="en"))
    [f] = found(menu_of(waiting(1, **{"1": (unset,)})), "W022-variable-never-set")
    assert "never runs" in f.message
    preset = rule(2, a.Hangup(), conditions=Conditions(match_variable_name="called_did",
                                                       match_variable_value="74950000000"))
    assert found(menu_of(waiting(1, **{"1": (preset,)})), "W022-variable-never-set") == []


def test_unset_variable_is_a_note_when_call_interactive_may_set_it() -> None:
    opts = {"1": (rule(2, a.TransferFromVariable("dst")),),
            "2": (rule(3, a.CallInteractive("https://example.test/")),)}
    [f] = found(menu_of(waiting(1, **opts)), "W022-variable-never-set")
    assert f.severity == "info"


def test_call_status_with_no_transfer_before() -> None:
    busy = Conditions(call_status="busy")
    lonely = waiting(1, **{"1": (rule(2, BG), rule(3, a.Hangup(), conditions=busy))})
    [f] = found(menu_of(lonely), "W023-call-status-without-transfer")
    assert dict(f.path) == {"context": 1, "option": "1", "rule": 3}
    after = waiting(1, **{"1": (rule(2, a.Transfer("+74950000001", 20)),
                                rule(3, a.Hangup(), conditions=busy))})
    assert found(menu_of(after), "W023-call-status-without-transfer") == []


def test_call_status_in_a_context_entered_after_a_transfer() -> None:
    first = waiting(1, **{"1": (rule(2, a.Transfer("+74950000001")),
                                rule(3, a.JumpToContext(2)))})
    second = context(2, (rule(4, a.Hangup(), conditions=Conditions(call_status="no_answer")),))
    assert found(menu_of(first, second), "W023-call-status-without-transfer") == []
    result = simulate(menu_of(first, second), CALL, [{"after_ms": 10, "digits": "1"}],
                      transfers={"+74950000001": "no_answer"})
    assert any(e["kind"] == "rule" and e["rule"] == 4 for e in result["trace"])


# --- intervals and sounds ---------------------------------------------------------------------


def _with_interval(interval_id: int, intervals: dict[int, Interval]) -> Menu:
    ruled = rule(2, a.Transfer("+74950000001"), conditions=Conditions(interval=interval_id))
    base = menu_of(waiting(1, **{"1": (ruled,)}))
    return Menu(base.settings, base.contexts, sound_durations_ms=base.sound_durations_ms,
                intervals=intervals)


def test_interval_that_does_not_exist() -> None:
    [f] = found(_with_interval(7, {}), "E030-interval-missing")
    assert dict(f.path) == {"context": 1, "option": "1", "rule": 2}
    assert found(_with_interval(7, {7: WORK_HOURS}), "E030-interval-missing") == []


def test_interval_never_active() -> None:
    facts = MenuFacts(interval_names={7: "Old promo"}, never_active={7: "it has no conditions"})
    [f] = found(_with_interval(7, {7: Interval("UTC")}), "W031-interval-never-active", facts)
    assert "Old promo" in f.message and "no conditions" in f.message
    assert found(_with_interval(7, {7: WORK_HOURS}), "W031-interval-never-active") == []


def test_sound_not_of_the_client_and_sound_without_audio() -> None:
    menu = menu_of(context(1, (rule(1, a.PlaySound(999)), rule(2, BG))),
                   vm_enabled=True, vm_greeting=60)
    [missing] = found(menu, "E032-sound-missing")
    assert dict(missing.path) == {"context": 1, "option": "start", "rule": 1}
    facts = MenuFacts(missing_audio=frozenset({61, 60}))
    audio = found(menu, "E033-sound-audio-missing", facts)
    assert paths(audio) == [{"ivr": "vm_greeting"}, {"context": 1, "option": "start", "rule": 2}]
    assert found(menu, "E033-sound-audio-missing") == []
    assert found(menu_of(context(1, (rule(2, BG),))), "E032-sound-missing") == []


# --- the findings themselves ------------------------------------------------------------------


def test_finding_refuses_unknown_codes_and_severities() -> None:
    with pytest.raises(ValueError, match="unknown check code"):
        Finding("error", "E999-nothing", "x")
    with pytest.raises(ValueError, match="severity"):
        Finding("fatal", "E001-no-entry-context", "x")  # type: ignore[arg-type]


def test_findings_are_ordered_errors_first() -> None:
    menu = menu_of(context(1, (rule(1, a.PlaySound(999)), rule(2, FG)), timeout=0))
    severities = [f.severity for f in analyze(menu)]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)
    assert severities[0] == "error"


def test_every_check_is_documented() -> None:
    from pathlib import Path

    text = (Path(__file__).parents[2] / "docs" / "checks.md").read_text(encoding="utf-8")
    for code in CHECKS:
        assert f"### {code}" in text, code
