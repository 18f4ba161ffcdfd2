"""Writing a valid document over an IVR, keeping what did not change.

Contexts are matched by name (the n-th of a name to the n-th of that name, oldest first) and
keep their ids, so API paths stay valid; options are matched by digits. A rule keeps its id
when the option still holds a rule with exactly the same content; any other rule of the
document is new and takes a fresh id from the IVR's counter (ids are never reused), and
rules not matched are deleted. The caller holds the IVR's row lock.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ivrd.config.actions import JumpToContext, RuleFields
from ivrd.config.fields import BUILTIN_OPTIONS
from ivrd.config.menufile.document import CONTEXT_FIELDS
from ivrd.config.menufile.load import LoadedContext, LoadedMenu, LoadedOption
from ivrd.config.rules.service import RULE_COLUMNS, columns
from ivrd.db.models import Context, ContextOption, Ivr, Rule

CHANGES = ("added", "removed", "changed", "kept")
RULE_CHANGES = ("added", "removed", "kept")


@dataclass
class Counts:
    """What the import adds, removes, changes and keeps. A rule is never "changed": a rule
    whose content differs is a new rule (new id), and the old one is removed."""

    contexts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHANGES, 0))
    options: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHANGES, 0))
    rules: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RULE_CHANGES, 0))

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {"contexts": self.contexts, "options": self.options, "rules": self.rules}


@dataclass
class Match:
    context: Context
    new: bool
    changed: bool


def apply_menu(session: Session, ivr: Ivr, menu: LoadedMenu) -> Counts:
    counts = Counts()
    matches = _match_contexts(session, ivr, menu.contexts, counts)
    current = Current.load(
        session,
        ivr,
        counts,
        real_ids={place: match.context.id for place, match in enumerate(matches, 1)},
    )
    real_ids = current.real_ids
    for match, loaded in zip(matches, menu.contexts, strict=True):
        inner = _apply_options(session, current, match, loaded.options)
        if not match.new:
            counts.contexts["changed" if match.changed or inner else "kept"] += 1
    settings = menu.settings.model_dump()
    settings["entry_context"] = real_ids.get(settings["entry_context"] or 0)
    for key, value in settings.items():
        setattr(ivr, key, value)
    session.flush()
    return counts


def _match_contexts(
    session: Session, ivr: Ivr, wanted: list[LoadedContext], counts: Counts
) -> list[Match]:
    query = select(Context).where(Context.extension_id == ivr.extension_id).order_by(Context.id)
    existing: dict[str, list[Context]] = defaultdict(list)
    for context in session.scalars(query):
        existing[context.name].append(context)
    matches = []
    for loaded in wanted:
        free = existing[loaded.fields.name]
        match = Match(free.pop(0), False, False) if free else _new_context(session, ivr, counts)
        values = loaded.fields.model_dump(include=set(CONTEXT_FIELDS) | {"name"})
        match.changed = any(getattr(match.context, k) != v for k, v in values.items())
        for key, value in values.items():
            setattr(match.context, key, value)
        matches.append(match)
    for left in existing.values():
        for context in left:
            _delete_context(session, context, counts)
    session.flush()
    return matches


def _new_context(session: Session, ivr: Ivr, counts: Counts) -> Match:
    context = Context(extension_id=ivr.extension_id, name="")
    session.add(context)
    session.flush()
    for position, digits in enumerate(BUILTIN_OPTIONS):
        session.add(ContextOption(context_id=context.id, digits=digits, position=position))
    counts.contexts["added"] += 1
    return Match(context, True, True)


def _delete_context(session: Session, context: Context, counts: Counts) -> None:
    options = select(ContextOption.id).where(ContextOption.context_id == context.id)
    gone = session.execute(
        delete(Rule).where(Rule.option_id.in_(options)),
        execution_options={"synchronize_session": False},
    )
    counts.rules["removed"] += _rowcount(gone)
    session.execute(
        delete(ContextOption).where(ContextOption.context_id == context.id),
        execution_options={"synchronize_session": False},
    )
    session.delete(context)
    counts.contexts["removed"] += 1


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


@dataclass
class Current:
    """The IVR's options and rules, read once, and what the import has counted so far."""

    ivr: Ivr
    counts: Counts
    real_ids: dict[int, int]
    options: dict[int, dict[str, ContextOption]]
    rules: dict[int, list[Rule]]

    @classmethod
    def load(cls, session: Session, ivr: Ivr, counts: Counts, real_ids: dict[int, int]) -> Current:
        options: dict[int, dict[str, ContextOption]] = defaultdict(dict)
        query = select(ContextOption).where(ContextOption.context_id.in_(list(real_ids.values())))
        for option in session.scalars(query):
            options[option.context_id][option.digits] = option
        rules: dict[int, list[Rule]] = defaultdict(list)
        ordered = (
            select(Rule)
            .where(Rule.extension_id == ivr.extension_id)
            .order_by(Rule.option_id, Rule.position, Rule.pk)
        )
        for rule in session.scalars(ordered):
            rules[rule.option_id].append(rule)
        return cls(ivr, counts, real_ids, options, rules)


def _apply_options(
    session: Session, current: Current, match: Match, wanted: list[LoadedOption]
) -> bool:
    """Whether anything in the context's options changed."""
    counts = current.counts
    existing = current.options[match.context.id]
    added = [o.digits for o in wanted if o.digits not in BUILTIN_OPTIONS]
    rules_of: dict[str, list[RuleFields]] = {digits: [] for digits in BUILTIN_OPTIONS}
    rules_of |= {o.digits: o.rules for o in wanted}
    changed = False
    for digits, option in existing.items():
        if digits not in rules_of:
            _delete_option(session, option, counts)
            changed = True
    options = {}
    for digits in rules_of:
        found = existing.get(digits)
        option = found or ContextOption(context_id=match.context.id, digits=digits, position=0)
        if found is None:
            session.add(option)
            counts.options["added"] += 1
        if digits in added:
            option.position = len(added) - added.index(digits)  # listed newest first
        options[digits] = option
    if len(options) > len(existing):
        session.flush()  # the new options' ids, for their rules
    for digits, rules in rules_of.items():
        inner = _apply_rules(session, current, options[digits], rules)
        if digits in existing and not match.new:
            counts.options["changed" if inner else "kept"] += 1
        changed = changed or inner or digits not in existing
    return changed


def _delete_option(session: Session, option: ContextOption, counts: Counts) -> None:
    gone = session.execute(
        delete(Rule).where(Rule.option_id == option.id),
        execution_options={"synchronize_session": False},
    )
    counts.rules["removed"] += _rowcount(gone)
    session.delete(option)
    counts.options["removed"] += 1


def _content_key(values: dict[str, Any]) -> str:
    return json.dumps(values, sort_keys=True, default=str)


def _apply_rules(
    session: Session, current: Current, option: ContextOption, wanted: list[RuleFields]
) -> bool:
    """Whether the option's rules changed (added, removed or moved)."""
    ivr, counts = current.ivr, current.counts
    free: dict[str, list[Rule]] = defaultdict(list)
    before = current.rules.get(option.id, [])
    for rule in before:
        free[_content_key({name: getattr(rule, name) for name in RULE_COLUMNS})].append(rule)
    kept: list[Rule] = []
    for position, body in enumerate(wanted):
        values = columns(body)
        if isinstance(body, JumpToContext):
            values["context"] = current.real_ids[body.context]
        same = free[_content_key(values)]
        if same:
            rule = same.pop(0)
            counts.rules["kept"] += 1
        else:
            rule = Rule(
                extension_id=ivr.extension_id,
                rule_id=ivr.next_rule_id,
                option_id=option.id,
                position=position,
            )
            ivr.next_rule_id += 1
            session.add(rule)
            for key, value in values.items():
                setattr(rule, key, value)
            counts.rules["added"] += 1
        rule.position = position
        kept.append(rule)
    for left in free.values():
        for rule in left:
            session.delete(rule)
            counts.rules["removed"] += 1
    return [r.rule_id for r in before] != [r.rule_id for r in kept]
