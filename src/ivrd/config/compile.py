"""Stored IVR → the engine's immutable ``Menu`` snapshot: the only bridge between the two.

The engine never sees ORM rows. Everything a call looks up is gathered here once: contexts
with their options' ordered rules as typed actions, the durations and file names of the sounds
the client may play, the client's dialable short numbers, its intervals, and caller-id
patterns compiled with RE2 (linear time: a pattern can never hang a call).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

import re2
from sqlalchemy import select
from sqlalchemy.orm import Session

from ivrd.config import actions as config_actions
from ivrd.config.references import sound_visible_to
from ivrd.db import models
from ivrd.engine import actions
from ivrd.engine.intervals import Interval, conditions_from_mappings
from ivrd.engine.menu import Conditions, Context, IvrSettings, Menu, Rule
from ivrd.errors import NotFound

# config/actions.py holds the one list of actions; each API model has an engine twin of the
# same class name, so the mapping is derived, never written again.
ACTION_TYPES: dict[str, type[Any]] = {
    name: getattr(actions, model.__name__)
    for name, model in zip(config_actions.ACTIONS, config_actions.ACTION_MODELS, strict=True)
}


def action_of(row: models.Rule) -> actions.Action:
    """The typed action of a stored rule: its API fields map one to one, unset ones default."""
    cls = ACTION_TYPES[row.action]
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        value = getattr(row, f.name, None)
        if f.init and value is not None:
            values[f.name] = value
    if cls is actions.VoiceHelper:
        values["voice_helper_rules"] = tuple(
            actions.VoiceHelperRule(str(r["to_option"]), str(r["transcription"]))
            for r in row.voice_helper_rules or ()
        )
    action: actions.Action = cls(**values)
    return action


def conditions_of(row: models.Rule) -> Conditions:
    matcher = re2.compile(row.caller_id).search if row.caller_id else None
    return Conditions(
        interval=row.interval,
        caller_id_action=row.caller_id_action,  # type: ignore[arg-type]
        caller_id=row.caller_id,
        caller_id_matcher=matcher,
        match_variable_name=row.match_variable_name,
        match_variable_value=row.match_variable_value,
        call_status=row.call_status,  # type: ignore[arg-type]
    )


def rule_of(row: models.Rule) -> Rule:
    return Rule(
        id=row.rule_id,
        action=action_of(row),
        final=row.final,
        name=row.name,
        conditions=conditions_of(row),
    )


def _contexts(session: Session, extension_id: int) -> dict[int, Context]:
    rows = session.scalars(
        select(models.Context).where(models.Context.extension_id == extension_id)
    )
    contexts = {c.id: c for c in rows}
    options = session.scalars(
        select(models.ContextOption)
        .where(models.ContextOption.context_id.in_(contexts))
        .order_by(models.ContextOption.position)
    )
    rules_by_option: dict[int, list[Rule]] = {}
    for row in session.scalars(
        select(models.Rule)
        .where(models.Rule.extension_id == extension_id)
        .order_by(models.Rule.position)
    ):
        rules_by_option.setdefault(row.option_id, []).append(rule_of(row))
    options_of: dict[int, dict[str, tuple[Rule, ...]]] = {cid: {} for cid in contexts}
    for option in options:
        options_of[option.context_id][option.digits] = tuple(rules_by_option.get(option.id, ()))
    return {
        cid: Context(
            id=cid,
            name=c.name,
            options=options_of[cid],
            timeout=c.timeout,
            inter_digit_timeout=c.inter_digit_timeout,
            digit_len=c.digit_len,
            allow_any_dial=c.allow_any_dial,
        )
        for cid, c in contexts.items()
    }


def _sounds(session: Session, client_id: int) -> tuple[dict[int, int], dict[str, int]]:
    visible = sound_visible_to(client_id)
    durations: dict[int, int] = {}
    by_name: dict[str, int] = {}
    for sound in session.scalars(select(models.Sound).where(visible).order_by(models.Sound.id)):
        durations[sound.id] = sound.duration_ms
        by_name[sound.stored_name] = sound.id
        by_name.setdefault(sound.filename, sound.id)
    return durations, by_name


def _intervals(rows: Iterable[models.Interval]) -> dict[int, Interval]:
    return {
        row.id: Interval(row.timezone, conditions_from_mappings(row.conditions)) for row in rows
    }


def compile_menu(session: Session, extension_id: int) -> Menu:
    """The snapshot of one IVR as stored now (raises NotFound for a non-IVR extension)."""
    ivr = session.get(models.Ivr, extension_id)
    extension = session.get(models.Extension, extension_id)
    if ivr is None or extension is None:
        raise NotFound(f"extension {extension_id} is not an IVR")
    client = session.get(models.Client, extension.client_id)
    assert client is not None
    durations, by_name = _sounds(session, client.id)
    short_names = session.scalars(
        select(models.Extension.short_name).where(
            models.Extension.client_id == client.id, models.Extension.id != extension_id
        )
    )
    intervals = session.scalars(
        select(models.Interval).where(models.Interval.client_id == client.id)
    )
    settings = IvrSettings(
        entry_context=ivr.entry_context or 0,
        lifetime=ivr.lifetime,
        lifetime_exp_action=ivr.lifetime_exp_action or "hangup",
        lifetime_exp_transfer_dst=ivr.lifetime_exp_transfer_dst,
        sleep_time=ivr.sleep_time,
        vm_enabled=ivr.vm_enabled,
        vm_greeting=ivr.vm_greeting,
        vm_attach_file=ivr.vm_attach_file,
        vm_mailto=ivr.vm_mailto,
        version=ivr.version,
    )
    return Menu(
        settings=settings,
        contexts=_contexts(session, extension_id),
        sound_durations_ms=durations,
        sound_ids_by_filename=by_name,
        extensions=frozenset(short_names),
        intervals=_intervals(intervals),
        speech_enabled=client.speech_enabled,
    )
