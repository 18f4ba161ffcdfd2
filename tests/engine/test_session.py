"""CallSession as a state machine: exact commands, races ignored, driver bugs refused."""

from __future__ import annotations

import pytest

from ivrd.engine import actions as a
from ivrd.engine.commands import (
    CancelTimer,
    HangUp,
    PlaySound,
    StartTimer,
    StopPlayback,
    Trace,
    Transfer,
)
from ivrd.engine.events import (
    BridgeEnded,
    CallEntered,
    CallerHungUp,
    Digit,
    HttpAnswered,
    PromptFinished,
    SpeechRecognised,
    TimerFired,
    TransferEnded,
)
from ivrd.engine.session import CallSession, SessionError, State
from tests.cycles import left_in_cycles

from .menus import CALL, seed_menu

T0 = 1_700_000_000.0


def effects(commands: list[object]) -> list[object]:
    return [c for c in commands if not isinstance(c, Trace)]


def test_seed_call_exact_commands() -> None:
    s = CallSession(seed_menu(), CALL)
    assert effects(s.start(T0)) == [
        StartTimer(1, 1_800_000, "lifetime"),
        StartTimer(2, 5000, "sleep_time"),
    ]
    assert s.state is State.SLEEPING
    assert effects(s.handle(TimerFired(2), T0 + 5)) == [PlaySound(1, 52, "foreground", 7000)]
    assert effects(s.handle(Digit("1"), T0 + 6)) == []
    assert effects(s.handle(PromptFinished(1), T0 + 12)) == [PlaySound(2, 51, "background", 4000)]
    assert effects(s.handle(PromptFinished(2), T0 + 16)) == [StartTimer(3, 5000, "input timeout")]
    assert s.state is State.WAITING
    assert effects(s.handle(Digit("2"), T0 + 17)) == [
        CancelTimer(3),
        StartTimer(4, 2000, "inter-digit timeout"),
    ]
    assert s.state is State.COLLECTING
    assert effects(s.handle(TimerFired(4), T0 + 19)) == [
        Transfer(1, ("002",), False, 30, True, None, None)
    ]
    assert effects(s.handle(TransferEnded(1, "answered"), T0 + 22)) == [CancelTimer(1)]
    assert s.state is State.BRIDGED
    assert effects(s.handle(BridgeEnded(1), T0 + 80)) == [HangUp("normal")]
    assert s.state is State.ENDED and s.ended
    assert s.outcome is not None and s.outcome.action == "transfer"


def test_every_decision_is_traced() -> None:
    s = CallSession(seed_menu(sleep_time=0), CALL)
    commands = s.start(T0)
    assert [c.kind for c in commands if isinstance(c, Trace)] == ["call", "option", "rule"]
    assert commands[-1] == PlaySound(1, 52, "foreground", 7000)


def test_races_are_ignored_with_a_trace() -> None:
    s = CallSession(seed_menu(sleep_time=0), CALL)
    s.start(T0)
    s.handle(PromptFinished(1), T0 + 7)  # hello (2) starts
    out = s.handle(Digit("#"), T0 + 8)  # stops hello: empty input → invalid → end
    assert StopPlayback(2) in out
    late = s.handle(PromptFinished(2), T0 + 8.1)  # the stopped prompt reports anyway
    assert late == [Trace("ignored", (("event", "PromptFinished"), ("reason", "call ended")))]
    for event in (
        Digit("1"),
        TimerFired(1),
        SpeechRecognised("x"),
        CallerHungUp(),
        TransferEnded(99, "busy"),
        HttpAnswered(3, 200, b""),
    ):
        assert all(isinstance(c, Trace) for c in s.handle(event, T0 + 9))
    assert s.state is State.ENDED


def test_stale_timer_in_a_live_state_is_ignored() -> None:
    s = CallSession(seed_menu(sleep_time=0), CALL)
    s.start(T0)
    s.handle(PromptFinished(1), T0 + 7)
    s.handle(PromptFinished(2), T0 + 11)  # waiting, timer 2
    s.handle(Digit("2"), T0 + 12)  # timer 2 cancelled, inter-digit 3
    assert s.handle(TimerFired(2), T0 + 16) == [
        Trace("ignored", (("event", "TimerFired"), ("reason", "no longer awaited")))
    ]
    assert s.state is State.COLLECTING


@pytest.mark.parametrize(
    "event",
    [
        TransferEnded(1, "busy"),  # no transfer in progress
        BridgeEnded(1),
        PromptFinished(999),  # an id never issued
        TimerFired(999),
        CallEntered(),  # twice
    ],
)
def test_driver_bugs_raise_and_leave_the_session_in_error(event: object) -> None:
    s = CallSession(seed_menu(sleep_time=0), CALL)
    s.start(T0)
    with pytest.raises(SessionError):
        s.handle(event, T0 + 1)  # type: ignore[arg-type]
    assert s.state is State.ERROR and s.ended
    with pytest.raises(SessionError, match="session is in ERROR"):
        s.handle(Digit("1"), T0 + 2)


def test_events_before_start_are_refused() -> None:
    s = CallSession(seed_menu(), CALL)
    with pytest.raises(SessionError, match="Digit is not accepted in state idle"):
        s.handle(Digit("1"), T0)


def test_caller_hang_up_mid_transfer() -> None:
    from .menus import context, menu_of, rule

    s = CallSession(menu_of(context(1, (rule(1, a.Transfer("1")),))), CALL)
    s.start(T0)
    assert s.state is State.TRANSFERRING
    out = s.handle(CallerHungUp(), T0 + 1)
    assert effects(out) == []
    assert s.outcome is not None and s.outcome.action == "caller_hangup"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Digit("x"), "digit must be one of"),
        (lambda: Digit("12"), "digit must be one of"),
        (lambda: Digit("1", "smoke"), "digit source must be one of"),  # type: ignore[arg-type]
        (lambda: TimerFired(0), "timer_id must be a positive int"),
        (lambda: TransferEnded(1, "maybe"), "transfer status must be one of"),  # type: ignore[arg-type]
        (lambda: HttpAnswered(1, 99, b""), "HTTP status must be an int in 100..599"),
        (lambda: HttpAnswered(1, 200, "s"), "HTTP body must be bytes"),  # type: ignore[arg-type]
        (lambda: PlaySound(1, 2, "loud", 0), "play mode must be"),  # type: ignore[arg-type]
        (lambda: Transfer(1, (), False, 30, True), "destinations must be non-empty"),
        (lambda: StartTimer(1, -1, "x"), "delay_ms must be a non-negative int"),
    ],
)
def test_events_and_commands_validate(make: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()  # type: ignore[operator]


def test_settings_and_context_validate() -> None:
    from ivrd.engine.menu import Context, IvrSettings

    with pytest.raises(ValueError, match="lifetime_exp_action must be hangup or transfer"):
        IvrSettings(entry_context=1, lifetime_exp_action="voicemail")
    with pytest.raises(ValueError, match="sleep_time must be a non-negative int"):
        IvrSettings(entry_context=1, sleep_time=-5)
    with pytest.raises(ValueError, match="digit_len must be a non-negative int"):
        Context(1, "c", {}, digit_len=-1)


def test_context_precomputes_option_prefixes() -> None:
    from ivrd.engine.menu import Context

    ctx = Context(1, "c", {"start": (), "timeout": (), "12": (), "123": (), "5": ()})
    assert ctx.digit_options == {"12", "123", "5"}
    assert ctx.option_prefixes == {"1", "12"}


def test_an_ended_session_is_freed_without_the_cycle_collector() -> None:
    """Pending waits are bound methods of the session; ending it must drop them."""

    def hang_up_mid_prompt() -> CallSession:
        s = CallSession(seed_menu(), CALL)
        s.start(T0)
        s.handle(TimerFired(2), T0 + 5)  # the foreground prompt plays: a wait is pending
        s.handle(CallerHungUp(), T0 + 6)
        assert s.state is State.ENDED
        return s

    def broken_by_a_driver_bug() -> CallSession:
        s = CallSession(seed_menu(), CALL)
        s.start(T0)
        s.handle(TimerFired(2), T0 + 5)
        with pytest.raises(SessionError):
            s.handle(PromptFinished(99), T0 + 6)
        assert s.state is State.ERROR
        return s

    assert left_in_cycles(hang_up_mid_prompt, CallSession) == []
    assert left_in_cycles(broken_by_a_driver_bug, CallSession) == []
