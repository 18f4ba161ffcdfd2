"""Who refers to what inside voice menus: reference checks on save, referrers on delete.

References inside an IVR are plain integer columns (see ``db/models.py``), so the services
check them here: on save a reference must exist and belong to the same client or IVR (400),
and on delete the referrers are listed (409) instead of leaving a rule pointing nowhere.
Referrer descriptions are predicates ("the entry_context of IVR 204", "the target of rule
7") that ``conflict_message`` joins into one sentence.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session

from ivrd.db.models import Client, Context, ContextOption, Interval, Ivr, Rule, Sound
from ivrd.errors import BadRequest

SOUND_ACTIONS = ("play_sound", "quality_rate", "voice_helper")


def conflict_message(subject: str, referrers: list[str]) -> str:
    """``context 3 is the entry_context of IVR 204 and the target of rule 7``."""
    if len(referrers) == 1:
        listed = referrers[0]
    else:
        listed = ", ".join(referrers[:-1]) + " and " + referrers[-1]
    return f"{subject} is {listed}"


def sound_visible_to(client_id: int) -> ColumnElement[bool]:
    """The client's own sounds and the provider-wide ones (of no client): what the sound
    resource lists, rules may refer to and calls may play."""
    return or_(Sound.client_id == client_id, Sound.client_id.is_(None))


def check_sound(session: Session, client: Client, field: str, sound_id: int | None) -> None:
    if sound_id is None:
        return
    visible = sound_visible_to(client.id)
    found = session.scalar(select(Sound.id).where(Sound.id == sound_id, visible))
    if found is None:
        raise BadRequest(f"{field}: sound {sound_id} not found")


def check_interval(session: Session, client: Client, interval_id: int | None) -> None:
    if interval_id is None:
        return
    found = session.scalar(
        select(Interval.id).where(Interval.id == interval_id, Interval.client_id == client.id)
    )
    if found is None:
        raise BadRequest(f"interval: interval {interval_id} not found")


def check_context(session: Session, ivr: Ivr, field: str, context_id: int) -> None:
    found = session.scalar(
        select(Context.id).where(Context.id == context_id, Context.extension_id == ivr.extension_id)
    )
    if found is None:
        raise BadRequest(f"{field}: context {context_id} is not a context of this IVR")


def check_option(session: Session, field: str, context_id: int, digits: str) -> None:
    found = session.scalar(
        select(ContextOption.id).where(
            ContextOption.context_id == context_id, ContextOption.digits == digits
        )
    )
    if found is None:
        raise BadRequest(f"{field}: context {context_id} has no option {digits}")


def _rules_in(session: Session, *where: ColumnElement[bool]) -> list[tuple[int, int]]:
    """(rule id, IVR) of the rules matching ``where``, in id order."""
    query = select(Rule.rule_id, Rule.extension_id).where(*where).order_by(Rule.pk)
    return [(rule_id, ivr) for rule_id, ivr in session.execute(query)]


def sound_referrers(session: Session, sound_id: int) -> list[str]:
    """Everything that plays the sound; empty when it is free to delete."""
    found = [
        f"the sound of rule {rule} in IVR {ivr}"
        for rule, ivr in _rules_in(session, Rule.sound == sound_id, Rule.action.in_(SOUND_ACTIONS))
    ]
    found += [
        f"the record_digits_sound of rule {rule} in IVR {ivr}"
        for rule, ivr in _rules_in(session, Rule.record_digits_sound == sound_id)
    ]
    greeted = select(Ivr.extension_id).where(Ivr.vm_greeting == sound_id)
    found += [f"the vm_greeting of IVR {ivr}" for ivr in session.scalars(greeted)]
    return found


def interval_referrers(session: Session, interval_id: int) -> list[str]:
    """Every rule limited to the interval; empty when it is free to delete."""
    return [
        f"the interval of rule {rule} in IVR {ivr}"
        for rule, ivr in _rules_in(session, Rule.interval == interval_id)
    ]


def context_referrers(session: Session, ivr: Ivr, context_id: int) -> list[str]:
    """The IVR's entry and the jumps from *other* contexts (its own rules go with it)."""
    found = []
    if ivr.entry_context == context_id:
        found.append(f"the entry_context of IVR {ivr.extension_id}")
    own_options = select(ContextOption.id).where(ContextOption.context_id == context_id)
    jumps = _rules_in(
        session,
        Rule.extension_id == ivr.extension_id,
        Rule.action == "jump_to_context",
        Rule.context == context_id,
        Rule.option_id.not_in(own_options),
    )
    return found + [f"the target of rule {rule}" for rule, _ in jumps]


def option_referrers(session: Session, ivr: Ivr, option: ContextOption) -> list[str]:
    """Jumps to the option and voice_helper phrases leading to it, outside the option."""
    jumps = _rules_in(
        session,
        Rule.extension_id == ivr.extension_id,
        Rule.action == "jump_to_context",
        Rule.context == option.context_id,
        Rule.context_option == option.digits,
        Rule.option_id != option.id,
    )
    found = [f"the target of rule {rule}" for rule, _ in jumps]
    helpers = session.execute(
        select(Rule.rule_id, Rule.voice_helper_rules)
        .join(ContextOption, ContextOption.id == Rule.option_id)
        .where(
            ContextOption.context_id == option.context_id,
            Rule.action == "voice_helper",
            Rule.option_id != option.id,
        )
        .order_by(Rule.pk)
    )
    for rule_id, phrases in helpers:
        if any(str(p.get("to_option")) == option.digits for p in phrases or []):
            found.append(f"the to_option of rule {rule_id}")
    return found


def bump_ivrs_using_sound(session: Session, sound_id: int) -> None:
    """New audio for a sound changes the snapshots (durations) of the IVRs that play it."""
    playing = select(Rule.extension_id).where(
        or_(Rule.sound == sound_id, Rule.record_digits_sound == sound_id)
    )
    session.execute(
        update(Ivr)
        .where(or_(Ivr.extension_id.in_(playing), Ivr.vm_greeting == sound_id))
        .values(version=Ivr.version + 1)
    )


def bump_ivrs_using_interval(session: Session, interval_id: int) -> None:
    """Changed conditions change the snapshots of the IVRs whose rules test the interval."""
    using = select(Rule.extension_id).where(Rule.interval == interval_id)
    session.execute(update(Ivr).where(Ivr.extension_id.in_(using)).values(version=Ivr.version + 1))
