"""Reading a menu document: every part validated on its own, so one answer lists every error.

Rules go through the API's own schemas (``config/actions.py``), contexts through
``ContextCreate``, option keys through ``OptionKey``: an imported menu is held to exactly the
rules of the API. Names are resolved first (sounds and intervals of the client, contexts of
the document), then each value is validated with the resolved ids in place; a context is
known by its 1-based place in the document (``local``) until the import creates it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from ivrd.config.actions import ACTIONS, JumpToContext, RuleFields, RuleWrite, VoiceHelper
from ivrd.config.contexts.schemas import ContextCreate
from ivrd.config.fields import BUILTIN_OPTIONS, Emails, LifetimeAction, OptionKey, TransferDst
from ivrd.config.menufile.document import FORMAT, MODEL_OF, SOUND_FIELDS
from ivrd.config.rules.route import untag
from ivrd.config.types import Count

MAX_CONTEXTS = 1000
MAX_OPTIONS = 1000
MAX_RULES = 1000
DOCUMENT_KEYS = ("format", "settings", "contexts")
OPTION_KEYS = ("digits", "rules")
FIELD_IN_MESSAGE = re.compile(r"^([a-z_]+): (.+)$", re.DOTALL)
RULE_ADAPTER: TypeAdapter[RuleFields] = TypeAdapter(RuleWrite)
KEY_ADAPTER: TypeAdapter[str] = TypeAdapter(OptionKey)


class Settings(BaseModel):
    """The IVR's own settings; a field left out takes the value a new IVR has."""

    model_config = ConfigDict(extra="forbid")

    entry_context: int | None = None
    lifetime: Count = 1800
    lifetime_exp_action: LifetimeAction | None = "hangup"
    lifetime_exp_transfer_dst: TransferDst | None = None
    sleep_time: Count = 0
    vm_enabled: bool = False
    vm_greeting: int | None = None
    vm_attach_file: bool = True
    vm_mailto: Emails | None = None

    @model_validator(mode="after")
    def _transfer_has_destination(self) -> Settings:
        if self.lifetime_exp_action == "transfer" and not self.lifetime_exp_transfer_dst:
            raise ValueError(
                "lifetime_exp_transfer_dst: required when lifetime_exp_action is transfer"
            )
        return self


class ContextDoc(ContextCreate):
    model_config = ConfigDict(extra="forbid")

    options: Annotated[list[Any], Field(default_factory=list, max_length=MAX_OPTIONS)]


@dataclass(frozen=True, slots=True)
class LoadedOption:
    digits: str
    rules: list[RuleFields]


@dataclass(frozen=True, slots=True)
class LoadedContext:
    fields: ContextCreate
    options: list[LoadedOption]


@dataclass(frozen=True, slots=True)
class LoadedMenu:
    """A valid document; context references hold 1-based places in ``contexts``."""

    settings: Settings
    contexts: list[LoadedContext]


@dataclass(frozen=True, slots=True)
class Catalog:
    """What the client has that a document may name."""

    sounds: dict[int, str]
    intervals: dict[int, str]
    speech_enabled: bool


@dataclass
class Loader:
    catalog: Catalog
    errors: list[dict[str, str]] = field(default_factory=list)
    context_names: list[str | None] = field(default_factory=list)

    def error(self, path: str, message: str) -> None:
        self.errors.append({"path": path, "message": message})

    def load(self, raw: Any) -> LoadedMenu | None:
        if not isinstance(raw, dict):
            self.error("", "the document must be a JSON object")
            return None
        for key in sorted(set(raw) - set(DOCUMENT_KEYS)):
            self.error(key, "unknown key")
        if raw.get("format") != FORMAT:
            self.error("format", f"must be {FORMAT} (the document format this server reads)")
        contexts = raw.get("contexts", [])
        if not isinstance(contexts, list) or len(contexts) > MAX_CONTEXTS:
            self.error("contexts", f"must be a list of at most {MAX_CONTEXTS} contexts")
            contexts = []
        self.context_names = [
            c.get("name") if isinstance(c, dict) and isinstance(c.get("name"), str) else None
            for c in contexts
        ]
        settings = self._settings(raw.get("settings", {}))
        loaded = [self._context(f"contexts[{i}]", c) for i, c in enumerate(contexts)]
        self._check_targets(loaded)
        if self.errors or settings is None or any(c is None for c in loaded):
            return None
        return LoadedMenu(settings, [c for c in loaded if c is not None])

    def _settings(self, raw: Any) -> Settings | None:
        if not isinstance(raw, dict):
            self.error("settings", "must be an object")
            return None
        values = dict(raw)
        if values.get("entry_context") is not None:
            values["entry_context"] = self.context_ref(
                "settings.entry_context", raw["entry_context"]
            )
        if values.get("vm_greeting") is not None:
            values["vm_greeting"] = self.named_ref("settings.vm_greeting", raw["vm_greeting"])
        settings: Settings | None = self.validate(Settings, values, "settings")
        return settings

    def _context(self, path: str, raw: Any) -> LoadedContext | None:
        if not isinstance(raw, dict):
            self.error(path, "must be an object")
            return None
        doc = self.validate(ContextDoc, raw, path)
        raw_options = raw.get("options", [])
        options = [
            self._option(f"{path}.options[{j}]", o)
            for j, o in enumerate(raw_options if isinstance(raw_options, list) else [])
        ]
        found = Counter(
            str(o["digits"])
            for o in (raw_options if isinstance(raw_options, list) else [])
            if isinstance(o, dict) and isinstance(o.get("digits"), str | int)
        )
        for digits, count in sorted(found.items()):
            if count > 1:
                self.error(f"{path}.options", f"option {digits} is listed {count} times")
        if doc is None or any(o is None for o in options):
            return None
        fields = ContextCreate.model_validate(doc.model_dump(exclude={"options"}))
        return LoadedContext(fields, [o for o in options if o is not None])

    def _option(self, path: str, raw: Any) -> LoadedOption | None:
        if not isinstance(raw, dict):
            self.error(path, "must be an object")
            return None
        for key in sorted(set(raw) - set(OPTION_KEYS)):
            self.error(f"{path}.{key}", "unknown key")
        digits = self.validate(KEY_ADAPTER, raw.get("digits"), f"{path}.digits")
        raw_rules = raw.get("rules", [])
        if not isinstance(raw_rules, list) or len(raw_rules) > MAX_RULES:
            self.error(f"{path}.rules", f"must be a list of at most {MAX_RULES} rules")
            return None
        rules = [self._rule(f"{path}.rules[{k}]", r) for k, r in enumerate(raw_rules)]
        if digits is None or any(r is None for r in rules):
            return None
        return LoadedOption(digits, [r for r in rules if r is not None])

    def _rule(self, path: str, raw: Any) -> RuleFields | None:
        if not isinstance(raw, dict):
            self.error(path, "must be an object")
            return None
        values = dict(raw)
        action = raw.get("action")
        model = MODEL_OF.get(action) if isinstance(action, str) else None
        used = model.model_fields if model is not None else {}
        for name in ("interval", *SOUND_FIELDS):
            if name in used and raw.get(name) is not None:
                values[name] = self.named_ref(f"{path}.{name}", raw[name], name == "interval")
        if "context" in used and raw.get("context") is not None:
            values["context"] = self.context_ref(f"{path}.context", raw["context"])
        rule: RuleFields | None = self.validate(RULE_ADAPTER, values, path)
        if isinstance(rule, VoiceHelper) and not self.catalog.speech_enabled:
            self.error(
                f"{path}.action",
                "voice_helper needs speech recognition, which is not enabled for this client",
            )
        return rule

    def named_ref(self, path: str, ref: Any, interval: bool = False) -> int:
        """The id of the sound (or interval) the reference names; on error, a placeholder."""
        names = self.catalog.intervals if interval else self.catalog.sounds
        noun, key = ("interval", "name") if interval else ("sound", "title")
        if isinstance(ref, dict) and set(ref) == {key, "id"}:
            if _is_id(ref["id"]) and names.get(ref["id"]) == ref[key]:
                return int(ref["id"])
            self.error(path, f"no {noun} {ref['id']!r} with {key} {ref[key]!r}")
            return 1
        if not isinstance(ref, str):
            self.error(path, f'must be a {noun} {key} or {{"{key}": ..., "id": ...}}')
            return 1
        ids = [object_id for object_id, name in names.items() if name == ref]
        if len(ids) == 1:
            return ids[0]
        if not ids:
            self.error(path, f"no {noun} has the {key} {ref!r}")
        else:
            self.error(
                path,
                f'{len(ids)} {noun}s have the {key} {ref!r}: name one as {{"{key}": {ref!r}, '
                f'"id": ...}} (ids {", ".join(map(str, sorted(ids)))})',
            )
        return 1

    def context_ref(self, path: str, ref: Any) -> int:
        """The 1-based place in the document of the context a reference names."""
        name, occurrence = ref, 1
        if isinstance(ref, dict) and set(ref) == {"name", "occurrence"}:
            name, occurrence = ref["name"], ref["occurrence"]
        elif not isinstance(ref, str):
            self.error(path, 'must be a context name or {"name": ..., "occurrence": n}')
            return 1
        places = [i + 1 for i, known in enumerate(self.context_names) if known == name]
        if isinstance(ref, str) and len(places) > 1:
            self.error(
                path,
                f"{len(places)} contexts are named {name!r}: name one as "
                f'{{"name": {name!r}, "occurrence": n}}',
            )
        elif not _is_id(occurrence) or not 1 <= occurrence <= len(places):
            self.error(path, f"the document has no context named {name!r}" + _nth(occurrence))
        else:
            return places[occurrence - 1]
        return 1

    def validate(self, schema: Any, value: Any, path: str) -> Any:
        adapter = schema if isinstance(schema, TypeAdapter) else TypeAdapter(schema)
        try:
            return adapter.validate_python(value)
        except ValidationError as exc:
            for error in exc.errors():
                self.error(*describe(path, dict(error)))
            return None

    def _check_targets(self, contexts: list[LoadedContext | None]) -> None:
        keys = [
            {o.digits for o in c.options} | set(BUILTIN_OPTIONS) if c is not None else None
            for c in contexts
        ]
        for i, context in enumerate(contexts):
            for j, option in enumerate(context.options if context is not None else []):
                for k, rule in enumerate(option.rules):
                    path = f"contexts[{i}].options[{j}].rules[{k}]"
                    self._check_rule_targets(path, rule, keys, i)

    def _check_rule_targets(
        self, path: str, rule: RuleFields, keys: list[set[str] | None], own: int
    ) -> None:
        if isinstance(rule, JumpToContext) and rule.context_option is not None:
            target = keys[rule.context - 1]
            if target is not None and rule.context_option not in target:
                name = self.context_names[rule.context - 1]
                self.error(
                    f"{path}.context_option",
                    f"context {name!r} has no option {rule.context_option}",
                )
        if isinstance(rule, VoiceHelper):
            for n, phrase in enumerate(rule.voice_helper_rules or []):
                mine = keys[own]
                if mine is not None and phrase.to_option not in mine:
                    self.error(
                        f"{path}.voice_helper_rules[{n}].to_option",
                        f"this context has no option {phrase.to_option}",
                    )


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _nth(occurrence: Any) -> str:
    return "" if occurrence == 1 else f" with occurrence {occurrence!r}"


def describe(base: str, error: dict[str, Any]) -> tuple[str, str]:
    """(path, message) of one pydantic error found at ``base``."""
    error = untag({**error, "loc": ("body", *error.get("loc", ()))})
    loc = [str(part) for part in error["loc"][1:]]
    if loc and loc[0] in ACTIONS:
        loc = loc[1:]
    text = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    if error.get("type") == "missing":
        text = "field required"
    elif error.get("type") == "extra_forbidden":
        text = "unknown key"
    named = FIELD_IN_MESSAGE.match(text)
    if named and error.get("type") == "value_error" and not loc:
        loc, text = [named.group(1)], named.group(2)
    path = base
    for part in loc:
        path += f"[{part}]" if part.isdigit() else (f".{part}" if path else part)
    return path, text
