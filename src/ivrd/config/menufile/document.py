"""The exported menu: one JSON document with references by name and no database ids.

Keys are sorted at every level and lists have a fixed order (contexts by name, options as
the API lists them, rules in their order), so two exports of the same menu are equal byte
for byte and a text diff of two documents shows only what changed. A reference is a name
when the name is unambiguous and an object naming it precisely when it is not (see
docs/menus-as-files.md): sounds ``{"title", "id"}``, intervals ``{"name", "id"}``,
contexts ``{"name", "occurrence"}`` (the n-th context of that name in the document).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivrd.config.actions import ACTION_MODELS, ACTIONS, RuleFields
from ivrd.config.fields import BUILTIN_OPTIONS
from ivrd.config.references import sound_visible_to
from ivrd.db.models import Client, Context, ContextOption, Extension, Interval, Ivr, Rule, Sound

FORMAT = 1
SETTINGS = (
    "lifetime",
    "lifetime_exp_action",
    "lifetime_exp_transfer_dst",
    "sleep_time",
    "vm_enabled",
    "vm_attach_file",
    "vm_mailto",
)
CONTEXT_FIELDS = (
    "timeout",
    "inter_digit_timeout",
    "allow_any_dial",
    "digit_len",
    "extra_params",
    "description",
)
SOUND_FIELDS = ("sound", "record_digits_sound")
MODEL_OF: dict[str, type[RuleFields]] = dict(zip(ACTIONS, ACTION_MODELS, strict=True))
_MISSING = object()
# per action: (field, default) of every field it exports; required fields have no default
EXPORTED: dict[str, tuple[tuple[str, Any], ...]] = {
    action: tuple(
        (name, _MISSING if info.is_required() else info.get_default())
        for name, info in model.model_fields.items()
        if name not in ("action", "order_position")
    )
    for action, model in MODEL_OF.items()
}

Ref = str | dict[str, Any]


def canonical(value: Any) -> Any:
    """The same value with every object's keys sorted (lists keep their order)."""
    if isinstance(value, dict):
        return {key: canonical(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [canonical(item) for item in value]
    return value


def option_order(option: ContextOption) -> tuple[int, int]:
    """The API's listing order: built-ins first, then added options newest first."""
    if option.digits in BUILTIN_OPTIONS:
        return (0, BUILTIN_OPTIONS.index(option.digits))
    return (1, -option.position)


def client_of_ivr(session: Session, ivr: Ivr) -> Client:
    extension = session.get(Extension, ivr.extension_id)
    client = session.get(Client, extension.client_id) if extension else None
    assert client is not None  # an IVR always belongs to an extension of a client
    return client


class Names:
    """How the document names the sounds, intervals and contexts a menu refers to."""

    def __init__(self, session: Session, client: Client, contexts: list[Context]) -> None:
        sounds = session.execute(select(Sound.id, Sound.title).where(sound_visible_to(client.id)))
        self.sounds = Named(dict(sounds.all()), "title")
        intervals = session.execute(
            select(Interval.id, Interval.name).where(Interval.client_id == client.id)
        )
        self.intervals = Named(dict(intervals.all()), "name")
        self.contexts: dict[int, Ref] = {}
        taken = Counter(context.name for context in contexts)
        seen: Counter[str] = Counter()
        for context in contexts:
            seen[context.name] += 1
            unique = taken[context.name] == 1
            self.contexts[context.id] = (
                context.name if unique else {"name": context.name, "occurrence": seen[context.name]}
            )

    def sound(self, sound_id: int | None) -> Ref | None:
        return None if sound_id is None else self.sounds.ref(sound_id)

    def interval(self, interval_id: int | None) -> Ref | None:
        return None if interval_id is None else self.intervals.ref(interval_id)

    def context(self, context_id: int | None) -> Ref | None:
        if context_id is None:
            return None
        return self.contexts.get(context_id, {"name": None, "missing_id": context_id})


class Named:
    """Objects of the client known by a name that need not be unique (sounds, intervals)."""

    def __init__(self, names: dict[int, str], key: str) -> None:
        self.names = names
        self.key = key
        self.count = Counter(names.values())

    def ref(self, object_id: int) -> Ref:
        name = self.names.get(object_id)
        if name is None:
            return {self.key: None, "missing_id": object_id}
        return name if self.count[name] == 1 else {self.key: name, "id": object_id}


def rule_entry(rule: Rule, names: Names) -> dict[str, Any]:
    """The action's own parameters and the conditions, leaving out those at their default."""
    entry: dict[str, Any] = {"action": rule.action}
    for field, default in EXPORTED[rule.action]:
        value = getattr(rule, field)
        if default is _MISSING or value != default:
            entry[field] = _rule_value(field, value, names)
    return entry


def _rule_value(field: str, value: Any, names: Names) -> Any:
    if field in SOUND_FIELDS:
        return names.sound(value)
    if field == "interval":
        return names.interval(value)
    if field == "context":
        return names.context(value)
    return value


def export_menu(session: Session, ivr: Ivr) -> dict[str, Any]:
    """The IVR's whole configuration as the canonical document."""
    contexts = list(
        session.scalars(
            select(Context)
            .where(Context.extension_id == ivr.extension_id)
            .order_by(Context.name, Context.id)
        )
    )
    names = Names(session, client_of_ivr(session, ivr), contexts)
    options = _options_by_context(session, [context.id for context in contexts])
    rules = _rules_by_option(session, ivr)
    settings: dict[str, Any] = {field: getattr(ivr, field) for field in SETTINGS}
    settings["entry_context"] = names.context(ivr.entry_context)
    settings["vm_greeting"] = names.sound(ivr.vm_greeting)
    document = {
        "format": FORMAT,
        "settings": settings,
        "contexts": [
            _context_entry(context, options[context.id], rules, names) for context in contexts
        ],
    }
    return dict(canonical(document))


def _context_entry(
    context: Context, options: list[ContextOption], rules: dict[int, list[Rule]], names: Names
) -> dict[str, Any]:
    entry: dict[str, Any] = {field: getattr(context, field) for field in CONTEXT_FIELDS}
    entry["name"] = context.name
    entry["options"] = [
        {"digits": option.digits, "rules": [rule_entry(r, names) for r in rules[option.id]]}
        for option in sorted(options, key=option_order)
    ]
    return entry


def _options_by_context(session: Session, context_ids: list[int]) -> dict[int, list[ContextOption]]:
    found: dict[int, list[ContextOption]] = defaultdict(list)
    query = select(ContextOption).where(ContextOption.context_id.in_(context_ids))
    for option in session.scalars(query):
        found[option.context_id].append(option)
    return found


def _rules_by_option(session: Session, ivr: Ivr) -> dict[int, list[Rule]]:
    found: dict[int, list[Rule]] = defaultdict(list)
    query = (
        select(Rule)
        .where(Rule.extension_id == ivr.extension_id)
        .order_by(Rule.option_id, Rule.position, Rule.pk)
    )
    for rule in session.scalars(query):
        found[rule.option_id].append(rule)
    return found
