"""Running the verbs of a Call Interactive answer, in order.

A verb behaves like the rule action it resembles: ``<Jump>`` and ``<Hangup>`` route (the
remaining verbs and rules are dropped), ``<Pause>`` is background silence, ``<PlaySound>`` a
prompt (with ``digitvar``, a background prompt's digits go into that variable, as
``record_digits`` does), ``<SimpleTransfer>`` a simple transfer whose ``final`` works as a rule's.
``<TextToSpeech>`` stores the text for ``play_sound_from_variable`` rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ivrd.engine.interactive as ia
from ivrd.engine import variables as var
from ivrd.engine.commands import PlayMode
from ivrd.engine.core import Out, split_numbers
from ivrd.engine.digits import MAX_INPUT_DIGITS, inter_digit_ms
from ivrd.engine.runner import CONTINUE, STOP, WAIT

if TYPE_CHECKING:
    from ivrd.engine.listen import Listener

DEFAULT_PAUSE_S = 10


def run_verb(s: Listener, verb: object, now: float, out: Out) -> int:
    """Run one verb; CONTINUE, WAIT or STOP as for rule actions."""
    s._trace(out, "verb", ("verb", type(verb).__name__))
    if isinstance(verb, ia.Hangup):
        s._end(out, "hangup", "Call Interactive <Hangup/>")
        return STOP
    if isinstance(verb, ia.Pause):
        return s._silence((verb.seconds or DEFAULT_PAUSE_S) * 1000, out)
    if isinstance(verb, ia.SetVar):
        s.variables[verb.name] = verb.value
        s._trace(out, "set", ("name", verb.name), ("value", verb.value))
        return CONTINUE
    if isinstance(verb, ia.Jump):
        s._run_option(verb.context, verb.option or "start", "Call Interactive <Jump>", now, out)
        return STOP
    if isinstance(verb, ia.SetCaller):
        return _set_caller(s, verb, out)
    if isinstance(verb, ia.PlaySound):
        return _play(s, verb, out)
    if isinstance(verb, ia.SimpleTransfer):
        return _transfer(s, verb, out)
    if isinstance(verb, ia.TextToSpeech):
        s.variables[var.TTS_TEXT] = verb.text
        s.variables[var.TTS_VOICE] = verb.voice or ""
        return CONTINUE
    s._trace(out, "nothing", ("reason", f"unknown verb {type(verb).__name__}"))
    return CONTINUE


def _set_caller(s: Listener, verb: ia.SetCaller, out: Out) -> int:
    if verb.number is not None:
        s.out_caller_number = verb.number
    if verb.name is not None:
        s.out_caller_name = verb.name
    s._trace(out, "caller_id", ("number", s.out_caller_number), ("name", s.out_caller_name))
    return CONTINUE


def _play(s: Listener, verb: ia.PlaySound, out: Out) -> int:
    sound = s.menu.sound_ids_by_filename.get(verb.filename)
    if sound is None:
        s._trace(out, "nothing", ("reason", f"no sound file {verb.filename!r}"))
        return CONTINUE
    mode: PlayMode = "foreground" if verb.where == "foreground" else "background"
    if mode == "background" and verb.digitvar:
        s._begin_record(verb.digitvar, s._ctx.digit_len or MAX_INPUT_DIGITS, inter_digit_ms(s._ctx))
        on_digit = s._digitvar_first
    else:
        on_digit = s._interrupt
    if s._play_prompt(sound, False, mode, s._prompt_done, on_digit, out):
        return WAIT
    s._trace(out, "nothing", ("reason", f"sound {sound} is missing"))
    return CONTINUE


def _transfer(s: Listener, verb: ia.SimpleTransfer, out: Out) -> int:
    dsts = tuple(n for number in verb.numbers for n in split_numbers(number))
    if not dsts:
        s._trace(out, "nothing", ("reason", "no number to transfer to"))
        return CONTINUE
    s._transfer(dsts, True, verb.timeout, verb.final, out)
    return WAIT
