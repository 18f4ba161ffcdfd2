"""The menu as a graph of options, with what each rule does to the flow — as the engine runs it.

A node is ``(context id, option key)``: running that option. Edges are the ways one option
leads to another: a ``jump`` rule, the caller's ``input`` in the context (digits, or speech
through voice_helper), and the context's ``timeout``. Each edge keeps the index of the rule it
leaves from and three flags the loop checks need:

- ``instant``: no rule before it surely takes time (a prompt, silence, a transfer's ringing...):
  the engine may take this edge in the same instant it entered the option;
- ``certain``: instant, and the jump is unconditional with nothing before it that could take
  time: the engine always takes it at once;
- ``silent``: a caller who does nothing can follow it (no unconditional final transfer first,
  which would end the call when answered).

The classification mirrors ``engine/runner.py`` and ``engine/listen.py``: hangup and
jump_to_context end an option; a background prompt, silence, spoken digits, voice_helper and
Call Interactive (whose verbs may play) listen for digits; an option whose rules ran without
routing waits for input; one whose rules all were skipped, or whose last act was a transfer
nobody answered, ends by the IVR's default (hang-up or voicemail).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from ivrd.engine import actions as a
from ivrd.engine.core import split_numbers
from ivrd.engine.menu import SPECIAL_OPTIONS, Context, Menu, Rule

Node = tuple[int, str]
TRANSFERS = (a.Transfer, a.SimpleTransfer, a.TransferFromVariable)


@dataclass(frozen=True, slots=True)
class Edge:
    src: Node
    dst: Node
    kind: str  # "jump" | "input" | "speech" | "timeout"
    index: int  # the rule it leaves from; len(rules) for input after the rules
    instant: bool = False
    certain: bool = False
    silent: bool = False


# --- rules ------------------------------------------------------------------------------------


def routes(rule: Rule) -> bool:
    """An action that always ends the option when it runs."""
    return isinstance(rule.action, a.Hangup | a.JumpToContext)


def live_rules(rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
    """The rules that can run: up to and including the first unconditional hangup or jump."""
    for index, rule in enumerate(rules):
        if rule.always and routes(rule):
            return rules[: index + 1]
    return rules


def static_destinations(action: a.Action) -> tuple[str, ...]:
    """The numbers a transfer rings when they need no variable; () otherwise."""
    if isinstance(action, a.Transfer | a.SimpleTransfer) and "${" not in action.transfer_dst:
        return split_numbers(action.transfer_dst)
    return ()


def may_take_time(rule: Rule, menu: Menu) -> bool:
    """Whether running the rule may let time pass (media, input, ringing, a request)."""
    act = rule.action
    if isinstance(act, a.PlaySound):
        return act.play_sound_from_variable or act.sound in menu.sound_durations_ms
    if isinstance(act, a.PlaySilence):
        return act.silence_time > 0
    if isinstance(act, a.PlayDigits):
        return bool(act.digits)
    if isinstance(act, a.VoiceHelper):
        return menu.speech_enabled
    return isinstance(
        act,
        a.PlayDigitsFromVariable
        | a.RecordDigits
        | a.QualityRate
        | a.CallInteractive
        | a.TransferFromVariable,
    ) or bool(static_destinations(act))


def surely_takes_time(rule: Rule, menu: Menu) -> bool:
    """Whether running the rule always lets time pass, and it always runs."""
    act = rule.action
    if not rule.always or isinstance(act, a.PlayDigitsFromVariable | a.TransferFromVariable):
        return False
    if isinstance(act, a.PlaySound):
        return act.sound in menu.sound_durations_ms
    return may_take_time(rule, menu)


def listens(rule: Rule) -> bool:
    """Digits pressed while it runs go to the context's menu input."""
    act = rule.action
    if isinstance(act, a.PlaySound):
        return act.sound_type == "background"
    return isinstance(
        act,
        a.PlaySilence | a.PlayDigits | a.PlayDigitsFromVariable | a.VoiceHelper | a.CallInteractive,
    )


def final_transfer(rule: Rule) -> bool:
    """An unconditional transfer that ends the call when answered."""
    return rule.always and rule.final and bool(static_destinations(rule.action))


def may_wait(rules: tuple[Rule, ...]) -> bool:
    """Whether the option may end waiting for input in its context."""
    live = live_rules(rules)
    if not live:
        return False
    last = live[-1]
    return not ((last.always and routes(last)) or final_transfer(last))


def ends_by_default(rules: tuple[Rule, ...]) -> bool:
    """Whether the option may end with the IVR's default (hang-up or voicemail)."""
    live = live_rules(rules)
    if not live or not any(r.always for r in live):
        return True
    return isinstance(live[-1].action, TRANSFERS)


def has_interactive(menu: Menu) -> bool:
    """Call Interactive answers may set any variable and jump anywhere."""
    return any(
        isinstance(r.action, a.CallInteractive)
        for c in menu.contexts.values()
        for rules in c.options.values()
        for r in rules
    )


def all_rules(menu: Menu) -> Iterator[tuple[Context, str, int, Rule]]:
    """Every rule with its context, option key and index, in a stable order."""
    for cid in sorted(menu.contexts):
        ctx = menu.contexts[cid]
        for key, rules in ctx.options.items():
            for index, rule in enumerate(rules):
                yield ctx, key, index, rule


# --- the graph --------------------------------------------------------------------------------


@dataclass(slots=True)
class Flow:
    """The option graph of one menu (see the module docstring)."""

    menu: Menu
    edges: list[Edge] = field(default_factory=list)
    out: dict[Node, list[Edge]] = field(default_factory=dict)

    @property
    def entry(self) -> Node | None:
        cid = self.menu.settings.entry_context
        return (cid, "start") if cid in self.menu.contexts else None

    def rules(self, node: Node) -> tuple[Rule, ...]:
        ctx = self.menu.contexts.get(node[0])
        return ctx.rules(node[1]) if ctx is not None else ()

    def add(self, edge: Edge) -> None:
        self.edges.append(edge)
        self.out.setdefault(edge.src, []).append(edge)

    def reachable(
        self, starts: Iterable[Node], keep: Callable[[Edge], bool] = lambda e: True
    ) -> set[Node]:
        """Nodes reachable from ``starts`` over the edges ``keep`` accepts."""
        seen = set(starts)
        todo = deque(seen)
        while todo:
            for edge in self.out.get(todo.popleft(), ()):
                if keep(edge) and edge.dst not in seen:
                    seen.add(edge.dst)
                    todo.append(edge.dst)
        return seen

    def from_entry(self) -> set[Node]:
        entry = self.entry
        return self.reachable([entry]) if entry is not None else set()


def build_flow(menu: Menu) -> Flow:
    """The option graph of ``menu``."""
    flow = Flow(menu)
    for cid in sorted(menu.contexts):
        ctx = menu.contexts[cid]
        for key in _keys(ctx):
            _option_edges(flow, ctx, key)
    return flow


def _keys(ctx: Context) -> list[str]:
    return sorted(set(ctx.options) | SPECIAL_OPTIONS)


def _option_edges(flow: Flow, ctx: Context, key: str) -> None:
    node = (ctx.id, key)
    rules = ctx.rules(key)
    live = live_rules(rules)
    surely = maybe = final = False
    for index, rule in enumerate(live):
        act = rule.action
        if isinstance(act, a.JumpToContext) and act.context in flow.menu.contexts:
            dst = (act.context, act.context_option or "start")
            certain = rule.always and not maybe
            flow.add(Edge(node, dst, "jump", index, not surely, certain, not final))
        elif isinstance(act, a.VoiceHelper) and flow.menu.speech_enabled:
            for target in sorted({vh.to_option for vh in act.voice_helper_rules} | {"invalid"}):
                flow.add(Edge(node, (ctx.id, target), "speech", index))
            flow.add(Edge(node, (ctx.id, "timeout"), "timeout", index, silent=not final))
        surely = surely or surely_takes_time(rule, flow.menu)
        maybe = maybe or may_take_time(rule, flow.menu)
        final = final or final_transfer(rule)
    waits = may_wait(rules)
    if waits or any(listens(r) for r in live):
        for digits in sorted(ctx.digit_options | {"invalid"}):
            flow.add(Edge(node, (ctx.id, digits), "input", len(live)))
    if waits:
        flow.add(Edge(node, (ctx.id, "timeout"), "timeout", len(live), silent=True))


# --- strongly connected components ------------------------------------------------------------


def cycles(nodes: Iterable[Node], out: Callable[[Node], list[Node]]) -> list[list[Node]]:
    """The strongly connected components that hold a cycle (Tarjan's algorithm, iterative)."""
    index: dict[Node, int] = {}
    low: dict[Node, int] = {}
    stack: list[Node] = []
    on_stack: set[Node] = set()
    found: list[list[Node]] = []
    for root in sorted(nodes):
        if root in index:
            continue
        work: list[tuple[Node, Iterator[Node]]] = [(root, iter(out(root)))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            nxt = next(successors, None)
            if nxt is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    found.append(_pop_component(node, stack, on_stack, out))
            elif nxt not in index:
                index[nxt] = low[nxt] = len(index)
                stack.append(nxt)
                on_stack.add(nxt)
                work.append((nxt, iter(out(nxt))))
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
    return [c for c in found if c]


def _pop_component(
    node: Node, stack: list[Node], on_stack: set[Node], out: Callable[[Node], list[Node]]
) -> list[Node]:
    component: list[Node] = []
    while True:
        top = stack.pop()
        on_stack.discard(top)
        component.append(top)
        if top == node:
            break
    if len(component) == 1 and node not in out(node):
        return []
    return sorted(component)
