"""Rules: ids from the IVR's counter (never reused), dense positions, full-replacement PUT.

All of it runs under the IVR's row lock (``ivr_for_write``), so the id counter and the
positions of an option's rules cannot be raced by a concurrent request.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ivrd.config.actions import JumpToContext, RuleFields, VoiceHelper
from ivrd.config.auth.principal import Principal
from ivrd.config.ivr.scope import (
    client_of,
    context_in,
    ivr_for_read,
    ivr_for_write,
    option_in,
    rule_in,
    rules_of,
    touch,
)
from ivrd.config.references import check_context, check_interval, check_option, check_sound
from ivrd.config.rules.schemas import RuleRead, RulesOrder
from ivrd.db.models import Context, ContextOption, Ivr, Rule
from ivrd.db.session import Database
from ivrd.errors import BadRequest

RULE_COLUMNS = tuple(name for name in RuleRead.model_fields if name != "id")
DEFAULTS: dict[str, Any] = dict.fromkeys(RULE_COLUMNS) | {
    "final": True,
    "hangup_cause": "normal",
    "caller_id_action": "any",
    "call_status": "any",
    "play_sound_from_variable": False,
    "max_rate": 5,
    "voice_helper_classic_term": True,
}


def to_read(rule: Rule) -> RuleRead:
    return RuleRead(id=rule.rule_id, **{name: getattr(rule, name) for name in RULE_COLUMNS})


def columns(body: RuleFields) -> dict[str, Any]:
    """Every rule column: the action's parameters as sent, all others at their default."""
    return DEFAULTS | body.model_dump(exclude={"order_position"})


def check_references(session: Session, ivr: Ivr, context: Context, body: RuleFields) -> None:
    client = client_of(session, ivr)
    check_interval(session, client, body.interval)
    for field in ("sound", "record_digits_sound"):
        check_sound(session, client, field, getattr(body, field, None))
    if isinstance(body, JumpToContext):
        check_context(session, ivr, "context", body.context)
        if body.context_option is not None:
            check_option(session, "context_option", body.context, body.context_option)
    if isinstance(body, VoiceHelper):
        if not client.speech_enabled:
            raise BadRequest(
                "action: voice_helper needs speech recognition, which is not "
                "enabled for this client"
            )
        for index, phrase in enumerate(body.voice_helper_rules or []):
            field = f"voice_helper_rules[{index}].to_option"
            check_option(session, field, context.id, phrase.to_option)


def _renumber(rules: list[Rule]) -> None:
    for position, rule in enumerate(rules):
        rule.position = position


def _insert_index(order_position: int | None, count: int) -> int:
    """``order_position`` counts from 1; 0 and 1 both mean first, past the end means last."""
    if order_position is None:
        return count
    return min(max(order_position - 1, 0), count)


def _scope(
    session: Session, principal: Principal, ref: str, context_id: int, digits: str, write: bool
) -> tuple[Ivr, Context, ContextOption]:
    ivr = (ivr_for_write if write else ivr_for_read)(session, principal, ref)
    context = context_in(session, ivr, context_id)
    return ivr, context, option_in(session, context, digits)


def list_rules(
    db: Database, principal: Principal, ref: str, context_id: int, digits: str
) -> list[RuleRead]:
    with db.read() as session:
        _, _, option = _scope(session, principal, ref, context_id, digits, write=False)
        return [to_read(rule) for rule in rules_of(session, option)]


def get_rule(
    db: Database, principal: Principal, ref: str, context_id: int, digits: str, rule_id: int
) -> RuleRead:
    with db.read() as session:
        _, _, option = _scope(session, principal, ref, context_id, digits, write=False)
        return to_read(rule_in(session, option, rule_id))


def create_rule(
    db: Database, principal: Principal, ref: str, context_id: int, digits: str, body: RuleFields
) -> list[RuleRead]:
    """The created rule, in a list: the seed's answer to this POST is a JSON array."""
    with db.write() as session:
        ivr, context, option = _scope(session, principal, ref, context_id, digits, write=True)
        check_references(session, ivr, context, body)
        rule = Rule(
            extension_id=ivr.extension_id,
            rule_id=ivr.next_rule_id,
            option_id=option.id,
            position=0,
            **columns(body),
        )
        ivr.next_rule_id += 1
        ordered = rules_of(session, option)
        ordered.insert(_insert_index(body.order_position, len(ordered)), rule)
        session.add(rule)
        _renumber(ordered)
        touch(ivr)
        session.flush()
        return [to_read(rule)]


def replace_rule(
    db: Database,
    principal: Principal,
    ref: str,
    context_id: int,
    digits: str,
    rule_id: int,
    body: RuleFields,
) -> RuleRead:
    """PUT replaces every field of the rule (fields not sent take their defaults); the rule
    keeps its id and its place (``order_position`` is ignored: use the order resource)."""
    with db.write() as session:
        ivr, context, option = _scope(session, principal, ref, context_id, digits, write=True)
        rule = rule_in(session, option, rule_id)
        check_references(session, ivr, context, body)
        for key, value in columns(body).items():
            setattr(rule, key, value)
        touch(ivr)
        session.flush()
        return to_read(rule)


def delete_rule(
    db: Database, principal: Principal, ref: str, context_id: int, digits: str, rule_id: int
) -> RuleRead:
    with db.write() as session:
        ivr, _, option = _scope(session, principal, ref, context_id, digits, write=True)
        rule = rule_in(session, option, rule_id)
        answer = to_read(rule)
        session.delete(rule)
        session.flush()
        _renumber(rules_of(session, option))
        touch(ivr)
        return answer


def get_order(
    db: Database, principal: Principal, ref: str, context_id: int, digits: str
) -> RulesOrder:
    with db.read() as session:
        _, _, option = _scope(session, principal, ref, context_id, digits, write=False)
        return RulesOrder(rules_ids=[rule.rule_id for rule in rules_of(session, option)])


def _check_order(wanted: list[int], current: dict[int, Rule], digits: str) -> None:
    seen: set[int] = set()
    for rule_id in wanted:
        if rule_id in seen:
            raise BadRequest(f"rules_ids: rule {rule_id} is listed twice")
        if rule_id not in current:
            raise BadRequest(f"rules_ids: rule {rule_id} is not a rule of option {digits}")
        seen.add(rule_id)
    missing = [str(rule_id) for rule_id in current if rule_id not in seen]
    if missing:
        raise BadRequest(
            f"rules_ids: every rule of option {digits} must be listed; missing "
            + ", ".join(missing)
        )


def set_order(
    db: Database, principal: Principal, ref: str, context_id: int, digits: str, body: RulesOrder
) -> RulesOrder:
    with db.write() as session:
        ivr, _, option = _scope(session, principal, ref, context_id, digits, write=True)
        current = {rule.rule_id: rule for rule in rules_of(session, option)}
        _check_order(body.rules_ids, current, digits)
        _renumber([current[rule_id] for rule_id in body.rules_ids])
        touch(ivr)
        session.flush()
        return RulesOrder(rules_ids=list(body.rules_ids))
