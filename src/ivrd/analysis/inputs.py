"""Checks of what callers can press: option keys, ambiguity, timeouts, barge-in.

They follow ``engine/digits.py``: input ends at ``digit_len`` digits (32 when unset), on ``#``
(which is never part of the input), after ``inter_digit_timeout`` without a digit, or at once
when no longer option or dialable extension starts with the digits; an option wins over an
extension with the same number; a ``timeout`` or ``inter_digit_timeout`` of 0 means the
platform default, not "no wait".
"""

from __future__ import annotations

from collections.abc import Iterator

from ivrd.analysis.findings import Finding, finding
from ivrd.analysis.flow import live_rules, may_take_time, may_wait, surely_takes_time
from ivrd.engine import actions as a
from ivrd.engine.digits import (
    DEFAULT_INPUT_TIMEOUT_MS,
    TERMINATOR,
    inter_digit_ms,
    max_len,
)
from ivrd.engine.menu import Context, Menu, Rule

INPUT_CHARACTERS = frozenset("0123456789*")
MAX_LISTED = 5


def check_inputs(menu: Menu) -> Iterator[Finding]:
    for cid in sorted(menu.contexts):
        ctx = menu.contexts[cid]
        for key in sorted(ctx.digit_options):
            yield from _option(menu, ctx, key)
        yield from _long_extensions(menu, ctx)
        yield from _timeout(ctx)
        yield from _foreground(menu, ctx)


def choosable(ctx: Context, key: str) -> bool:
    """Whether input could ever hold exactly these digits."""
    return len(key) <= max_len(ctx) and set(key) <= INPUT_CHARACTERS


def _listing(items: list[str]) -> str:
    shown = ", ".join(items[:MAX_LISTED])
    return shown if len(items) <= MAX_LISTED else f"{shown} and {len(items) - MAX_LISTED} more"


def _option(menu: Menu, ctx: Context, key: str) -> Iterator[Finding]:
    where = (("context", ctx.id), ("option", key))
    if len(key) > max_len(ctx):
        limit = f"digit_len is {ctx.digit_len}" if ctx.digit_len else "input holds 32 digits"
        yield finding(
            "E010-option-too-long",
            f"option {key} can never be chosen in '{ctx.name}': {limit}, so input ends "
            f"after {max_len(ctx)} digits",
            *where,
        )
    bad = sorted(set(key) - INPUT_CHARACTERS)
    if bad:
        why = (
            "# ends the input and is never part of it"
            if bad == [TERMINATOR]
            else f"{''.join(bad)!r} cannot be pressed (only digits, * and # can)"
        )
        yield finding(
            "E011-option-bad-characters", f"option {key!r} can never be chosen: {why}", *where
        )
    dialable = ctx.allow_any_dial
    if dialable and key in menu.extensions:
        yield finding(
            "W012-option-hides-extension",
            f"option {key} hides extension {key}: with allow_any_dial, callers who dial it in "
            f"'{ctx.name}' get the option, since options win over extensions",
            *where,
        )
    if choosable(ctx, key) and len(key) < max_len(ctx):
        yield from _ambiguity(menu, ctx, key)


def _ambiguity(menu: Menu, ctx: Context, key: str) -> Iterator[Finding]:
    longer = [f"{k} (option)" for k in sorted(ctx.digit_options) if _extends(k, key)]
    if ctx.allow_any_dial:
        longer += [f"{e} (extension)" for e in sorted(menu.extensions) if _extends(e, key)]
    if not longer:
        return
    wait = inter_digit_ms(ctx)
    yield finding(
        "W013-prefix-ambiguity",
        f"callers who mean option {key} in '{ctx.name}' wait inter_digit_timeout ({wait} ms) "
        f"after pressing it, because {_listing(longer)} start(s) with it; "
        "they can press # to skip the wait",
        ("context", ctx.id),
        ("option", key),
    )


def _extends(longer: str, key: str) -> bool:
    return len(longer) > len(key) and longer.startswith(key)


def _long_extensions(menu: Menu, ctx: Context) -> Iterator[Finding]:
    if not (ctx.allow_any_dial and ctx.digit_len):
        return
    too_long = sorted(e for e in menu.extensions if len(e) > ctx.digit_len)
    if too_long:
        yield finding(
            "I014-extension-not-dialable",
            f"extensions {_listing(too_long)} are longer than digit_len {ctx.digit_len}: "
            f"callers cannot dial them from '{ctx.name}'",
            ("context", ctx.id),
        )


def _waits(ctx: Context) -> bool:
    return any(may_wait(rules) for rules in ctx.options.values())


def _timeout(ctx: Context) -> Iterator[Finding]:
    if ctx.timeout == 0 and _waits(ctx):
        yield finding(
            "W016-timeout-default",
            f"'{ctx.name}' waits for input with timeout 0, which the engine takes as the "
            f"platform default of {DEFAULT_INPUT_TIMEOUT_MS} ms (0 does not mean 'no wait'); "
            "set the wait you mean",
            ("context", ctx.id),
        )


def _foreground(menu: Menu, ctx: Context) -> Iterator[Finding]:
    for key, rules in ctx.options.items():
        if not may_wait(rules):
            continue
        last = _last_prompt(menu, live_rules(rules))
        if last is not None and isinstance(last.action, a.PlaySound):
            yield finding(
                "W017-foreground-before-input",
                f"rule {last.id} plays sound {last.action.sound} in foreground as the last "
                f"prompt before '{ctx.name}' waits for input: digits pressed during it are "
                "discarded, so callers cannot barge in; make it background",
                ("context", ctx.id),
                ("option", key),
                ("rule", last.id),
            )


def _last_prompt(menu: Menu, live: tuple[Rule, ...]) -> Rule | None:
    """A foreground prompt that may be the last thing heard before the wait, if any.

    Walking back from the end, rules that may be skipped (conditional) or take no time are
    passed over; the first rule that surely takes time ends the search.
    """
    for rule in reversed(live):
        act = rule.action
        if (
            isinstance(act, a.PlaySound)
            and act.sound_type == "foreground"
            and may_take_time(rule, menu)
        ):
            return rule
        if surely_takes_time(rule, menu):
            return None
    return None
