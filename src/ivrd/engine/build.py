"""From a stored rule's API fields to the engine's typed values.

``config/compile.py`` reads rules as the API spells them (``{"action": "play_sound",
"sound": 52, "sound_type": "foreground", "final": true, ...}``, unset fields ``None``); these
functions pick, per action, the fields that action uses and build the frozen values. Pure: the
caller-id pattern is compiled by a function the caller passes in (google-re2 in the config
layer), so the engine never depends on a regex engine.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from ivrd.engine import actions as a
from ivrd.engine.menu import Conditions, Rule

ACTION_TYPES: Mapping[str, type[Any]] = {
    "transfer": a.Transfer,
    "simple_transfer": a.SimpleTransfer,
    "transfer_from_variable": a.TransferFromVariable,
    "hangup": a.Hangup,
    "play_sound": a.PlaySound,
    "play_silence": a.PlaySilence,
    "jump_to_context": a.JumpToContext,
    "play_digits": a.PlayDigits,
    "play_digits_from_variable": a.PlayDigitsFromVariable,
    "record_digits": a.RecordDigits,
    "set_variable": a.SetVariable,
    "call_interactive": a.CallInteractive,
    "set_caller_id_number": a.SetCallerIdNumber,
    "set_caller_id_name": a.SetCallerIdName,
    "quality_rate": a.QualityRate,
    "voice_helper": a.VoiceHelper,
    "start_record": a.StartRecord,
}

PatternCompiler = Callable[[str], Callable[[str], object]]


def action_from_fields(fields: Mapping[str, Any]) -> a.Action:
    """The action of a rule; ValueError names a missing field or an unknown action."""
    name = fields.get("action")
    cls = ACTION_TYPES.get(name) if isinstance(name, str) else None
    if cls is None:
        raise ValueError(f"unknown action {name!r}")
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if not f.init or fields.get(f.name) is None:
            continue
        kwargs[f.name] = fields[f.name]
    if cls is a.VoiceHelper and "voice_helper_rules" in kwargs:
        kwargs["voice_helper_rules"] = tuple(
            a.VoiceHelperRule(str(r["to_option"]), str(r["transcription"]))
            for r in kwargs["voice_helper_rules"]
        )
    if cls is a.JumpToContext and "context_option" in kwargs:
        kwargs["context_option"] = str(kwargs["context_option"])
    try:
        action: a.Action = cls(**kwargs)
    except TypeError as exc:
        raise ValueError(f"action {name}: {exc}") from None
    return action


def conditions_from_fields(
    fields: Mapping[str, Any], compile_pattern: PatternCompiler
) -> Conditions:
    """A rule's conditions; the ``caller_id`` pattern is compiled only when it is used."""
    action: Any = fields.get("caller_id_action") or "any"
    pattern = fields.get("caller_id")
    matcher = None
    if action in ("matches", "not_matches"):
        if not pattern:
            raise ValueError(f"caller_id_action {action} needs a caller_id pattern")
        matcher = compile_pattern(pattern)
    return Conditions(
        interval=fields.get("interval"),
        caller_id_action=action,
        caller_id=pattern,
        caller_id_matcher=matcher,
        match_variable_name=fields.get("match_variable_name"),
        match_variable_value=fields.get("match_variable_value"),
        call_status=fields.get("call_status") or "any",
    )


def rule_from_fields(fields: Mapping[str, Any], compile_pattern: PatternCompiler) -> Rule:
    """A whole rule (``id``, ``name``, ``final`` default true, conditions, action)."""
    final = fields.get("final")
    return Rule(
        int(fields["id"]),
        action_from_fields(fields),
        final=True if final is None else bool(final),
        name=fields.get("name"),
        conditions=conditions_from_fields(fields, compile_pattern),
    )
