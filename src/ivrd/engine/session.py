"""``CallSession``: one call through one menu, as a pure state machine.

Drive it with ``start(now)`` once, then ``handle(event, now)`` for everything that happens;
both return the commands to perform, in order. ``now`` is seconds since the epoch (virtual in
the simulator); the session never reads a clock. ``state.ACCEPTS`` says which events each state
takes; a late event that answers something the session no longer waits for is ignored with a
``Trace("ignored", ...)``; anything else raises ``SessionError`` and the session stays in
``State.ERROR``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ivrd.engine.commands import CancelTimer, Command, StartTimer
from ivrd.engine.core import PLAY, REQUEST, TIMER, TRANSFER, Out
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
from ivrd.engine.interactive import InteractiveError, parse_answer
from ivrd.engine.listen import Listener
from ivrd.engine.menu import CallInfo, Menu
from ivrd.engine.state import ACCEPTS, RACY, Outcome, SessionError, State
from ivrd.engine.verbs import run_verb

__all__ = ["CallSession", "SessionError", "State"]


class CallSession(Listener):
    """One call's run through a menu. See the module docstring."""

    __slots__ = ()

    def __init__(self, menu: Menu, call: CallInfo) -> None:
        super().__init__(menu, call)

    # public API ----------------------------------------------------------------------------

    def start(self, now: float) -> list[Command]:
        """The call entered the IVR: start the lifetime and the entry context."""
        return self.handle(CallEntered(), now)

    def handle(self, event: Event, now: float) -> list[Command]:
        """Feed one event; returns the commands it causes (traces included)."""
        state = self.state
        if state is _ERROR:
            raise SessionError(f"session is in ERROR; refused {event!r}")
        out: Out = []
        kind = type(event)
        try:
            if kind in ACCEPTS[state]:
                _HANDLERS[kind](self, event, now, out)
            else:
                self._unexpected(event, out)
        except Exception:
            self.state = State.ERROR
            self._drop_continuations()
            raise
        return out

    @property
    def ended(self) -> bool:
        """True once the call is over (or the session broke)."""
        return self.state in _DONE

    # events --------------------------------------------------------------------------------

    def _on_entered(self, event: CallEntered, now: float, out: Out) -> None:
        settings = self.menu.settings
        self._trace(
            out,
            "call",
            ("caller", self.call.caller_id_number),
            ("did", self.call.called_did),
            ("menu_version", settings.version),
        )
        if settings.lifetime:
            self._lifetime_timer = tid = self._new_id(TIMER)
            out.append(StartTimer(tid, settings.lifetime * 1000, "lifetime"))
        if settings.sleep_time:
            self.state = State.SLEEPING
            self._start_timer(settings.sleep_time, "sleep_time", self._enter, out)
        else:
            self._enter(now, out)

    def _enter(self, now: float, out: Out) -> None:
        self._run_option(self.menu.settings.entry_context, "start", "entry", now, out)

    def _on_digit(self, event: Digit, now: float, out: Out) -> None:
        state = self.state
        if state is State.PLAYING and self._play_digit is not None:
            self._trace(out, "digit", ("digit", event.digit), ("source", event.source))
            self._play_digit(event.digit, now, out)
        elif (state is State.WAITING or state is State.COLLECTING) and self._sink is not None:
            self._trace(out, "digit", ("digit", event.digit), ("source", event.source))
            self._sink(event.digit, now, out)
        else:
            why = (
                "foreground prompt" if state is State.PLAYING else f"not listening ({state.value})"
            )
            self._trace(
                out, "digit", ("digit", event.digit), ("source", event.source), ("discarded", why)
            )

    def _on_prompt(self, event: PromptFinished, now: float, out: Out) -> None:
        if event.play_id != self._play_id:
            self._stale(event, event.play_id, out)
            return
        self._play_id = 0
        self._play_end(now, out)

    def _on_timer(self, event: TimerFired, now: float, out: Out) -> None:
        tid = event.timer_id
        if tid == self._lifetime_timer:
            self._lifetime_timer = 0
            self._lifetime_expired(now, out)
        elif tid == self._timer_id:
            self._timer_id = 0
            self._timer_end(now, out)
        else:
            self._stale(event, tid, out)

    def _on_transfer(self, event: TransferEnded, now: float, out: Out) -> None:
        if event.transfer_id != self._transfer_id:
            self._stale(event, event.transfer_id, out)
            return
        status = event.status
        self._trace(out, "transfer_result", ("status", status))
        if status == "answered":
            self._answered(out)
            return
        self.call_status = "busy" if status == "busy" else "no_answer"
        self._transfer_id = 0
        if self._lifetime_exit:
            self._end(out, "hangup", f"lifetime transfer {status}")
            return
        self._failed_transfer = True
        self._proceed(now, out)

    def _answered(self, out: Out) -> None:
        self.call_status = "answered"
        self.state = State.BRIDGED
        if self._transfer_final or self._lifetime_exit:
            self._transfer_final = True
            self.outcome = Outcome("transfer", "transfer answered", self._transfer_dsts)
            if self._lifetime_timer:
                self._trace(out, "lifetime", ("result", "stopped: the call left the menu"))
                self._cancel_lifetime(out)

    def _cancel_lifetime(self, out: Out) -> None:
        out.append(CancelTimer(self._lifetime_timer))
        self._lifetime_timer = 0

    def _on_bridge_end(self, event: BridgeEnded, now: float, out: Out) -> None:
        if event.transfer_id != self._transfer_id:
            self._stale(event, event.transfer_id, out)
            return
        self._transfer_id = 0
        if self._transfer_final:
            self._end(out, "transfer", "bridged call ended")
            return
        self._trace(out, "returned", ("reason", "non-final transfer's call ended"))
        if self._lifetime_due:
            self._lifetime_action(now, out)
        else:
            self._steps = 0
            self._proceed(now, out)

    def _on_http(self, event: HttpAnswered | HttpFailed, now: float, out: Out) -> None:
        if event.request_id != self._request_id:
            self._stale(event, event.request_id, out)
            return
        self._request_id = 0
        self._cancel_timer(out)
        if isinstance(event, HttpFailed):
            self._trace(out, "interactive", ("result", "failed"), ("reason", event.reason))
        elif not 200 <= event.status < 300:
            self._trace(out, "interactive", ("result", "failed"), ("status", event.status))
        else:
            self._interactive_answer(event.body, out)
        self._proceed(now, out)

    def _interactive_answer(self, body: bytes, out: Out) -> None:
        try:
            answer = parse_answer(body)
        except InteractiveError as exc:
            self._trace(out, "interactive", ("result", "unparseable"), ("reason", str(exc)))
            return
        self._trace(out, "interactive", ("result", "ok"), ("verbs", len(answer.verbs)))
        for tag in answer.skipped:
            self._trace(out, "ignored", ("event", f"<{tag}>"), ("reason", "unknown verb"))
        self._verbs = answer.verbs
        self._verb_index = 0

    def _run_verb(self, verb: object, now: float, out: Out) -> int:
        return run_verb(self, verb, now, out)

    def _on_speech(self, event: SpeechRecognised, now: float, out: Out) -> None:
        if not self._recognising:
            self._ignore(event, "not recognising", out)
            return
        self._vh_speech(event, now, out)

    def _on_unavailable(self, event: RecognitionUnavailable, now: float, out: Out) -> None:
        if not self._recognising:
            self._ignore(event, "not recognising", out)
            return
        self._vh_unavailable(now, out)

    def _on_hangup(self, event: CallerHungUp, now: float, out: Out) -> None:
        if self.outcome is None:
            self.outcome = Outcome("caller_hangup", "caller hung up")
        self._end(out, self.outcome.action, "caller hung up", hangup=False)

    # lifetime ------------------------------------------------------------------------------

    def _lifetime_expired(self, now: float, out: Out) -> None:
        self._trace(out, "lifetime", ("result", "expired"))
        if self.state is State.BRIDGED:
            self._lifetime_due = True
            self._trace(out, "lifetime", ("result", "deferred until the transfer's call ends"))
            return
        self._lifetime_action(now, out)

    def _lifetime_action(self, now: float, out: Out) -> None:
        settings = self.menu.settings
        self._stop_all(out)
        dst = settings.lifetime_exp_transfer_dst or ""
        if settings.lifetime_exp_action == "transfer" and dst.split():
            self._lifetime_exit = True
            self._transfer(tuple(dst.split()), False, None, True, out)
        else:
            self._end(out, "hangup", "lifetime expired")

    # races and errors ----------------------------------------------------------------------

    def _stale(self, event: Event, ident: int, out: Out) -> None:
        if 0 < ident <= self._issued[_ID_KINDS[type(event)]]:
            self._ignore(event, "no longer awaited", out)
        else:
            raise SessionError(
                f"{type(event).__name__} names id {ident}, which this session never issued"
            )

    def _unexpected(self, event: Event, out: Out) -> None:
        if type(event) in RACY and self.state is not State.IDLE:
            if self.state is State.ENDED:
                self._ignore(event, "call ended", out)
                return
            kind = _ID_KINDS.get(type(event))
            if kind is None:
                self._ignore(event, f"state {self.state.value}", out)
                return
            self._stale(event, _id_of(event), out)
            return
        raise SessionError(
            f"{type(event).__name__} is not accepted in state {self.state.value}: {event!r}"
        )

    def _ignore(self, event: Event, why: str, out: Out) -> None:
        self._trace(out, "ignored", ("event", type(event).__name__), ("reason", why))


_ERROR = State.ERROR
_DONE = frozenset({State.ENDED, State.ERROR})
_ID_KINDS: dict[type, int] = {
    PromptFinished: PLAY,
    TimerFired: TIMER,
    TransferEnded: TRANSFER,
    BridgeEnded: TRANSFER,
    HttpAnswered: REQUEST,
    HttpFailed: REQUEST,
}


def _id_of(event: Event) -> int:
    for name in ("play_id", "timer_id", "transfer_id", "request_id"):
        value = getattr(event, name, None)
        if value is not None:
            return int(value)
    return 0


_Handler = Callable[[CallSession, Any, float, Out], None]
_HANDLERS: dict[type, _Handler] = {
    CallEntered: CallSession._on_entered,
    Digit: CallSession._on_digit,
    PromptFinished: CallSession._on_prompt,
    TimerFired: CallSession._on_timer,
    TransferEnded: CallSession._on_transfer,
    BridgeEnded: CallSession._on_bridge_end,
    HttpAnswered: CallSession._on_http,
    HttpFailed: CallSession._on_http,
    SpeechRecognised: CallSession._on_speech,
    RecognitionUnavailable: CallSession._on_unavailable,
    CallerHungUp: CallSession._on_hangup,
}
