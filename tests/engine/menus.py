"""Menus the engine tests share: the seed's worked example and small builders."""

from __future__ import annotations

from collections.abc import Mapping

from ivrd.engine import actions as a
from ivrd.engine.menu import CallInfo, Conditions, Context, IvrSettings, Menu, Rule

HELLO, ADVERTISING = 51, 52
DURATIONS = {HELLO: 4000, ADVERTISING: 7000, 60: 1000, 61: 2000}
SEED_EXTENSIONS = frozenset({"002", "050", "071", "101", "102", "200"})
CALL = CallInfo(
    call_id="0123456789abcdef0123456789abcdef",
    caller_id_number="+78121234567",
    caller_id_name="Ann",
    called_did="74950000000",
    called_extension="000*071",
    called_extension_id=204,
    called_number="74950000000",
)


def rule(
    rule_id: int, action: a.Action, *, final: bool = True, conditions: Conditions | None = None
) -> Rule:
    return Rule(rule_id, action, final=final, conditions=conditions or Conditions())


def seed_context(**overrides: object) -> Context:
    """Context 1 of the seed's worked example."""
    options = {
        "start": (
            rule(1, a.PlaySound(ADVERTISING, "foreground")),
            rule(2, a.PlaySound(HELLO, "background")),
        ),
        "timeout": (rule(5, a.Transfer("050")),),
        "invalid": (),
        "1": (rule(3, a.Transfer("+7987654321")),),
        "2": (rule(4, a.Transfer("002")),),
    }
    fields: dict[str, object] = {
        "id": 1,
        "name": "Основной контекст",
        "options": options,
        "timeout": 5000,
        "inter_digit_timeout": 2000,
        "digit_len": 3,
        "allow_any_dial": True,
    }
    fields.update(overrides)
    return Context(**fields)  # type: ignore[arg-type]


def seed_menu(**settings: object) -> Menu:
    """The seed's worked example: sleep 5 s, advertising, hello, timeout → 050."""
    fields: dict[str, object] = {
        "entry_context": 1,
        "sleep_time": 5000,
        "lifetime": 1800,
        "vm_enabled": False,
    }
    fields.update(settings)
    return Menu(
        IvrSettings(**fields),
        {1: seed_context()},  # type: ignore[arg-type]
        sound_durations_ms=DURATIONS,
        extensions=SEED_EXTENSIONS,
        sound_ids_by_filename={"hello.wav": HELLO, "advertising.wav": ADVERTISING},
    )


def menu_of(
    *contexts: Context, extensions: frozenset[str] = frozenset(), **settings: object
) -> Menu:
    """A menu whose entry context is the first one given."""
    fields: dict[str, object] = {"entry_context": contexts[0].id}
    fields.update(settings)
    return Menu(
        IvrSettings(**fields),
        {c.id: c for c in contexts},  # type: ignore[arg-type]
        sound_durations_ms=DURATIONS,
        extensions=extensions,
        sound_ids_by_filename={"hello.wav": HELLO, "advertising.wav": ADVERTISING},
    )


def context(
    cid: int = 1,
    start: tuple[Rule, ...] = (),
    *,
    options: Mapping[str, tuple[Rule, ...]] | None = None,
    timeout: int = 5000,
    inter_digit_timeout: int = 2000,
    digit_len: int = 3,
    allow_any_dial: bool = False,
) -> Context:
    """A context with its ``start`` rules and other ``options`` keyed by their digits."""
    opts = {"start": start, **(options or {})}
    return Context(
        cid,
        f"context {cid}",
        opts,
        timeout=timeout,
        inter_digit_timeout=inter_digit_timeout,
        digit_len=digit_len,
        allow_any_dial=allow_any_dial,
    )
