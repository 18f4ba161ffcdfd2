"""The call session's state and the low-level moves every part of it shares.

``CallSession`` is split by concern into mixins — this core (ids, prompts, timers, transfers,
ending), ``runner`` (options and rule actions), ``listen`` (digits, ratings, speech) and
``session`` (the public API and event dispatch) — but it is one object with one set of slots,
all declared here. A session waits for at most one thing at a time (a prompt, a timer, a
transfer, a request), plus the IVR's lifetime timer; what to do when that thing ends is kept
as a bound method (``_play_end``, ``_timer_end``, ...).
"""

from __future__ import annotations

from collections.abc import Callable

from ivrd.engine import variables as var
from ivrd.engine.actions import VoiceHelper
from ivrd.engine.commands import (
    CancelTimer,
    CancelTransfer,
    Command,
    HangUp,
    PlayMode,
    PlaySound,
    PlayText,
    StartTimer,
    StopPlayback,
    StopRecognition,
    Trace,
    TraceValue,
    Transfer,
)
from ivrd.engine.menu import CallInfo, Context, Menu, Rule
from ivrd.engine.state import Outcome, State

Out = list[Command]
Then = Callable[[float, Out], None]
OnDigit = Callable[[str, float, Out], None]

# Fallbacks for unset values (docs/semantics.md gives the reasons).
DEFAULT_TRANSFER_TIMEOUT_S = 30
MAX_TRANSFER_DESTINATIONS = 10  # documented limit of `transfer`; simple_transfer has none
VOICEMAIL_MAX_MS = 180_000
TTS_MS_PER_CHAR = 70
MAX_ROUTING_STEPS = 100
PLAY, TIMER, TRANSFER, REQUEST = 0, 1, 2, 3  # id kinds


def _nothing(now: float, out: Out) -> None:
    """Placeholder continuation; never reached while no wait is pending."""


def split_numbers(value: str) -> tuple[str, ...]:
    """Destinations from ``transfer_dst`` (space-separated) or a variable (commas too)."""
    return tuple(value.replace(",", " ").split())


class SessionCore:
    """State, ids and the shared moves (prompts, timers, transfers, ending)."""

    __slots__ = (
        "_buffer",
        "_context",
        "_failed_transfer",
        "_finals",
        "_issued",
        "_lifetime_due",
        "_lifetime_exit",
        "_lifetime_timer",
        "_limit",
        "_option",
        "_play_digit",
        "_play_end",
        "_play_id",
        "_ran_any",
        "_rate_max",
        "_recognising",
        "_record_var",
        "_request_id",
        "_rule",
        "_rule_index",
        "_rules",
        "_sink",
        "_steps",
        "_steps_at",
        "_timer_end",
        "_timer_id",
        "_transfer_dsts",
        "_transfer_final",
        "_transfer_id",
        "_verb_index",
        "_verbs",
        "_vh",
        "_window_ms",
        "call",
        "call_status",
        "menu",
        "out_caller_name",
        "out_caller_number",
        "outcome",
        "state",
        "variables",
    )

    def __init__(self, menu: Menu, call: CallInfo) -> None:
        self.menu = menu
        self.call = call
        self.state = State.IDLE
        self.variables: dict[str, str] = var.preset(call)
        self.outcome: Outcome | None = None
        self.call_status: str | None = None
        self.out_caller_number: str | None = None
        self.out_caller_name: str | None = None
        self._issued = [0, 0, 0, 0]  # last id per kind: PLAY, TIMER, TRANSFER, REQUEST
        self._context: Context | None = None
        self._option = ""
        self._rules: tuple[Rule, ...] = ()
        self._rule_index = 0
        self._rule: Rule | None = None
        self._ran_any = False
        self._failed_transfer = False
        self._verbs: tuple[object, ...] = ()
        self._verb_index = 0
        self._play_id = 0
        self._play_end: Then = _nothing
        self._play_digit: OnDigit | None = None
        self._timer_id = 0
        self._timer_end: Then = _nothing
        self._sink: OnDigit | None = None
        self._transfer_id = 0
        self._transfer_final = True
        self._transfer_dsts: tuple[str, ...] = ()
        self._request_id = 0
        self._recognising = False
        self._lifetime_timer = 0
        self._lifetime_due = False
        self._lifetime_exit = False
        self._steps = 0
        self._steps_at = -1.0
        self._buffer = ""
        self._limit = 0
        self._window_ms = 0
        self._record_var = ""
        self._rate_max = 0
        self._finals = 0
        self._vh: VoiceHelper | None = None

    # ids, traces, timers -------------------------------------------------------------------

    def _new_id(self, kind: int) -> int:
        """A fresh id of one kind (ids count per kind, so an event's id is checkable)."""
        self._issued[kind] += 1
        return self._issued[kind]

    @staticmethod
    def _trace(out: Out, kind: str, *fields: tuple[str, TraceValue]) -> None:
        out.append(Trace(kind, fields))

    def _start_timer(self, delay_ms: int, purpose: str, then: Then, out: Out) -> None:
        self._timer_id = tid = self._new_id(TIMER)
        self._timer_end = then
        out.append(StartTimer(tid, delay_ms, purpose))

    def _cancel_timer(self, out: Out) -> None:
        if self._timer_id:
            out.append(CancelTimer(self._timer_id))
            self._timer_id = 0

    # prompts -------------------------------------------------------------------------------

    def _play_prompt(
        self,
        sound: int | None,
        from_variable: bool,
        mode: PlayMode,
        then: Then,
        on_digit: OnDigit | None,
        out: Out,
    ) -> bool:
        """Start a prompt (the TTS greeting if asked and set, else the sound).

        Returns False, emitting nothing, when there is nothing to play.
        """
        text = self.variables.get(var.TTS_TEXT) if from_variable else None
        if text:
            pid = self._new_id(PLAY)
            voice = self.variables.get(var.TTS_VOICE) or None
            out.append(PlayText(pid, text, voice, mode, len(text) * TTS_MS_PER_CHAR))
        elif sound is not None and sound in self.menu.sound_durations_ms:
            pid = self._new_id(PLAY)
            out.append(PlaySound(pid, sound, mode, self.menu.sound_durations_ms[sound]))
        else:
            return False
        self._began_play(pid, mode, then, on_digit)
        return True

    def _began_play(self, pid: int, mode: PlayMode, then: Then, on_digit: OnDigit | None) -> None:
        self._play_id = pid
        self._play_end = then
        self._play_digit = on_digit if mode == "background" else None
        self.state = State.PLAYING

    def _stop_play(self, out: Out) -> None:
        if self._play_id:
            out.append(StopPlayback(self._play_id))
            self._play_id = 0

    def _stop_recognition(self, out: Out) -> None:
        if self._recognising:
            out.append(StopRecognition())
            self._recognising = False

    def _stop_all(self, out: Out) -> None:
        """Stop whatever the session waits for (before it does something else entirely)."""
        self._stop_play(out)
        self._cancel_timer(out)
        self._stop_recognition(out)
        if self.state is State.TRANSFERRING and self._transfer_id:
            out.append(CancelTransfer(self._transfer_id))
        self._transfer_id = 0
        self._request_id = 0

    # transfers and the end -----------------------------------------------------------------

    def _transfer(
        self, dsts: tuple[str, ...], simple: bool, timeout_s: int | None, final: bool, out: Out
    ) -> None:
        self._transfer_id = tid = self._new_id(TRANSFER)
        self._transfer_final = final
        self._transfer_dsts = dsts
        out.append(
            Transfer(
                tid,
                dsts,
                simple,
                timeout_s or DEFAULT_TRANSFER_TIMEOUT_S,
                final,
                self.out_caller_number,
                self.out_caller_name,
            )
        )
        self.state = State.TRANSFERRING

    def _end(
        self, out: Out, action: str, reason: str, *, cause: str = "normal", hangup: bool = True
    ) -> None:
        """The call is over. The driver drops the session's timers and prompts on hang-up."""
        if self.outcome is None:
            self.outcome = Outcome(action, reason)
        self.state = State.ENDED
        self._drop_continuations()
        if hangup:
            out.append(HangUp(cause))
        self._trace(out, "end", ("action", self.outcome.action), ("reason", reason))

    def _drop_continuations(self) -> None:
        """Forget the pending waits: they are bound methods of this session, a reference cycle
        that would keep an ended call in memory until a full garbage collection."""
        self._play_end = self._timer_end = _nothing
        self._play_digit = self._sink = None

    def _guard(self, now: float, out: Out) -> bool:
        """Count a routing step; True (and the call ended) when the loop guard trips.

        The count restarts only on caller input or when media played since the last step
        (``_media_played``): waiting alone does not count, so a menu that cycles through
        timeouts without ever playing anything is stopped too.
        """
        self._steps_at = now
        self._steps += 1
        if self._steps <= MAX_ROUTING_STEPS:
            return False
        self._trace(
            out,
            "error",
            (
                "reason",
                f"more than {MAX_ROUTING_STEPS} routing steps without media or input: loop guard",
            ),
        )
        self._stop_all(out)
        self._end(out, "error", "loop guard")
        return True

    def _media_played(self, now: float) -> None:
        """A prompt ended: if it took time since the last routing step, restart the count."""
        if now > self._steps_at:
            self._steps = 0
