"""Every rule action, as exact side effects in virtual time.

Sounds: 60 lasts 1 s, 61 lasts 2 s. Contexts wait 5 s for a first digit and 2 s between digits
unless a test says otherwise; spoken digits take 500 ms each.
"""

from __future__ import annotations

from typing import Any

import pytest

from ivrd.engine import actions as a
from ivrd.engine.menu import Conditions
from ivrd.engine.simulate import simulate

from .menus import CALL, context, menu_of, rule
from .timeline import effects, outcome, traces


def run(
    *rules: Any,
    script: list[dict[str, Any]] | None = None,
    options: Any = None,
    menu_settings: Any = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """Simulate a one-context menu whose start option holds ``rules``."""
    ctx = context(
        1,
        tuple(rule(i + 1, r) if not hasattr(r, "action") else r for i, r in enumerate(rules)),
        options=options,
    )
    menu = menu_of(ctx, **(menu_settings or {}))
    speech_enabled = kwargs.pop("speech_enabled", True)
    if not speech_enabled:
        menu = type(menu)(
            menu.settings, menu.contexts, menu.sound_durations_ms, speech_enabled=False
        )
    return simulate(menu, CALL, script or [], **kwargs)


def test_hangup_rule_hangs_up_with_its_cause() -> None:
    result = run(a.Hangup("busy"), a.PlaySound(60))
    assert effects(result) == ["0 hangup busy"]
    assert outcome(result) == ("hangup", [], 1)


def test_play_sound_foreground_then_waits_for_input_then_timeout_option() -> None:
    result = run(a.PlaySound(60, "foreground"))
    assert effects(result) == ["0 play 60 foreground", "6000 hangup normal"]
    assert [t["option"] for t in traces(result, "option")] == ["start", "timeout"]


def test_missing_sound_is_traced_and_skipped() -> None:
    result = run(a.PlaySound(99), a.PlaySound(60))
    assert effects(result) == ["0 play 60 background", "6000 hangup normal"]
    assert traces(result, "nothing") == [{"reason": "sound 99 is missing"}]


def test_play_silence_is_background() -> None:
    result = run(
        a.PlaySilence(1500),
        options={"1": (rule(9, a.Transfer("100")),)},
        script=[{"after_ms": 500, "digits": "1"}],
    )
    assert effects(result) == [
        "0 silence 1500",
        "500 stop",
        "500 transfer 100",
        "63500 hangup normal",
    ]


@pytest.mark.parametrize(("option", "expected"), [(None, "start"), ("7", "7")])
def test_jump_to_context_defaults_to_start(option: str | None, expected: str) -> None:
    ctx1 = context(1, (rule(1, a.JumpToContext(2, option)), rule(2, a.Hangup("x"))))
    ctx2 = context(2, (rule(3, a.Transfer("20")),), options={"7": (rule(4, a.Transfer("27")),)})
    result = simulate(menu_of(ctx1, ctx2), CALL, [])
    dst = "20" if expected == "start" else "27"
    assert effects(result) == [f"0 transfer {dst}", "63000 hangup normal"]
    assert traces(result, "option")[1] == {"context": 2, "option": expected, "why": "jump"}


def test_jump_to_missing_context_hangs_up() -> None:
    result = run(a.JumpToContext(9))
    assert effects(result) == ["0 hangup normal"]
    assert traces(result, "error") == [{"reason": "context 9 does not exist"}]


@pytest.mark.parametrize("method", ["pronounced", "iterated"])
def test_play_digits(method: str) -> None:
    result = run(a.PlayDigits("123", method))  # type: ignore[arg-type]
    assert effects(result) == [f"0 say 123 {method}", "6500 hangup normal"]


def test_play_digits_from_variable_and_unset_variable() -> None:
    result = run(
        a.SetVariable("n", "42"),
        a.PlayDigitsFromVariable("n", "pronounced"),
        a.PlayDigitsFromVariable("unset"),
    )
    assert effects(result) == ["0 say 42 pronounced", "6000 hangup normal"]
    assert traces(result, "nothing") == [{"reason": "no digits to say"}]


def test_record_digits_counts_digits_during_its_prompt_up_to_max() -> None:
    result = run(
        a.RecordDigits("acc", 4, 60, 3),
        a.TransferFromVariable("acc"),
        script=[
            {"when_playing": 60, "after_ms": 200, "digits": "12"},
            {"after_ms": 500, "digits": "34"},
        ],
    )
    assert effects(result) == [
        "0 play 60 background",
        "200 stop",
        "700 transfer 1234",
        "63700 hangup normal",
    ]
    assert result["variables"]["acc"] == "1234"


def test_record_digits_ends_on_hash() -> None:
    result = run(
        a.RecordDigits("acc", 4, None, 3),
        a.TransferFromVariable("acc"),
        script=[{"after_ms": 300, "digits": "5#"}],
    )
    assert effects(result)[0] == "300 transfer 5"
    assert traces(result, "recorded") == [{"variable": "acc", "digits": "5"}]


def test_record_digits_timeout_leaves_variable_unset() -> None:
    result = run(a.RecordDigits("acc", 4, 60, 3), a.TransferFromVariable("acc"))
    # prompt 1 s, window 3 s, nothing to transfer to, wait 5 s for input, no timeout rules
    assert effects(result) == ["0 play 60 background", "9000 hangup normal"]
    assert "acc" not in result["variables"]
    assert traces(result, "nothing") == [{"reason": "no number to transfer to"}]


def test_set_variable_substitutes_and_match_variable_selects() -> None:
    want = Conditions(match_variable_name="x", match_variable_value="+78121234567-1")
    wrong = Conditions(match_variable_name="x", match_variable_value="other")
    result = run(
        a.SetVariable("x", "${caller_id_number}-${nope}1"),
        rule(2, a.Transfer("222"), conditions=wrong),
        rule(3, a.Transfer("333"), conditions=want),
    )
    assert result["variables"]["x"] == "+78121234567-1"
    assert effects(result)[0] == "0 transfer 333"
    assert traces(result, "skip") == [
        {"rule": 2, "reason": "variable x is '+78121234567-1', not 'other'"}
    ]


def test_set_caller_id_goes_on_later_transfers_and_dst_substitutes() -> None:
    result = run(
        a.SetCallerIdNumber("${called_did}"),
        a.SetCallerIdName("IVR ${caller_id_name}"),
        a.SetVariable("dst", "555"),
        a.Transfer("1${dst} 2${dst}", 20),
    )
    transfer = next(e for e in result["trace"] if e["kind"] == "transfer")
    assert transfer["destinations"] == ["1555", "2555"]
    assert transfer["caller_id_number"] == "74950000000"
    assert transfer["caller_id_name"] == "IVR Ann"
    assert transfer["timeout_s"] == 20


def test_simple_transfer_and_unanswered_transfer_falls_to_default_hangup() -> None:
    result = run(
        a.SimpleTransfer("1 2 3", 10), transfers={"1": "no_answer", "2": "busy", "3": "failed"}
    )
    assert effects(result) == ["0 transfer 1 2 3 simple", "10000 hangup normal"]
    assert outcome(result) == ("hangup", [], 10000)
    assert traces(result, "end")[0]["reason"] == "transfer not answered and no rule left"


def test_transfer_rings_at_most_ten_numbers() -> None:
    numbers = " ".join(str(100 + i) for i in range(12))
    result = run(a.Transfer(numbers))
    transfer = next(e for e in result["trace"] if e["kind"] == "transfer")
    assert len(transfer["destinations"]) == 10


def test_transfer_from_unset_variable_does_nothing_and_caller_waits() -> None:
    result = run(a.TransferFromVariable("dst"), options={"timeout": (rule(9, a.Hangup("t")),)})
    assert effects(result) == ["5000 hangup t"]


def test_start_record() -> None:
    result = run(a.StartRecord(), a.Hangup())
    assert effects(result) == ["0 record", "0 hangup normal"]


def test_answered_transfer_not_final_returns_to_quality_rate() -> None:
    result = run(
        rule(1, a.Transfer("100"), final=False),
        a.QualityRate(61, 5),
        a.Hangup("done"),
        script=[{"when_playing": 61, "after_ms": 500, "digits": "74"}],
        talk_ms=10_000,
    )
    assert effects(result) == [
        "0 transfer 100 nonfinal",
        "13000 play 61 background",
        "13500 stop",
        "13500 rating 4/5",
        "13500 hangup done",
    ]
    assert traces(result, "digit")[0] == {"digit": "7", "source": "sim"}
    assert traces(result, "digit")[1] == {"digit": "7", "result": "not a rating"}


def test_quality_rate_without_answer_saves_nothing() -> None:
    result = run(a.QualityRate(61, 3), a.Hangup("done"))
    assert effects(result) == ["0 play 61 background", "7000 hangup done"]
    assert traces(result, "quality_rate") == [{"result": "no rating"}]


VOICE = a.VoiceHelper(
    61,
    (a.VoiceHelperRule("1", "продаж|Sales"), a.VoiceHelperRule("2", "support")),
    voice_helper_timeout=4000,
)
VOICE_OPTIONS = {
    "1": (rule(10, a.Transfer("100")),),
    "2": (rule(11, a.Transfer("200")),),
    "timeout": (rule(12, a.Hangup("timeout")),),
    "invalid": (rule(13, a.Hangup("invalid")),),
}


@pytest.mark.parametrize(
    ("speech", "expected"),
    [
        ("I want SALES please", "500 transfer 100"),
        ("отдел продажи", "500 transfer 100"),
        ("tech support", "500 transfer 200"),
        ("something else", "500 hangup invalid"),
    ],
)
def test_voice_helper_speech_selects_option(speech: str, expected: str) -> None:
    result = run(
        VOICE,
        options=VOICE_OPTIONS,
        script=[{"when_playing": 61, "after_ms": 500, "speech": speech}],
    )
    assert effects(result)[:4] == [
        "0 recognise",
        "0 play 61 background",
        "500 stop",
        "500 stop_recognition",
    ]
    assert effects(result)[4] == expected


def test_voice_helper_nothing_recognised_goes_to_timeout() -> None:
    result = run(VOICE, options=VOICE_OPTIONS)
    assert effects(result) == [
        "0 recognise",
        "0 play 61 background",
        "6000 stop_recognition",
        "6000 hangup timeout",
    ]


def test_voice_helper_digits_work_as_usual() -> None:
    result = run(VOICE, options=VOICE_OPTIONS, script=[{"when_playing": 61, "digits": "2"}])
    assert effects(result)[:5] == [
        "0 recognise",
        "0 play 61 background",
        "0 stop",
        "0 stop_recognition",
        "0 transfer 200",
    ]


def test_voice_helper_partial_transcripts_do_not_decide() -> None:
    result = run(
        VOICE,
        options=VOICE_OPTIONS,
        script=[
            {"after_ms": 100, "speech": "sales", "final": False},
            {"after_ms": 100, "speech": "support"},
        ],
    )
    assert effects(result)[-2] == "200 transfer 200"
    assert traces(result, "speech")[0] == {"text": "sales", "final": False}


def test_voice_helper_recognition_unavailable_skips_to_next_rule() -> None:
    result = run(VOICE, a.Transfer("300"), options=VOICE_OPTIONS, speech_available=False)
    assert effects(result)[:4] == [
        "0 recognise",
        "0 play 61 background",
        "0 stop",
        "0 transfer 300",
    ]
    assert {"reason": "speech recognition unavailable"} in traces(result, "nothing")


def test_voice_helper_skipped_when_speech_disabled_for_the_client() -> None:
    result = run(VOICE, a.Transfer("300"), options=VOICE_OPTIONS, speech_enabled=False)
    assert effects(result)[0] == "0 transfer 300"
    assert traces(result, "nothing") == [{"reason": "speech recognition is disabled"}]


def test_voice_helper_final_count_allows_several_attempts() -> None:
    helper = a.VoiceHelper(
        61, VOICE.voice_helper_rules, voice_helper_timeout=4000, voice_helper_final_count=2
    )
    script = [{"after_ms": 100, "speech": "hmm"}, {"after_ms": 100, "speech": "support"}]
    result = run(helper, options=VOICE_OPTIONS, script=script)
    assert effects(result)[-2] == "200 transfer 200"
    assert [t["selects"] for t in traces(result, "speech")] == [None, "2"]
