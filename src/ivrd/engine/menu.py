"""The immutable menu snapshot a call runs, and what the engine knows about the call.

``config/compile.py`` builds a ``Menu`` from the stored IVR once per change; every call then
shares it. Everything a session looks up on its hot path is precomputed here (option keys,
the prefixes that could still grow into an option or an extension), so a call never scans
the menu.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

from ivrd.engine.actions import Action

SPECIAL_OPTIONS = frozenset({"start", "timeout", "invalid"})
CALLER_ID_ACTIONS = frozenset({"any", "matches", "not_matches", "anonymous"})
CALL_STATUSES = frozenset({"any", "busy", "no_answer"})
LIFETIME_ACTIONS = frozenset({"hangup", "transfer"})

CallerIdAction = Literal["any", "matches", "not_matches", "anonymous"]
CallStatusCondition = Literal["any", "busy", "no_answer"]


class IntervalLike(Protocol):
    """What the engine needs of a time interval (``ivrd.engine.intervals.Interval``)."""

    def is_active(self, at: datetime.datetime) -> bool: ...


def proper_prefixes(keys: frozenset[str]) -> frozenset[str]:
    """Every non-empty proper prefix of every key ("123" → "1", "12")."""
    return frozenset(k[:i] for k in keys for i in range(1, len(k)))


@dataclass(frozen=True, slots=True)
class IvrSettings:
    """The IVR's base parameters (API names; times in the API's units)."""

    entry_context: int
    lifetime: int = 0
    lifetime_exp_action: str = "hangup"
    lifetime_exp_transfer_dst: str | None = None
    sleep_time: int = 0
    vm_enabled: bool = False
    vm_greeting: int | None = None
    vm_attach_file: bool = True
    vm_mailto: str | None = None
    version: int = 0

    def __post_init__(self) -> None:
        for name in ("lifetime", "sleep_time"):
            value = getattr(self, name)
            if type(value) is not int or value < 0:
                raise ValueError(f"{name} must be a non-negative int, got {value!r}")
        if self.lifetime_exp_action not in LIFETIME_ACTIONS:
            raise ValueError(
                f"lifetime_exp_action must be hangup or transfer, got {self.lifetime_exp_action!r}"
            )


@dataclass(frozen=True, slots=True)
class Conditions:
    """A rule's conditions; the rule runs only when all hold.

    ``caller_id_matcher`` is the compiled ``caller_id`` pattern (e.g. ``re2.compile(p).search``),
    built outside the engine; a truthy result means "matches".
    """

    interval: int | None = None
    caller_id_action: CallerIdAction = "any"
    caller_id: str | None = None
    caller_id_matcher: Callable[[str], object] | None = None
    match_variable_name: str | None = None
    match_variable_value: str | None = None
    call_status: CallStatusCondition = "any"

    def __post_init__(self) -> None:
        if self.caller_id_action not in CALLER_ID_ACTIONS:
            raise ValueError(
                f"caller_id_action must be one of {sorted(CALLER_ID_ACTIONS)}, "
                f"got {self.caller_id_action!r}"
            )
        if self.caller_id_action in ("matches", "not_matches") and self.caller_id_matcher is None:
            raise ValueError(
                f"caller_id_action {self.caller_id_action!r} needs a caller_id matcher"
            )
        if self.call_status not in CALL_STATUSES:
            raise ValueError(
                f"call_status must be one of {sorted(CALL_STATUSES)}, got {self.call_status!r}"
            )
        if self.match_variable_name is not None and self.match_variable_value is None:
            raise ValueError("match_variable_value is required when match_variable_name is set")

    @property
    def unconditional(self) -> bool:
        """True when no condition is set (the common case: checks are skipped)."""
        return (
            self.interval is None
            and self.caller_id_action == "any"
            and self.match_variable_name is None
            and self.call_status == "any"
        )


NO_CONDITIONS = Conditions()


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of an option: what to do, when, and whether it ends a transfer's option."""

    id: int
    action: Action
    final: bool = True
    name: str | None = None
    conditions: Conditions = NO_CONDITIONS
    always: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "always", self.conditions.unconditional)


@dataclass(frozen=True, slots=True)
class Context:
    """A context: its input settings and its options' rules, keyed by the option's digits."""

    id: int
    name: str
    options: Mapping[str, tuple[Rule, ...]]
    timeout: int = 0
    inter_digit_timeout: int = 0
    digit_len: int = 0
    allow_any_dial: bool = True
    digit_options: frozenset[str] = field(init=False)
    option_prefixes: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        for name in ("timeout", "inter_digit_timeout", "digit_len"):
            value = getattr(self, name)
            if type(value) is not int or value < 0:
                raise ValueError(f"{name} must be a non-negative int, got {value!r}")
        keys = frozenset(k for k in self.options if k not in SPECIAL_OPTIONS)
        object.__setattr__(self, "digit_options", keys)
        object.__setattr__(self, "option_prefixes", proper_prefixes(keys))

    def rules(self, option: str) -> tuple[Rule, ...]:
        """The option's rules in order (none for a missing option)."""
        return self.options.get(option, ())


@dataclass(frozen=True, slots=True)
class Menu:
    """Everything one IVR needs to run a call, frozen."""

    settings: IvrSettings
    contexts: Mapping[int, Context]
    sound_durations_ms: Mapping[int, int] = field(default_factory=dict)
    sound_ids_by_filename: Mapping[str, int] = field(default_factory=dict)
    extensions: frozenset[str] = frozenset()
    intervals: Mapping[int, IntervalLike] = field(default_factory=dict)
    speech_enabled: bool = True
    extension_prefixes: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "extension_prefixes", proper_prefixes(self.extensions))


@dataclass(frozen=True, slots=True)
class CallInfo:
    """The call as the engine sees it: who calls, what was called.

    ``call_api_id`` defaults to ``"<called_extension_id>:<call_id>"``.
    """

    call_id: str
    caller_id_number: str = ""
    caller_id_name: str = ""
    called_did: str = ""
    called_extension: str = ""
    called_extension_id: int = 0
    called_number: str = ""
    caller_extension: str | None = None
    caller_extension_id: int | None = None
    call_api_id: str = ""

    def __post_init__(self) -> None:
        if not self.call_id:
            raise ValueError("call_id must not be empty")
        if not self.call_api_id:
            object.__setattr__(self, "call_api_id", f"{self.called_extension_id}:{self.call_id}")
