"""Listening to the caller: menu input, record_digits, quality_rate and voice_helper.

Menu input (see ``digits.py`` for when it is complete): during a background prompt the first
digit stops the prompt, drops the option's remaining rules and starts collection; after the
rules, the session waits ``timeout`` ms for a first digit, then ``inter_digit_timeout`` ms for
each next one. Every accepted digit or transcript resets the loop guard.
"""

from __future__ import annotations

from ivrd.engine import actions as a
from ivrd.engine.commands import SaveRating, StartRecognition
from ivrd.engine.core import Out
from ivrd.engine.digits import (
    MAX_INPUT_DIGITS,
    TERMINATOR,
    completion,
    input_timeout_ms,
    inter_digit_ms,
    max_len,
    select,
)
from ivrd.engine.events import SpeechRecognised
from ivrd.engine.menu import Context, Rule
from ivrd.engine.runner import CONTINUE, WAIT, Runner
from ivrd.engine.state import State

DEFAULT_RECORD_TIMEOUT_S = 10
DEFAULT_VOICE_HELPER_TIMEOUT_MS = 10_000


class Listener(Runner):
    """Collects digits and speech and turns them into the next step."""

    __slots__ = ()

    @property
    def _ctx(self) -> Context:
        assert self._context is not None  # set by the first option that ran
        return self._context

    # menu input ----------------------------------------------------------------------------

    def _interrupt(self, digit: str, now: float, out: Out) -> None:
        """First digit during a background prompt: stop it, drop the rest, collect."""
        self._stop_play(out)
        self._trace(out, "interrupt", ("digit", digit))
        self._rule_index = len(self._rules)
        self._verbs = ()
        self._begin_collect(max_len(self._ctx))
        self._menu_digit(digit, now, out)

    def _wait_for_input(self, now: float, out: Out) -> None:
        timeout = input_timeout_ms(self._ctx)
        self._trace(out, "wait", ("context", self._ctx.id), ("timeout_ms", timeout))
        self.state = State.WAITING
        self._sink = self._first_digit
        self._start_timer(timeout, "input timeout", self._input_timeout, out)

    def _first_digit(self, digit: str, now: float, out: Out) -> None:
        self._cancel_timer(out)
        self._begin_collect(max_len(self._ctx))
        self._menu_digit(digit, now, out)

    def _begin_collect(self, limit: int) -> None:
        self._buffer = ""
        self._limit = limit
        self.state = State.COLLECTING
        self._sink = self._menu_digit

    def _menu_digit(self, digit: str, now: float, out: Out) -> None:
        self._steps = 0
        self._cancel_timer(out)
        if digit == TERMINATOR:
            self._input_done("terminator", now, out)
            return
        self._buffer += digit
        reason = completion(self._buffer, self._ctx, self.menu, self._limit)
        if reason is not None:
            self._input_done(reason, now, out)
        else:
            self._start_timer(
                inter_digit_ms(self._ctx), "inter-digit timeout", self._inter_digit_timeout, out
            )

    def _inter_digit_timeout(self, now: float, out: Out) -> None:
        self._input_done("inter_digit_timeout", now, out)

    def _input_timeout(self, now: float, out: Out) -> None:
        self._trace(out, "input", ("digits", ""), ("reason", "timeout"))
        self._run_option(self._ctx.id, "timeout", "no input", now, out)

    def _input_done(self, reason: str, now: float, out: Out) -> None:
        digits, ctx = self._buffer, self._ctx
        kind, key = select(digits, ctx, self.menu)
        self._trace(
            out, "input", ("digits", digits), ("reason", reason), ("selects", kind), ("key", key)
        )
        if kind == "extension":
            self._dial(key, now, out)
        else:
            self._run_option(ctx.id, key, "input", now, out)

    def _dial(self, number: str, now: float, out: Out) -> None:
        """``allow_any_dial``: the input is a client's extension; transfer to it."""
        if self._guard(now, out):
            return
        self._trace(out, "dial", ("extension", number))
        self._begin_rules(f"dial {number}", (Rule(0, a.Transfer(number), final=True),))
        self._proceed(now, out)

    # record_digits (and Call Interactive's digitvar) ---------------------------------------

    def _act_record_digits(self, act: a.RecordDigits, now: float, out: Out) -> int:
        timeout_s = act.record_digits_timeout or DEFAULT_RECORD_TIMEOUT_S
        self._begin_record(
            act.record_digits_variable, act.record_digits_max or MAX_INPUT_DIGITS, timeout_s * 1000
        )
        sound = act.record_digits_sound
        if not self._play_prompt(
            sound, False, "background", self._record_window, self._record_first, out
        ):
            self._record_window(now, out)
        return WAIT

    def _begin_record(self, variable: str, limit: int, window_ms: int) -> None:
        self._record_var = variable
        self._limit = limit
        self._window_ms = window_ms
        self._buffer = ""

    def _record_window(self, now: float, out: Out) -> None:
        self.state = State.WAITING
        self._sink = self._record_digit
        self._start_timer(self._window_ms, "record_digits timeout", self._record_done, out)

    def _record_first(self, digit: str, now: float, out: Out) -> None:
        self._stop_play(out)
        self._record_window(now, out)
        self._record_digit(digit, now, out)

    def _record_digit(self, digit: str, now: float, out: Out) -> None:
        self._steps = 0
        self.state = State.COLLECTING
        if digit != TERMINATOR:
            self._buffer += digit
            if len(self._buffer) < self._limit:
                return
        self._cancel_timer(out)
        self._record_done(now, out)

    def _record_done(self, now: float, out: Out) -> None:
        if self._buffer:
            self.variables[self._record_var] = self._buffer
        self._trace(out, "recorded", ("variable", self._record_var), ("digits", self._buffer))
        self._proceed(now, out)

    def _digitvar_first(self, digit: str, now: float, out: Out) -> None:
        """A digit during a Call Interactive background ``<PlaySound digitvar=...>``."""
        self._record_first(digit, now, out)

    # quality_rate ----------------------------------------------------------------------------

    def _act_quality_rate(self, act: a.QualityRate, now: float, out: Out) -> int:
        self._rate_max = act.max_rate
        if not self._play_prompt(
            act.sound,
            act.play_sound_from_variable,
            "background",
            self._rate_wait,
            self._rate_digit,
            out,
        ):
            self._rate_wait(now, out)
        return WAIT

    def _rate_wait(self, now: float, out: Out) -> None:
        self.state = State.WAITING
        self._sink = self._rate_digit
        self._start_timer(
            input_timeout_ms(self._ctx), "quality_rate timeout", self._rate_timeout, out
        )

    def _rate_digit(self, digit: str, now: float, out: Out) -> None:
        if not ("1" <= digit <= str(self._rate_max) and digit.isdigit()):
            self._trace(out, "digit", ("digit", digit), ("result", "not a rating"))
            return
        self._steps = 0
        self._stop_play(out)
        self._cancel_timer(out)
        out.append(SaveRating(int(digit), self._rate_max))
        self._proceed(now, out)

    def _rate_timeout(self, now: float, out: Out) -> None:
        self._trace(out, "quality_rate", ("result", "no rating"))
        self._proceed(now, out)

    # voice_helper ----------------------------------------------------------------------------

    def _act_voice_helper(self, act: a.VoiceHelper, now: float, out: Out) -> int:
        if not self.menu.speech_enabled:
            self._trace(out, "nothing", ("reason", "speech recognition is disabled"))
            return CONTINUE
        self._vh = act
        self._finals = 0
        self._recognising = True
        out.append(StartRecognition(act.voice_helper_final_count or 1))
        if not self._play_prompt(
            act.sound,
            act.play_sound_from_variable,
            "background",
            self._vh_listen,
            self._vh_digit,
            out,
        ):
            self._vh_listen(now, out)
        return WAIT

    @property
    def _helper(self) -> a.VoiceHelper:
        assert self._vh is not None  # set by _act_voice_helper before any use
        return self._vh

    def _vh_listen(self, now: float, out: Out) -> None:
        self.state = State.WAITING
        self._sink = self._vh_digit
        timeout = self._helper.voice_helper_timeout or DEFAULT_VOICE_HELPER_TIMEOUT_MS
        self._start_timer(timeout, "voice_helper timeout", self._vh_timeout, out)

    def _vh_digit(self, digit: str, now: float, out: Out) -> None:
        self._stop_play(out)
        self._cancel_timer(out)
        self._stop_recognition(out)
        self._rule_index = len(self._rules)
        self._begin_collect(self._helper.voice_helper_digits_max or max_len(self._ctx))
        self._menu_digit(digit, now, out)

    def _vh_timeout(self, now: float, out: Out) -> None:
        self._stop_recognition(out)
        self._trace(out, "speech", ("result", "nothing recognised"))
        self._run_option(self._ctx.id, "timeout", "nothing recognised", now, out)

    def _vh_speech(self, event: SpeechRecognised, now: float, out: Out) -> None:
        if not event.final:
            self._trace(out, "speech", ("text", event.text), ("final", False))
            return
        self._steps = 0
        text = event.text.casefold()
        helper = self._helper
        option = next((r.to_option for r in helper.voice_helper_rules if r.matches(text)), None)
        self._finals += 1
        self._trace(out, "speech", ("text", event.text), ("final", True), ("selects", option))
        if option is None and self._finals < (helper.voice_helper_final_count or 1):
            return
        self._stop_play(out)
        self._cancel_timer(out)
        self._stop_recognition(out)
        self._run_option(self._ctx.id, option or "invalid", "speech", now, out)

    def _vh_unavailable(self, now: float, out: Out) -> None:
        self._stop_play(out)
        self._cancel_timer(out)
        self._recognising = False
        self._trace(out, "nothing", ("reason", "speech recognition unavailable"))
        self._proceed(now, out)
