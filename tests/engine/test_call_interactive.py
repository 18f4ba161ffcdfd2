"""call_interactive: the request, each verb of the answer, and every way it can fail."""

from __future__ import annotations

from typing import Any

import pytest

from ivrd.engine import actions as a
from ivrd.engine.simulate import simulate

from .menus import CALL, context, menu_of, rule
from .timeline import effects, outcome, traces

URL = "https://crm.example/ivr?from=${caller_id_number}"
SENT_URL = "https://crm.example/ivr?from=+78121234567"


def xml(verbs: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><Response>{verbs}</Response>'


def run(answer: Any, *after: a.Action, options: Any = None, **kwargs: Any) -> dict[str, Any]:
    rules = (
        rule(1, a.CallInteractive(URL, "POST", 5)),
        *(rule(i + 2, act) for i, act in enumerate(after)),
    )
    ctx = context(
        1, rules, options={"timeout": (rule(90, a.Hangup("timeout")),), **(options or {})}
    )
    ctx3 = context(3, (rule(30, a.Transfer("333")),), options={"7": (rule(37, a.Hangup("j")),)})
    return simulate(menu_of(ctx, ctx3), CALL, call_interactive={SENT_URL: answer}, **kwargs)


def test_request_carries_the_documented_parameters() -> None:
    seen: list[tuple[str, str, tuple[tuple[str, str], ...]]] = []

    def service(method: str, url: str, params: tuple[tuple[str, str], ...]) -> tuple[int, str]:
        seen.append((method, url, params))
        return 200, xml("<Hangup/>")

    ctx = context(1, (rule(1, a.CallInteractive(URL, "GET")),))
    result = simulate(menu_of(ctx), CALL, call_interactive=service)
    assert seen == [
        (
            "GET",
            SENT_URL,
            (
                ("EventType", "call_interactive"),
                ("CallID", CALL.call_id),
                ("CallAPIID", f"204:{CALL.call_id}"),
                ("CallerIDNum", "+78121234567"),
                ("CallerIDName", "Ann"),
                ("CalledDID", "74950000000"),
                ("CalledExtension", "000*071"),
                ("CalledExtensionID", "204"),
                ("CalledNumber", "74950000000"),
                ("CallStatus", "ANSWER"),
                ("CallFlow", "IN"),
            ),
        )
    ]
    assert effects(result) == [f"0 http GET {SENT_URL}", "100 hangup normal"]


def test_verbs_run_in_order() -> None:
    answer = xml(
        '<SetVar name="dst">4242</SetVar><SetCaller name="Bob" number="900"/>'
        '<PlaySound where="foreground">hello.wav</PlaySound><Pause length="2"/>'
        '<SimpleTransfer final="no" timeout="10">4242,101</SimpleTransfer>'
        '<Jump context="3" option="7"/><Hangup/>'
    )
    result = run({"status": 200, "body": answer}, transfers={"4242": "busy", "101": "busy"})
    assert effects(result) == [
        f"0 http POST {SENT_URL}",
        "100 play 51 foreground",
        "4100 silence 2000",
        "6100 transfer 4242 101 simple nonfinal",
        "6600 hangup j",
    ]
    assert result["variables"]["dst"] == "4242"
    transfer = next(e for e in result["trace"] if e["kind"] == "transfer")
    assert (transfer["caller_id_name"], transfer["caller_id_number"]) == ("Bob", "900")
    assert [t["verb"] for t in traces(result, "verb")] == [
        "SetVar",
        "SetCaller",
        "PlaySound",
        "Pause",
        "SimpleTransfer",
        "Jump",
    ]


def test_final_simple_transfer_answered_ends_the_call_there() -> None:
    result = run((200, xml("<SimpleTransfer>101</SimpleTransfer><Hangup/>")), talk_ms=1000)
    assert effects(result) == [
        f"0 http POST {SENT_URL}",
        "100 transfer 101 simple",
        "4100 hangup normal",
    ]
    assert outcome(result) == ("transfer", ["101"], 3100)


def test_text_to_speech_is_played_by_play_sound_from_variable_rules() -> None:
    answer = xml('<TextToSpeech voice="anna">Your balance is low</TextToSpeech>')
    result = run(
        (200, answer), a.PlaySound(60, "foreground", play_sound_from_variable=True), a.Hangup()
    )
    assert effects(result)[1] == "100 say_text 'Your balance is low' foreground"
    assert result["variables"]["__tts_text"] == "Your balance is low"


def test_play_sound_from_variable_falls_back_to_the_sound() -> None:
    ctx = context(
        1,
        (
            rule(1, a.PlaySound(60, "foreground", play_sound_from_variable=True)),
            rule(2, a.Hangup()),
        ),
    )
    assert effects(simulate(menu_of(ctx), CALL))[0] == "0 play 60 foreground"


def test_background_play_sound_with_digitvar_collects_into_the_variable() -> None:
    answer = xml('<PlaySound where="background" digitvar="pin">hello.wav</PlaySound><Hangup/>')
    result = run((200, answer), script=[{"when_playing": 51, "after_ms": 300, "digits": "12#"}])
    assert effects(result) == [
        f"0 http POST {SENT_URL}",
        "100 play 51 background",
        "400 stop",
        "400 hangup normal",
    ]
    assert result["variables"]["pin"] == "12"


def test_background_play_sound_without_digitvar_is_menu_input() -> None:
    answer = xml('<PlaySound where="background">hello.wav</PlaySound><Hangup/>')
    result = run(
        (200, answer),
        options={"5": (rule(50, a.Transfer("55")),)},
        script=[{"when_playing": 51, "digits": "5"}],
    )
    assert effects(result)[2:4] == ["100 stop", "100 transfer 55"]


def test_unknown_sound_file_is_skipped() -> None:
    result = run((200, xml("<PlaySound>nope.wav</PlaySound><Hangup/>")))
    assert effects(result)[-1] == "100 hangup normal"
    assert traces(result, "nothing") == [{"reason": "no sound file 'nope.wav'"}]


@pytest.mark.parametrize(
    ("answer", "result_trace"),
    [
        ({"status": 500, "body": xml("<Hangup/>")}, {"result": "failed", "status": 500}),
        ({"status": 200, "body": "<Response><Hangup></Response>"}, None),
        (
            {
                "status": 200,
                "body": '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]>'
                "<Response>&a;</Response>",
            },
            None,
        ),
        ({"status": 200, "body": "x" * 100_000}, None),
    ],
)
def test_failures_go_on_to_the_next_rule(answer: Any, result_trace: Any) -> None:
    result = run(answer, a.Transfer("777"))
    assert effects(result)[:2] == [f"0 http POST {SENT_URL}", "100 transfer 777"]
    seen = traces(result, "interactive")[0]
    if result_trace is not None:
        assert seen == result_trace
    else:
        assert seen["result"] == "unparseable"


def test_timeout_goes_on_and_a_late_answer_is_ignored() -> None:
    result = run(
        {"status": 200, "body": xml("<Hangup/>"), "delay_ms": 6000},
        a.PlaySound(61, "foreground"),
        a.Hangup("after"),
    )
    assert effects(result) == [
        f"0 http POST {SENT_URL}",
        "5000 play 61 foreground",
        "7000 hangup after",
    ]
    assert traces(result, "interactive") == [{"result": "timeout"}]
    assert traces(result, "ignored") == [{"event": "HttpAnswered", "reason": "no longer awaited"}]


def test_no_answer_at_all_goes_on() -> None:
    ctx = context(1, (rule(1, a.CallInteractive("http://x.example/")), rule(2, a.Hangup("n"))))
    result = simulate(menu_of(ctx), CALL)
    assert effects(result) == ["0 http GET http://x.example/", "100 hangup n"]


def test_unknown_elements_are_traced_and_skipped() -> None:
    result = run((200, xml("<Dance/><Hangup/>")))
    assert {"event": "<Dance>", "reason": "unknown verb"} in traces(result, "ignored")
    assert effects(result)[-1] == "100 hangup normal"


def test_pause_is_interruptible_and_setvar_feeds_later_conditions() -> None:
    from ivrd.engine.menu import Conditions

    answer = xml('<SetVar name="vip">yes</SetVar><Pause length="5"/><Hangup/>')
    vip = Conditions(match_variable_name="vip", match_variable_value="yes")
    result = run(
        (200, answer),
        options={"9": (rule(9, a.Transfer("900"), conditions=vip),)},
        script=[{"after_ms": 1000, "digits": "9"}],
    )
    assert effects(result)[1:4] == ["100 silence 5000", "1000 stop", "1000 transfer 900"]
