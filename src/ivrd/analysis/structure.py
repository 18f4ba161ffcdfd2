"""Checks of the menu's shape: the entry, reachability, jumps, dead rules, loops, call status."""

from __future__ import annotations

from collections.abc import Generator, Iterator

from ivrd.analysis.findings import Finding, PathPart, Severity, finding
from ivrd.analysis.flow import (
    TRANSFERS,
    Edge,
    Flow,
    Node,
    all_rules,
    cycles,
    has_interactive,
    live_rules,
)
from ivrd.engine import actions as a
from ivrd.engine.core import MAX_ROUTING_STEPS
from ivrd.engine.menu import SPECIAL_OPTIONS, Menu, Rule


def check_structure(flow: Flow) -> Iterator[Finding]:
    yield from _entry(flow.menu)
    yield from _unreachable(flow)
    yield from _targets(flow.menu)
    yield from _dead_rules(flow.menu)
    spinning = yield from _spins(flow)
    yield from _endless(flow, spinning)
    yield from _never_offered(flow)
    yield from _call_status(flow)


def label(menu: Menu, node: Node) -> str:
    ctx = menu.contexts.get(node[0])
    name = ctx.name if ctx is not None else f"#{node[0]}"
    return f"'{name}'/{node[1]}"


def _rule_path(node: Node, rule: Rule) -> tuple[PathPart, ...]:
    return (("context", node[0]), ("option", node[1]), ("rule", rule.id))


def _entry(menu: Menu) -> Iterator[Finding]:
    cid = menu.settings.entry_context
    where: PathPart = ("ivr", "entry_context")
    if not cid:
        yield finding("E001-no-entry-context", "entry_context is not set: every call fails", where)
    elif cid not in menu.contexts:
        yield finding(
            "E001-no-entry-context", f"entry_context {cid} does not exist: every call fails", where
        )
    elif not menu.contexts[cid].rules("start"):
        end = "goes to voicemail" if menu.settings.vm_enabled else "is hung up"
        yield finding(
            "W009-entry-start-empty",
            f"the entry context's start option has no rules: every call {end} at once",
            ("context", cid),
            ("option", "start"),
        )


def _unreachable(flow: Flow) -> Iterator[Finding]:
    if flow.entry is None:
        return
    reached = {cid for cid, _ in flow.from_entry()}
    interactive = has_interactive(flow.menu)
    severity: Severity = "info" if interactive else "warning"
    note = " except by a Call Interactive <Jump>" if interactive else ""
    for cid in sorted(set(flow.menu.contexts) - reached):
        yield finding(
            "W002-unreachable-context",
            f"no path from the entry context reaches context "
            f"'{flow.menu.contexts[cid].name}'{note}: its rules never run",
            ("context", cid),
            severity=severity,
        )


def _targets(menu: Menu) -> Iterator[Finding]:
    for ctx, key, _, rule in all_rules(menu):
        act = rule.action
        path = _rule_path((ctx.id, key), rule)
        if isinstance(act, a.JumpToContext):
            target = menu.contexts.get(act.context)
            option = act.context_option or "start"
            if target is None:
                yield finding(
                    "E003-jump-target-missing",
                    f"rule {rule.id} jumps to context {act.context}, which does not exist: "
                    "the call ends there",
                    *path,
                )
            elif option not in SPECIAL_OPTIONS and option not in target.options:
                yield _missing_option(rule, f"jumps to option {option!r} of '{target.name}'", path)
        elif isinstance(act, a.VoiceHelper):
            for vh in act.voice_helper_rules:
                if vh.to_option not in SPECIAL_OPTIONS and vh.to_option not in ctx.options:
                    yield _missing_option(
                        rule, f"sends {vh.transcription!r} to option {vh.to_option!r}", path
                    )


def _missing_option(rule: Rule, what: str, path: tuple[PathPart, ...]) -> Finding:
    return finding(
        "W004-target-option-missing",
        f"rule {rule.id} {what}, which does not exist: the option runs no rule, so the "
        "call ends by default",
        *path,
    )


def _dead_rules(menu: Menu) -> Iterator[Finding]:
    for cid in sorted(menu.contexts):
        for key, rules in menu.contexts[cid].options.items():
            live = live_rules(rules)
            dead = rules[len(live) :]
            if dead:
                ids = ", ".join(str(r.id) for r in dead)
                yield finding(
                    "W005-dead-rule",
                    f"rule(s) {ids} come after rule {live[-1].id}'s unconditional "
                    f"{_action_name(live[-1])} and never run",
                    *_rule_path((cid, key), dead[0]),
                )


def _action_name(rule: Rule) -> str:
    return "hangup" if isinstance(rule.action, a.Hangup) else "jump_to_context"


def _cycle_path(flow: Flow, component: list[Node], edges: list[Edge]) -> tuple[PathPart, ...]:
    """Where a cycle is reported: its first jump rule, else its first option."""
    inside = set(component)
    jumps = [e for e in edges if e.kind == "jump" and e.src in inside and e.dst in inside]
    if not jumps:
        return (("context", component[0][0]), ("option", component[0][1]))
    edge = min(jumps, key=lambda e: (e.src, e.index))
    return _rule_path(edge.src, flow.rules(edge.src)[edge.index])


def _describe(menu: Menu, component: list[Node], edges: list[Edge]) -> str:
    """The cycle in the order the call goes round it."""
    inside = set(component)
    succ = {
        e.src: e.dst
        for e in sorted(edges, key=lambda e: e.index, reverse=True)
        if e.src in inside and e.dst in inside
    }
    order = [component[0]]
    while succ.get(order[-1]) not in (None, *order):
        order.append(succ[order[-1]])
    order += [n for n in component if n not in order]
    return " → ".join(label(menu, n) for n in [*order, order[0]])


def _spins(flow: Flow) -> Generator[Finding, None, set[Node]]:
    """Jump cycles the engine could run in one instant; returns the nodes reported."""
    certain = [e for e in flow.edges if e.kind == "jump" and e.certain]
    instant = [e for e in flow.edges if e.kind == "jump" and e.instant]
    covered: set[Node] = set()
    for component in _components(certain):
        covered.update(component)
        cycle = _describe(flow.menu, component, certain)
        yield finding(
            "E006-jump-spin",
            f"jump cycle {cycle} has no prompt and no input: it "
            f"spins until the engine's loop guard ends the call ({MAX_ROUTING_STEPS} steps)",
            *_cycle_path(flow, component, certain),
        )
    for component in _components(instant):
        if covered.isdisjoint(component):
            covered.update(component)
            cycle = _describe(flow.menu, component, instant)
            yield finding(
                "W007-jump-may-spin",
                f"jump cycle {cycle} has no prompt that surely plays: "
                "when its conditions let it, it spins until the loop guard ends the call",
                *_cycle_path(flow, component, instant),
            )
    return covered


def _components(edges: list[Edge]) -> list[list[Node]]:
    succ: dict[Node, list[Node]] = {}
    for e in edges:
        succ.setdefault(e.src, []).append(e.dst)
    return cycles(succ, lambda n: succ.get(n, []))


def _endless(flow: Flow, spinning: set[Node]) -> Iterator[Finding]:
    if flow.menu.settings.lifetime or flow.entry is None:
        return
    reached = flow.from_entry()
    silent = [e for e in flow.edges if e.silent and e.src in reached]
    for component in _components(silent):
        if not spinning.issuperset(component):
            cycle = _describe(flow.menu, component, silent)
            yield finding(
                "W008-endless-loop",
                f"a caller who presses nothing goes round {cycle} "
                "forever: lifetime is 0, so nothing ends the call; set lifetime, or let the "
                "loop end in a hangup or transfer",
                *_cycle_path(flow, component, silent),
            )


def _never_offered(flow: Flow) -> Iterator[Finding]:
    if flow.entry is None:
        return
    reached = flow.from_entry()
    contexts = {cid for cid, _ in reached}
    interactive = has_interactive(flow.menu)
    for cid in sorted(contexts):
        ctx = flow.menu.contexts[cid]
        for key in sorted(ctx.digit_options):
            if (cid, key) not in reached:
                yield finding(
                    "W015-option-never-offered",
                    f"option {key} can never be chosen: context '{ctx.name}' never plays a "
                    "background prompt or waits for input",
                    ("context", cid),
                    ("option", key),
                    severity="info" if interactive else "warning",
                )


def _transferish(rule: Rule) -> bool:
    return isinstance(rule.action, (*TRANSFERS, a.CallInteractive))


def _call_status(flow: Flow) -> Iterator[Finding]:
    sources = [
        e.dst
        for e in flow.edges
        if any(_transferish(r) for r in live_rules(flow.rules(e.src))[: e.index])
    ]
    after_transfer = flow.reachable(sources)
    for ctx, key, index, rule in all_rules(flow.menu):
        status = rule.conditions.call_status
        if status == "any" or (ctx.id, key) in after_transfer:
            continue
        if not any(_transferish(r) for r in ctx.rules(key)[:index]):
            yield finding(
                "W023-call-status-without-transfer",
                f"rule {rule.id} runs only when call_status is {status}, but no transfer runs "
                "before it: call_status is unset, so the rule never runs",
                *_rule_path((ctx.id, key), rule),
            )
