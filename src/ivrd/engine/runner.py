"""Running an option: its rules in order, each action's effect, and what follows.

An action returns CONTINUE (go on with the next rule), WAIT (the session now waits for an
event; when it comes, ``_proceed`` goes on) or STOP (the option is over: the call was routed
elsewhere or ended). When the rules run out: an option that ran no rule hangs up (or takes a
voicemail); one whose last act was a failed transfer does the same; otherwise the caller waits
for input in the current context.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ivrd.engine import actions as a
from ivrd.engine import variables as var
from ivrd.engine.commands import (
    HttpRequest,
    PlaySilence,
    RecordVoicemail,
    SayDigits,
    StartRecording,
    Trace,
)
from ivrd.engine.conditions import failing_condition
from ivrd.engine.core import (
    MAX_TRANSFER_DESTINATIONS,
    PLAY,
    REQUEST,
    VOICEMAIL_MAX_MS,
    Out,
    SessionCore,
    split_numbers,
)
from ivrd.engine.menu import Rule
from ivrd.engine.state import Outcome, State

CONTINUE, WAIT, STOP = 0, 1, 2
SAY_MS_PER_DIGIT = 500
DEFAULT_INTERACTIVE_TIMEOUT_S = 5  # documented platform default


class Runner(SessionCore):
    """Options, rules and the actions that need no caller input."""

    __slots__ = ()

    # hooks the listening mixin provides
    def _interrupt(self, digit: str, now: float, out: Out) -> None:
        raise NotImplementedError

    def _wait_for_input(self, now: float, out: Out) -> None:
        raise NotImplementedError

    def _run_verb(self, verb: object, now: float, out: Out) -> int:
        raise NotImplementedError

    # options -------------------------------------------------------------------------------

    def _run_option(self, context_id: int, option: str, why: str, now: float, out: Out) -> None:
        if self._guard(now, out):
            return
        context = self.menu.contexts.get(context_id)
        out.append(Trace("option", (("context", context_id), ("option", option), ("why", why))))
        if context is None:
            self._trace(out, "error", ("reason", f"context {context_id} does not exist"))
            self._default_end(now, out, f"context {context_id} does not exist")
            return
        self._context = context
        self._begin_rules(option, context.rules(option))
        self._proceed(now, out)

    def _begin_rules(self, option: str, rules: tuple[Rule, ...]) -> None:
        self._option = option
        self._rules = rules
        self._rule_index = 0
        self._ran_any = False
        self._failed_transfer = False
        self._verbs = ()
        self._verb_index = 0

    def _proceed(self, now: float, out: Out) -> None:
        """Run verbs, then rules, until one waits or routes; then settle the option."""
        while True:
            if self._verb_index < len(self._verbs):
                verb = self._verbs[self._verb_index]
                self._verb_index += 1
                self._failed_transfer = False
                result = self._run_verb(verb, now, out)
            elif self._rule_index < len(self._rules):
                rule = self._rules[self._rule_index]
                self._rule_index += 1
                result = self._run_rule(rule, now, out)
            else:
                self._option_done(now, out)
                return
            if result != CONTINUE:
                return

    def _run_rule(self, rule: Rule, now: float, out: Out) -> int:
        if not rule.always:
            reason = failing_condition(
                rule.conditions,
                now=now,
                caller_id_number=self.call.caller_id_number,
                variables=self.variables,
                call_status=self.call_status,
                intervals=self.menu.intervals,
            )
            if reason is not None:
                self._trace(out, "skip", ("rule", rule.id), ("reason", reason))
                return CONTINUE
        self._rule = rule
        self._ran_any = True
        self._failed_transfer = False
        kind = type(rule.action)
        out.append(Trace("rule", (("rule", rule.id), ("action", ACTION_NAMES[kind]))))
        return ACTIONS[kind](self, rule.action, now, out)

    def _option_done(self, now: float, out: Out) -> None:
        if not self._ran_any:
            self._default_end(now, out, "option ran no rule")
        elif self._failed_transfer:
            self._default_end(now, out, "transfer not answered and no rule left")
        else:
            self._wait_for_input(now, out)

    def _default_end(self, now: float, out: Out, reason: str) -> None:
        """The IVR's default: voicemail when enabled, else hang up."""
        if not self.menu.settings.vm_enabled:
            self._end(out, "hangup", reason)
            return
        settings = self.menu.settings
        self._stop_all(out)
        self.outcome = Outcome("voicemail", reason)
        self._trace(out, "to_voicemail", ("reason", reason))
        played = self._play_prompt(
            settings.vm_greeting, False, "foreground", self._vm_record, None, out
        )
        self.state = State.VOICEMAIL
        if not played:
            self._vm_record(now, out)

    def _vm_record(self, now: float, out: Out) -> None:
        settings = self.menu.settings
        out.append(
            RecordVoicemail(
                settings.vm_greeting,
                settings.vm_mailto or "",
                settings.vm_attach_file,
                VOICEMAIL_MAX_MS,
            )
        )
        self._start_timer(VOICEMAIL_MAX_MS, "voicemail limit", self._vm_done, out)

    def _vm_done(self, now: float, out: Out) -> None:
        self._end(out, "voicemail", "voicemail length limit")

    def _prompt_done(self, now: float, out: Out) -> None:
        self._media_played(now)
        self._proceed(now, out)

    # routing actions -----------------------------------------------------------------------

    def _act_hangup(self, act: a.Hangup, now: float, out: Out) -> int:
        self._end(out, "hangup", "hangup rule", cause=act.hangup_cause or "normal")
        return STOP

    def _act_jump(self, act: a.JumpToContext, now: float, out: Out) -> int:
        self._run_option(act.context, act.context_option or "start", "jump", now, out)
        return STOP

    def _act_transfer(self, act: a.Transfer, now: float, out: Out) -> int:
        dsts = split_numbers(var.substitute(act.transfer_dst, self.variables))
        if len(dsts) > MAX_TRANSFER_DESTINATIONS:
            self._trace(
                out,
                "warning",
                ("reason", f"transfer rings at most {MAX_TRANSFER_DESTINATIONS} numbers"),
            )
            dsts = dsts[:MAX_TRANSFER_DESTINATIONS]
        return self._start_transfer(dsts, False, act.transfer_timeout, out)

    def _act_simple_transfer(self, act: a.SimpleTransfer, now: float, out: Out) -> int:
        dsts = split_numbers(var.substitute(act.transfer_dst, self.variables))
        return self._start_transfer(dsts, True, act.transfer_timeout, out)

    def _act_transfer_var(self, act: a.TransferFromVariable, now: float, out: Out) -> int:
        dsts = split_numbers(self.variables.get(act.transfer_variable, ""))
        return self._start_transfer(dsts, False, act.transfer_timeout, out)

    def _start_transfer(
        self, dsts: tuple[str, ...], simple: bool, timeout_s: int | None, out: Out
    ) -> int:
        if not dsts:
            self._trace(out, "nothing", ("reason", "no number to transfer to"))
            return CONTINUE
        final = self._rule.final if self._rule is not None else True
        self._transfer(dsts, simple, timeout_s, final, out)
        return WAIT

    # media actions -------------------------------------------------------------------------

    def _act_play_sound(self, act: a.PlaySound, now: float, out: Out) -> int:
        return self._prompt(act.sound, act.play_sound_from_variable, act.sound_type, out)

    def _prompt(self, sound: int | None, from_var: bool, mode: a.SoundType, out: Out) -> int:
        on_digit = self._interrupt if mode == "background" else None
        if self._play_prompt(sound, from_var, mode, self._prompt_done, on_digit, out):
            return WAIT
        self._trace(out, "nothing", ("reason", f"sound {sound} is missing"))
        return CONTINUE

    def _act_play_silence(self, act: a.PlaySilence, now: float, out: Out) -> int:
        return self._silence(act.silence_time, out)

    def _silence(self, ms: int, out: Out) -> int:
        if ms <= 0:
            return CONTINUE
        pid = self._new_id(PLAY)
        out.append(PlaySilence(pid, ms))
        self._began_play(pid, "background", self._prompt_done, self._interrupt)
        return WAIT

    def _act_play_digits(self, act: a.PlayDigits, now: float, out: Out) -> int:
        return self._say(act.digits, act.play_digits_method, out)

    def _act_play_digits_var(self, act: a.PlayDigitsFromVariable, now: float, out: Out) -> int:
        return self._say(
            self.variables.get(act.play_digits_variable, ""), act.play_digits_method, out
        )

    def _say(self, digits: str, method: a.PlayDigitsMethod, out: Out) -> int:
        if not digits:
            self._trace(out, "nothing", ("reason", "no digits to say"))
            return CONTINUE
        pid = self._new_id(PLAY)
        out.append(SayDigits(pid, digits, method, len(digits) * SAY_MS_PER_DIGIT))
        self._began_play(pid, "background", self._prompt_done, self._interrupt)
        return WAIT

    # data actions --------------------------------------------------------------------------

    def _act_set_variable(self, act: a.SetVariable, now: float, out: Out) -> int:
        value = var.substitute(act.set_variable_value, self.variables)
        self.variables[act.set_variable_name] = value
        self._trace(out, "set", ("name", act.set_variable_name), ("value", value))
        return CONTINUE

    def _act_caller_number(self, act: a.SetCallerIdNumber, now: float, out: Out) -> int:
        self.out_caller_number = var.substitute(act.caller_id_number, self.variables)
        self._trace(out, "caller_id", ("number", self.out_caller_number))
        return CONTINUE

    def _act_caller_name(self, act: a.SetCallerIdName, now: float, out: Out) -> int:
        self.out_caller_name = var.substitute(act.caller_id_name, self.variables)
        self._trace(out, "caller_id", ("name", self.out_caller_name))
        return CONTINUE

    def _act_start_record(self, act: a.StartRecord, now: float, out: Out) -> int:
        out.append(StartRecording())
        return CONTINUE

    def _act_call_interactive(self, act: a.CallInteractive, now: float, out: Out) -> int:
        url = var.substitute(act.call_interactive_url, self.variables)
        if not url.startswith(("http://", "https://")):
            self._trace(out, "nothing", ("reason", f"bad Call Interactive URL {url!r}"))
            return CONTINUE
        timeout_s = act.call_interactive_timeout or DEFAULT_INTERACTIVE_TIMEOUT_S
        self._request_id = rid = self._new_id(REQUEST)
        out.append(
            HttpRequest(rid, act.call_interactive_method, url, self._request_params(), timeout_s)
        )
        self._start_timer(timeout_s * 1000, "call_interactive timeout", self._http_timeout, out)
        self.state = State.REQUESTING
        return WAIT

    def _request_params(self) -> tuple[tuple[str, str], ...]:
        call = self.call
        params = [
            ("EventType", "call_interactive"),
            ("CallID", call.call_id),
            ("CallAPIID", call.call_api_id),
            ("CallerIDNum", call.caller_id_number),
            ("CallerIDName", call.caller_id_name),
            ("CalledDID", call.called_did),
            ("CalledExtension", call.called_extension),
            ("CalledExtensionID", str(call.called_extension_id)),
            ("CalledNumber", call.called_number),
        ]
        if call.caller_extension is not None:
            params.append(("CallerExtension", call.caller_extension))
            params.append(("CallerExtensionID", str(call.caller_extension_id or "")))
        params += [("CallStatus", "ANSWER"), ("CallFlow", "IN")]
        return tuple(params)

    def _http_timeout(self, now: float, out: Out) -> None:
        self._request_id = 0
        self._trace(out, "interactive", ("result", "timeout"))
        self._proceed(now, out)

    # actions that listen live in listen.py
    def _act_record_digits(self, act: a.RecordDigits, now: float, out: Out) -> int:
        raise NotImplementedError

    def _act_quality_rate(self, act: a.QualityRate, now: float, out: Out) -> int:
        raise NotImplementedError

    def _act_voice_helper(self, act: a.VoiceHelper, now: float, out: Out) -> int:
        raise NotImplementedError


ActionRunner = Callable[[Runner, Any, float, Out], int]

ACTIONS: dict[type, ActionRunner] = {
    a.Transfer: lambda s, x, n, o: s._act_transfer(x, n, o),
    a.SimpleTransfer: lambda s, x, n, o: s._act_simple_transfer(x, n, o),
    a.TransferFromVariable: lambda s, x, n, o: s._act_transfer_var(x, n, o),
    a.Hangup: lambda s, x, n, o: s._act_hangup(x, n, o),
    a.PlaySound: lambda s, x, n, o: s._act_play_sound(x, n, o),
    a.PlaySilence: lambda s, x, n, o: s._act_play_silence(x, n, o),
    a.JumpToContext: lambda s, x, n, o: s._act_jump(x, n, o),
    a.PlayDigits: lambda s, x, n, o: s._act_play_digits(x, n, o),
    a.PlayDigitsFromVariable: lambda s, x, n, o: s._act_play_digits_var(x, n, o),
    a.RecordDigits: lambda s, x, n, o: s._act_record_digits(x, n, o),
    a.SetVariable: lambda s, x, n, o: s._act_set_variable(x, n, o),
    a.CallInteractive: lambda s, x, n, o: s._act_call_interactive(x, n, o),
    a.SetCallerIdNumber: lambda s, x, n, o: s._act_caller_number(x, n, o),
    a.SetCallerIdName: lambda s, x, n, o: s._act_caller_name(x, n, o),
    a.QualityRate: lambda s, x, n, o: s._act_quality_rate(x, n, o),
    a.VoiceHelper: lambda s, x, n, o: s._act_voice_helper(x, n, o),
    a.StartRecord: lambda s, x, n, o: s._act_start_record(x, n, o),
}

ACTION_NAMES: dict[type, str] = {
    a.Transfer: "transfer",
    a.SimpleTransfer: "simple_transfer",
    a.TransferFromVariable: "transfer_from_variable",
    a.Hangup: "hangup",
    a.PlaySound: "play_sound",
    a.PlaySilence: "play_silence",
    a.JumpToContext: "jump_to_context",
    a.PlayDigits: "play_digits",
    a.PlayDigitsFromVariable: "play_digits_from_variable",
    a.RecordDigits: "record_digits",
    a.SetVariable: "set_variable",
    a.CallInteractive: "call_interactive",
    a.SetCallerIdNumber: "set_caller_id_number",
    a.SetCallerIdName: "set_caller_id_name",
    a.QualityRate: "quality_rate",
    a.VoiceHelper: "voice_helper",
    a.StartRecord: "start_record",
}
