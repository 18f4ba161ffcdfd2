"""The simulator's own contract: script validation, timing rules, limits, plain-data output."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ivrd.engine import actions as a
from ivrd.engine.simulate import parse_script, simulate

from .menus import CALL, context, menu_of, rule, seed_menu
from .timeline import effects, outcome


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (
            {"digits": "1", "speech": "x"},
            r"script\[0\]: needs exactly one of digits, speech, hangup",
        ),
        ({}, r"script\[0\]: needs exactly one of"),
        ({"digits": "1a"}, r"script\[0\]: digits must be a string of 0-9, \* and #"),
        ({"digits": "1", "after_ms": -1}, r"script\[0\]: after_ms must be a non-negative integer"),
        ({"digits": "1", "after_ms": 1.5}, r"script\[0\]: after_ms must be a non-negative integer"),
        ({"digits": "1", "when_playing": "51"}, r"script\[0\]: when_playing must be a sound id"),
        ({"digits": "1", "press": 1}, r"script\[0\]: unknown keys \['press'\]"),
        ({"digits": "1", "final": False}, r"script\[0\]: final must be a boolean, and goes with"),
        ({"speech": 5}, r"script\[0\]: speech must be a string"),
        (["digits", "1"], r"script\[0\]: must be an object"),
    ],
)
def test_script_validation(item: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_script([item])


def test_transfer_map_validation() -> None:
    with pytest.raises(ValueError, match=r"transfers\['1'\] must be one of"):
        simulate(seed_menu(), CALL, transfers={"1": "maybe"})


def test_result_is_json_ready() -> None:
    result = simulate(seed_menu(), CALL, [{"when_playing": 51, "digits": "2"}])
    assert json.loads(json.dumps(result)) == result
    assert set(result) == {"trace", "outcome", "variables"}
    assert result["variables"] == {
        "called_did": "74950000000",
        "caller_id_name": "Ann",
        "caller_id_number": "+78121234567",
    }


def test_after_ms_counts_from_the_previous_item() -> None:
    ctx = context(
        1,
        (rule(1, a.PlaySilence(60_000)),),
        options={"12": (rule(2, a.Transfer("12")),), "1": (rule(3, a.Hangup()),)},
    )
    result = simulate(
        menu_of(ctx), CALL, [{"after_ms": 1000, "digits": "1"}, {"after_ms": 1000, "digits": "2"}]
    )
    assert effects(result)[:3] == ["0 silence 60000", "1000 stop", "2000 transfer 12"]


def test_when_playing_fires_for_a_sound_already_playing() -> None:
    ctx = context(
        1,
        (rule(1, a.PlaySound(61, "background")),),
        options={"1": (rule(2, a.Hangup("one")),), "2": (rule(3, a.Hangup("two")),)},
    )
    script = [
        {"after_ms": 500, "speech": "noise"},
        {"when_playing": 61, "after_ms": 1500, "digits": "2"},
    ]
    assert effects(simulate(menu_of(ctx), CALL, script))[-1] == "1500 hangup two"


def test_when_playing_a_sound_that_never_plays_never_fires() -> None:
    result = simulate(seed_menu(), CALL, [{"when_playing": 60, "digits": "1"}])
    assert outcome(result) == ("transfer", ["050"], 24000)


def test_time_limit_ends_the_simulation() -> None:
    ctx = context(1, (rule(1, a.PlaySilence(3_600_000)),))
    result = simulate(menu_of(ctx), CALL, max_ms=10_000)
    assert result["outcome"]["action"] == "simulation_limit"
    assert result["trace"][-1]["kind"] == "end"


def test_call_interactive_callable_none_means_no_answer() -> None:
    ctx = context(1, (rule(1, a.CallInteractive("http://a.example/")), rule(2, a.Hangup("x"))))
    result = simulate(menu_of(ctx), CALL, call_interactive=lambda method, url, params: None)
    assert effects(result) == ["0 http GET http://a.example/", "100 hangup x"]


def test_at_sets_the_virtual_clock() -> None:
    import datetime

    at = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    assert simulate(seed_menu(), CALL, at=at) == simulate(seed_menu(), CALL, at=at.timestamp())


def test_live_call_interactive_stops_for_each_request() -> None:
    from ivrd.engine.simulate import Simulation

    ctx = context(
        1,
        (
            rule(1, a.CallInteractive("https://live.example/${caller_id_name}")),
            rule(2, a.CallInteractive("https://live.example/second")),
            rule(3, a.Hangup("end")),
        ),
    )
    sim = Simulation(menu_of(ctx), CALL, call_interactive="live")
    first = sim.run()
    assert first is not None and first.url == "https://live.example/Ann"
    sim.answer(200, '<Response><SetVar name="seen">1</SetVar></Response>')
    second = sim.run()
    assert second is not None and second.url == "https://live.example/second"
    sim.fail("connection refused")
    assert sim.run() is None
    result = sim.result()
    assert effects(result) == [
        "0 http GET https://live.example/Ann",
        "100 http GET https://live.example/second",
        "200 hangup end",
    ]
    assert result["variables"]["seen"] == "1"
    with pytest.raises(RuntimeError, match="no live Call Interactive request is pending"):
        sim.answer(200, "")


def test_call_interactive_source_validation() -> None:
    with pytest.raises(ValueError, match="call_interactive must be 'live'"):
        simulate(seed_menu(), CALL, call_interactive="dead")


def test_verbose_trace_shows_timers() -> None:
    quiet = simulate(seed_menu(), CALL)
    loud = simulate(seed_menu(), CALL, verbose=True)
    timers = [e for e in loud["trace"] if e["kind"] in ("timer", "cancel_timer")]
    assert [(e["t_ms"], e["kind"], e.get("purpose")) for e in timers] == [
        (0, "timer", "lifetime"),
        (0, "timer", "sleep_time"),
        (16000, "timer", "input timeout"),
        (24000, "cancel_timer", None),
    ]
    assert len(loud["trace"]) == len(quiet["trace"]) + 4
