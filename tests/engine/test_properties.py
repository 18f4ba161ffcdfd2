"""Property tests: random menus and random callers never break the engine.

For any menu and any caller behaviour the simulator finishes without raising, every call with
a lifetime ends within it, nothing but traces follows the end, and prompts are stopped only
while they play. A second property feeds a session arbitrary events (valid ids, stale ids,
digits, speech, hang-ups) and checks it never raises for them and never acts once ended.
"""

from __future__ import annotations

from typing import Any

import re2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ivrd.engine import actions as a
from ivrd.engine.commands import (
    HttpRequest,
    PlaySilence,
    PlaySound,
    PlayText,
    SayDigits,
    StartTimer,
    Trace,
    Transfer,
)
from ivrd.engine.events import (
    BridgeEnded,
    CallEntered,
    CallerHungUp,
    Digit,
    Event,
    HttpAnswered,
    HttpFailed,
    PromptFinished,
    RecognitionUnavailable,
    SpeechRecognised,
    TimerFired,
    TransferEnded,
)
from ivrd.engine.menu import Conditions, Context, IvrSettings, Menu, Rule
from ivrd.engine.session import CallSession
from ivrd.engine.simulate import simulate
from ivrd.engine.state import MOVES, State

from .menus import CALL, DURATIONS

SOUNDS = [*DURATIONS, 99]  # 99 is missing
KEYS = ["1", "2", "3", "12", "123", "*", "0"]
EXTENSIONS = frozenset({"100", "101", "200"})
URL = "http://svc.example/x"

digits = st.text(alphabet="0123456789*#", min_size=1, max_size=4)
small_ms = st.integers(0, 8000)
mode = st.sampled_from(["background", "foreground"])
opt_key = st.sampled_from(["start", "timeout", "invalid", *KEYS])
numbers = st.sampled_from(["100", "101 102", "${dst}", "200", "", "555 556"])

actions = st.one_of(
    st.builds(a.Transfer, numbers, st.none() | st.integers(1, 40)),
    st.builds(a.SimpleTransfer, numbers, st.none() | st.integers(1, 40)),
    st.builds(a.TransferFromVariable, st.sampled_from(["dst", "acc", "nope"])),
    st.builds(a.Hangup),
    st.builds(a.PlaySound, st.sampled_from(SOUNDS), mode, st.booleans()),
    st.builds(a.PlaySilence, st.integers(0, 3000)),
    st.builds(a.JumpToContext, st.integers(1, 4), st.none() | opt_key),
    st.builds(a.PlayDigits, digits, st.sampled_from(["pronounced", "iterated"])),
    st.builds(a.PlayDigitsFromVariable, st.sampled_from(["acc", "nope"])),
    st.builds(
        a.RecordDigits,
        st.sampled_from(["acc", "dst"]),
        st.none() | st.integers(1, 5),
        st.none() | st.sampled_from(SOUNDS),
        st.none() | st.integers(1, 5),
    ),
    st.builds(
        a.SetVariable,
        st.sampled_from(["dst", "x"]),
        st.sampled_from(["100", "${caller_id_number}", "${x}1"]),
    ),
    st.builds(
        a.CallInteractive,
        st.just(URL),
        st.sampled_from(["GET", "POST"]),
        st.none() | st.integers(1, 3),
    ),
    st.builds(a.SetCallerIdNumber, st.just("${called_did}")),
    st.builds(a.SetCallerIdName, st.just("IVR")),
    st.builds(a.QualityRate, st.none() | st.sampled_from(SOUNDS), st.integers(1, 9), st.booleans()),
    st.builds(
        a.VoiceHelper,
        st.none() | st.sampled_from(SOUNDS),
        st.lists(
            st.builds(
                a.VoiceHelperRule, opt_key, st.sampled_from(["sales|продаж", "support", "help"])
            ),
            max_size=2,
        ).map(tuple),
        st.none() | st.integers(100, 5000),
        st.none() | st.integers(1, 3),
        st.none() | st.integers(1, 3),
    ),
    st.builds(a.StartRecord),
)

conditions = st.one_of(
    st.just(Conditions()),
    st.builds(Conditions, call_status=st.sampled_from(["any", "busy", "no_answer"])),
    st.builds(
        Conditions,
        match_variable_name=st.just("x"),
        match_variable_value=st.sampled_from(["100", "1"]),
    ),
    st.just(
        Conditions(
            caller_id_action="matches",
            caller_id="^\\+7",
            caller_id_matcher=re2.compile("^\\+7").search,
        )
    ),
    st.just(Conditions(caller_id_action="anonymous")),
    st.just(Conditions(interval=3)),
)

rules = st.lists(
    st.builds(Rule, st.integers(1, 999), actions, st.booleans(), st.none(), conditions), max_size=4
).map(tuple)


@st.composite
def contexts(draw: Any, cid: int) -> Context:
    keys = draw(st.lists(st.sampled_from(KEYS), max_size=4, unique=True))
    options = {k: draw(rules) for k in ["start", "timeout", "invalid", *keys]}
    return Context(
        cid,
        f"c{cid}",
        options,
        timeout=draw(st.integers(0, 6000)),
        inter_digit_timeout=draw(st.integers(0, 3000)),
        digit_len=draw(st.integers(0, 4)),
        allow_any_dial=draw(st.booleans()),
    )


@st.composite
def menus(draw: Any) -> Menu:
    count = draw(st.integers(1, 4))
    ivr = IvrSettings(
        entry_context=draw(st.integers(1, count + 1)),
        lifetime=draw(st.integers(1, 60)),
        lifetime_exp_action=draw(st.sampled_from(["hangup", "transfer"])),
        lifetime_exp_transfer_dst=draw(st.sampled_from([None, "", "900"])),
        sleep_time=draw(st.sampled_from([0, 0, 500])),
        vm_enabled=draw(st.booleans()),
        vm_greeting=draw(st.none() | st.sampled_from(SOUNDS)),
    )
    return Menu(
        ivr,
        {i: draw(contexts(i)) for i in range(1, count + 1)},
        DURATIONS,
        {"hello.wav": 51},
        EXTENSIONS,
        {},
        draw(st.booleans()),
    )


script_items = st.one_of(
    st.fixed_dictionaries({"after_ms": small_ms, "digits": digits}),
    st.fixed_dictionaries({"when_playing": st.sampled_from(SOUNDS), "digits": digits}),
    st.fixed_dictionaries(
        {
            "after_ms": small_ms,
            "speech": st.sampled_from(["sales", "nothing", "support please"]),
            "final": st.booleans(),
        }
    ),
    st.fixed_dictionaries({"after_ms": st.integers(0, 120_000), "hangup": st.just(True)}),
)
verbs = st.sampled_from(
    [
        "<Hangup/>",
        '<Pause length="1"/>',
        '<SetVar name="dst">101</SetVar>',
        '<Jump context="2" option="1"/>',
        '<SetCaller number="5"/>',
        '<PlaySound where="background" digitvar="acc">hello.wav</PlaySound>',
        "<PlaySound>hello.wav</PlaySound>",
        '<SimpleTransfer final="no">100,200</SimpleTransfer>',
        "<SimpleTransfer>100</SimpleTransfer>",
        "<TextToSpeech>hi there</TextToSpeech>",
        "<Bad/>",
    ]
)
answers = st.one_of(
    st.builds(
        lambda vs, s, d: {
            "status": s,
            "delay_ms": d,
            "body": "<Response>" + "".join(vs) + "</Response>",
        },
        st.lists(verbs, max_size=4),
        st.sampled_from([200, 200, 404]),
        st.sampled_from([50, 100, 4000]),
    ),
    st.just({"status": 200, "body": "<<<"}),
)
transfer_map = st.dictionaries(
    st.sampled_from(["100", "101", "200", "555", "900"]),
    st.sampled_from(["answer", "busy", "no_answer", "failed"]),
)

SIDE_EFFECTS = {
    "play",
    "say_text",
    "silence",
    "say_digits",
    "stop",
    "transfer",
    "cancel_transfer",
    "http",
    "record",
    "voicemail",
    "rating",
    "recognise",
    "stop_recognition",
    "hangup",
}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    menus(),
    st.lists(script_items, max_size=6),
    transfer_map,
    st.none() | answers,
    st.integers(0, 30_000),
    st.booleans(),
)
def test_random_menus_and_callers(
    menu: Menu,
    script: list[dict[str, Any]],
    transfers: dict[str, str],
    answer: Any,
    talk_ms: int,
    speech: bool,
) -> None:
    result = simulate(
        menu,
        CALL,
        script,
        transfers=transfers,
        talk_ms=talk_ms,
        call_interactive=None if answer is None else {URL: answer},
        speech_available=speech,
    )
    trace = result["trace"]
    ends = [i for i, e in enumerate(trace) if e["kind"] == "end"]
    assert len(ends) == 1, "every call ends exactly once"
    assert result["outcome"]["action"] in {
        "transfer",
        "hangup",
        "voicemail",
        "caller_hangup",
        "error",
    }
    lifetime_ms = menu.settings.lifetime * 1000
    assert trace[ends[0]]["t_ms"] <= lifetime_ms + 40_000 + talk_ms + 200_000
    assert not [e for e in trace[ends[0] + 1 :] if e["kind"] in SIDE_EFFECTS]
    assert sum(e["kind"] == "hangup" for e in trace) <= 1
    playing: set[int] = set()
    for e in trace:
        if "play_id" in e and e["kind"] != "stop":
            playing.add(e["play_id"])
        elif e["kind"] == "stop":
            assert e["play_id"] in playing
            playing.discard(e["play_id"])
    assert [e["t_ms"] for e in trace] == sorted(e["t_ms"] for e in trace)


def replies(command: object, pick: int) -> list[Event]:
    """Plausible answers of a runtime to one command (choice by ``pick``)."""
    if isinstance(command, PlaySound | PlayText | PlaySilence | SayDigits):
        return [PromptFinished(command.play_id)]
    if isinstance(command, StartTimer):
        return [TimerFired(command.timer_id)]
    if isinstance(command, Transfer):
        status = ("answered", "busy", "no_answer", "failed")[pick % 4]
        ended: list[Event] = [TransferEnded(command.transfer_id, status)]
        return ended + ([BridgeEnded(command.transfer_id)] if status == "answered" else [])
    if isinstance(command, HttpRequest):
        return [
            HttpAnswered(command.request_id, 200, b"<Response><Hangup/></Response>")
            if pick % 2
            else HttpFailed(command.request_id, "down")
        ]
    return []


noise = st.one_of(
    st.builds(Digit, st.sampled_from("0123456789*#"), st.just("rfc4733")),
    st.builds(SpeechRecognised, st.sampled_from(["sales", "x"]), st.booleans()),
    st.just(RecognitionUnavailable()),
    st.just(CallerHungUp()),
)


@settings(max_examples=200, deadline=None)
@given(menus(), st.lists(st.tuples(st.integers(0, 50), st.integers(0, 7), noise), max_size=60))
def test_arbitrary_event_orders_never_raise(menu: Menu, steps: list[Any]) -> None:
    session = CallSession(menu, CALL)
    now = 1_000_000.0
    pending: list[Event] = []
    commands = session.start(now)
    assert session.state in MOVES[(State.IDLE, CallEntered)]
    for command in commands:
        pending += replies(command, 0)
    for index, pick, extra in steps:
        now += 0.25
        # the runtime's answers in any order, late or not, mixed with the caller's noise
        event = pending.pop(index % len(pending)) if pending and pick else extra
        before, was_ended = session.state, session.ended
        commands = session.handle(event, now)
        if was_ended:
            assert all(isinstance(c, Trace) for c in commands)
        # every move is one the table allows; an ignored event changes nothing
        assert session.state in MOVES.get((before, type(event)), frozenset({before}))
        for command in commands:
            pending += replies(command, pick)
