"""Who still refers to a sound or an interval (answers 409 on delete instead of dangling ids)."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ivrd.db.models import Ivr, Rule


def sound_referrers(session: Session, sound_id: int) -> list[str]:
    rules = session.execute(
        select(Rule.extension_id, Rule.rule_id).where(
            or_(Rule.sound == sound_id, Rule.record_digits_sound == sound_id)
        )
    )
    found = [f"rule {rule_id} of IVR {ext}" for ext, rule_id in rules]
    ivrs = session.scalars(select(Ivr.extension_id).where(Ivr.vm_greeting == sound_id))
    found += [f"the vm_greeting of IVR {ext}" for ext in ivrs]
    return found


def interval_referrers(session: Session, interval_id: int) -> list[str]:
    rules = session.execute(
        select(Rule.extension_id, Rule.rule_id).where(Rule.interval == interval_id)
    )
    return [f"rule {rule_id} of IVR {ext}" for ext, rule_id in rules]
