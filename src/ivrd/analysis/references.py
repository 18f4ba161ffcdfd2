"""Checks of what rules refer to: transfer numbers, variables, intervals and sounds."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ivrd.analysis.findings import Finding, MenuFacts, PathPart, Severity, finding
from ivrd.analysis.flow import all_rules, has_interactive
from ivrd.engine import actions as a
from ivrd.engine.core import MAX_TRANSFER_DESTINATIONS, split_numbers
from ivrd.engine.menu import Menu, Rule

PRESET_VARIABLES = frozenset({"called_did", "caller_id_name", "caller_id_number"})
REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
PHONE = re.compile(r"\+?[0-9]{5,15}")  # E.164: at most 15 digits
FULL_EXTENSION = re.compile(r"[0-9]+\*[0-9]+")  # "000*071": client prefix, star, short number
SHORT = re.compile(r"[0-9*#]{1,4}")


def check_references(menu: Menu, facts: MenuFacts) -> Iterator[Finding]:
    yield from _transfers(menu, facts)
    yield from _variables(menu)
    yield from _intervals(menu, facts)
    yield from _sounds(menu, facts)


def _path(cid: int, key: str, rule: Rule) -> tuple[PathPart, ...]:
    return (("context", cid), ("option", key), ("rule", rule.id))


# --- transfers --------------------------------------------------------------------------------


def destination_problems(dst: str, menu: Menu, facts: MenuFacts, limit: int | None) -> list[str]:
    """What is wrong with a space-separated list of numbers (empty when nothing)."""
    numbers = split_numbers(dst)
    if not numbers:
        return ["it names no number, so nothing is rung"]
    problems = [p for n in numbers if (p := _number_problem(n, menu, facts))]
    if limit is not None and len(numbers) > limit:
        problems.append(
            f"it lists {len(numbers)} numbers but a transfer rings only the first {limit} "
            "(simple_transfer rings more)"
        )
    return problems


def _number_problem(number: str, menu: Menu, facts: MenuFacts) -> str | None:
    if "${" in number or number in menu.extensions:
        return None
    if number in facts.own_numbers:
        return f"{number} is this IVR itself: the call would enter the menu again"
    if PHONE.fullmatch(number) or FULL_EXTENSION.fullmatch(number):
        return None
    if SHORT.fullmatch(number):
        return f"{number} is not an extension of this client and too short for a phone number"
    return f"{number!r} is not a phone number or an extension (digits, an optional leading +)"


def _transfers(menu: Menu, facts: MenuFacts) -> Iterator[Finding]:
    for ctx, key, _, rule in all_rules(menu):
        act = rule.action
        if isinstance(act, a.Transfer | a.SimpleTransfer):
            limit = MAX_TRANSFER_DESTINATIONS if isinstance(act, a.Transfer) else None
            for problem in destination_problems(act.transfer_dst, menu, facts, limit):
                yield finding(
                    "W020-implausible-transfer-dst",
                    f"rule {rule.id} transfers to {act.transfer_dst!r}: {problem}",
                    *_path(ctx.id, key, rule),
                )
    settings = menu.settings
    if settings.lifetime and settings.lifetime_exp_action == "transfer":
        dst = settings.lifetime_exp_transfer_dst or ""
        for problem in destination_problems(dst, menu, facts, None):
            yield finding(
                "W020-implausible-transfer-dst",
                f"lifetime expiry transfers to {dst!r}: {problem}"
                + (" (the call is hung up instead)" if not dst.split() else ""),
                ("ivr", "lifetime_exp_transfer_dst"),
            )


# --- variables --------------------------------------------------------------------------------


def variables_set(menu: Menu) -> frozenset[str]:
    """Preset variables and those a set_variable or record_digits rule names."""
    names = set(PRESET_VARIABLES)
    for _, _, _, rule in all_rules(menu):
        act = rule.action
        if isinstance(act, a.SetVariable):
            names.add(act.set_variable_name)
        elif isinstance(act, a.RecordDigits):
            names.add(act.record_digits_variable)
    return frozenset(names)


def variables_read(rule: Rule) -> list[tuple[str, str]]:
    """(variable, what happens when it is unset) for each variable the rule reads."""
    act = rule.action
    reads: list[tuple[str, str]] = []
    if rule.conditions.match_variable_name is not None:
        reads.append((rule.conditions.match_variable_name, "the rule never runs"))
    if isinstance(act, a.TransferFromVariable):
        reads.append((act.transfer_variable, "the transfer never happens"))
    elif isinstance(act, a.PlayDigitsFromVariable):
        reads.append((act.play_digits_variable, "nothing is said"))
    for template in _templates(act):
        reads += [(name, "it is replaced by nothing") for name in REFERENCE.findall(template)]
    return reads


def _templates(act: a.Action) -> tuple[str, ...]:
    if isinstance(act, a.Transfer | a.SimpleTransfer):
        return (act.transfer_dst,)
    if isinstance(act, a.SetCallerIdNumber):
        return (act.caller_id_number,)
    if isinstance(act, a.SetCallerIdName):
        return (act.caller_id_name,)
    if isinstance(act, a.SetVariable):
        return (act.set_variable_value,)
    if isinstance(act, a.CallInteractive):
        return (act.call_interactive_url,)
    return ()


def _variables(menu: Menu) -> Iterator[Finding]:
    known = variables_set(menu)
    interactive = has_interactive(menu)
    severity: Severity = "info" if interactive else "warning"
    note = " (unless a Call Interactive answer sets it)" if interactive else ""
    for ctx, key, _, rule in all_rules(menu):
        for name, effect in variables_read(rule):
            if name not in known:
                yield finding(
                    "W022-variable-never-set",
                    f"rule {rule.id} reads variable {name}, which no preset, set_variable or "
                    f"record_digits sets{note}: {effect}",
                    *_path(ctx.id, key, rule),
                    severity=severity,
                )


# --- intervals and sounds ---------------------------------------------------------------------


def _intervals(menu: Menu, facts: MenuFacts) -> Iterator[Finding]:
    for ctx, key, _, rule in all_rules(menu):
        interval = rule.conditions.interval
        if interval is None:
            continue
        if interval not in menu.intervals:
            yield finding(
                "E030-interval-missing",
                f"rule {rule.id} runs only inside interval {interval}, which does not exist: "
                "the rule never runs",
                *_path(ctx.id, key, rule),
            )
        elif interval in facts.never_active:
            yield finding(
                "W031-interval-never-active",
                f"rule {rule.id} runs only inside {facts.interval_label(interval)}, which is "
                f"never active ({facts.never_active[interval]}): the rule never runs",
                *_path(ctx.id, key, rule),
            )


def sounds_used(menu: Menu) -> Iterator[tuple[int, str, tuple[PathPart, ...]]]:
    """(sound id, what plays it, path) for every sound the menu refers to."""
    settings = menu.settings
    if settings.vm_enabled and settings.vm_greeting is not None:
        yield settings.vm_greeting, "the voicemail greeting", (("ivr", "vm_greeting"),)
    for ctx, key, _, rule in all_rules(menu):
        act = rule.action
        sound = act.record_digits_sound if isinstance(act, a.RecordDigits) else None
        if isinstance(act, a.PlaySound | a.QualityRate | a.VoiceHelper):
            sound = act.sound
        if sound is not None:
            yield sound, f"rule {rule.id}", _path(ctx.id, key, rule)


def _sounds(menu: Menu, facts: MenuFacts) -> Iterator[Finding]:
    for sound, who, path in sounds_used(menu):
        if sound not in menu.sound_durations_ms:
            yield finding(
                "E032-sound-missing",
                f"{who} plays sound {sound}, which is not a sound of this client: "
                "nothing is played",
                *path,
            )
        elif sound in facts.missing_audio:
            yield finding(
                "E033-sound-audio-missing",
                f"{who} plays sound {sound}, whose stored audio file is missing: callers "
                "hear nothing",
                *path,
            )
