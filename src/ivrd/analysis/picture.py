"""A menu as a picture: contexts as boxes, options as labelled arrows, call endings as terminals.

``picture(menu)`` builds a format-neutral drawing that ``dot.py`` and ``mermaid.py`` write out.
Each option of a context draws one arrow per rule that sends the call somewhere (a jump to
another context's box, a transfer, a hangup, a Call Interactive request), labelled with the
option's digits and the rule's conditions; an option that may end by the IVR's default draws an
arrow to the context's hangup (or voicemail) terminal; one that plays and then waits for input
draws a loop back to its context. Media rules are not drawn: they do not move the call.

Every arrow remembers the context, option and rule it stands for, so a simulated call's trace
can be laid over the picture (``overlay.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ivrd.analysis.flow import TRANSFERS, ends_by_default, live_rules, may_wait
from ivrd.engine import actions as a
from ivrd.engine.menu import Conditions, Context, Menu, Rule

ENTRY = "entry"
DIAL = "dial"


@dataclass(frozen=True, slots=True)
class Box:
    """A node: a context (``kind`` "context") or a terminal / the call's entry."""

    id: str
    label: str
    kind: str  # context | entry | transfer | hangup | voicemail | dial | interactive | missing
    visited: bool = False


@dataclass(frozen=True, slots=True)
class Arrow:
    """An edge, and the option and rule it stands for."""

    src: str
    dst: str
    label: str
    kind: str  # entry | jump | transfer | hangup | interactive | default | wait | dial | lifetime
    context: int | None = None
    option: str | None = None
    rule: int | None = None
    visited: bool = False


@dataclass(frozen=True, slots=True)
class Picture:
    boxes: tuple[Box, ...]
    arrows: tuple[Arrow, ...]

    def grouped(self) -> list[Arrow]:
        """Arrows with the same ends, kind and marking merged into one (labels joined), so
        nine options jumping to one context draw one arrow labelled ``1, 2, ..., 9``."""
        groups: dict[tuple[str, str, str, bool], list[Arrow]] = {}
        for arrow in self.arrows:
            groups.setdefault((arrow.src, arrow.dst, arrow.kind, arrow.visited), []).append(arrow)
        return [
            replace(arrows[0], label=", ".join(dict.fromkeys(w.label for w in arrows)))
            for arrows in groups.values()
        ]

    def context_box(self, context_id: int) -> Box:
        return next(b for b in self.boxes if b.id == context_id_of(context_id))

    def marked(self, boxes: set[str], arrows: set[int]) -> Picture:
        """The same picture with these boxes and arrows (by index) marked visited."""
        return Picture(
            tuple(replace(b, visited=b.id in boxes) for b in self.boxes),
            tuple(replace(w, visited=i in arrows) for i, w in enumerate(self.arrows)),
        )


def context_id_of(context_id: int) -> str:
    return f"c{context_id}"


def option_order(ctx: Context) -> list[str]:
    """start, the digit options (shorter first), timeout, invalid."""
    digits = sorted(ctx.digit_options, key=lambda k: (len(k), k))
    return ["start", *digits, "timeout", "invalid"]


def conditions_text(cond: Conditions) -> str:
    """The rule's conditions, compactly: ``[interval 3, caller ~ ^7812, busy]``."""
    parts = []
    if cond.interval is not None:
        parts.append(f"interval {cond.interval}")
    if cond.caller_id_action == "anonymous":
        parts.append("anonymous caller")
    elif cond.caller_id_action != "any":
        sign = "~" if cond.caller_id_action == "matches" else "!~"
        parts.append(f"caller {sign} {cond.caller_id}")
    if cond.match_variable_name is not None:
        parts.append(f"{cond.match_variable_name}={cond.match_variable_value}")
    if cond.call_status != "any":
        parts.append(cond.call_status)
    return f" [{', '.join(parts)}]" if parts else ""


@dataclass(slots=True)
class _Drawing:
    menu: Menu
    boxes: dict[str, Box] = field(default_factory=dict)
    arrows: list[Arrow] = field(default_factory=list)

    def box(self, box_id: str, label: str, kind: str) -> str:
        self.boxes.setdefault(box_id, Box(box_id, label, kind))
        return box_id

    def target(self, context_id: int) -> str:
        ctx = self.menu.contexts.get(context_id)
        if ctx is None:
            return self.box(f"missing{context_id}", f"missing context {context_id}", "missing")
        return context_id_of(context_id)

    def transfer(self, label: str) -> str:
        known = [b.id for b in self.boxes.values() if b.kind == "transfer" and b.label == label]
        return known[0] if known else self.box(f"t{len(self.boxes)}", label, "transfer")

    def ending(self, context_id: int) -> str:
        if self.menu.settings.vm_enabled:
            return self.box(f"vm{context_id}", "voicemail", "voicemail")
        return self.box(f"h{context_id}", "hangup", "hangup")


def picture(menu: Menu) -> Picture:
    """The drawing of ``menu`` (see the module docstring)."""
    drawing = _Drawing(menu)
    settings = menu.settings
    for cid in sorted(menu.contexts):
        ctx = menu.contexts[cid]
        drawing.box(context_id_of(cid), _context_label(ctx), "context")
    sleep = f" after {settings.sleep_time} ms" if settings.sleep_time else ""
    drawing.box(ENTRY, "call", "entry")
    entry = drawing.target(settings.entry_context)
    drawing.arrows.append(Arrow(ENTRY, entry, f"start{sleep}", "entry", settings.entry_context))
    _lifetime(drawing)
    for cid in sorted(menu.contexts):
        ctx = menu.contexts[cid]
        for key in option_order(ctx):
            _option(drawing, ctx, key)
        if ctx.allow_any_dial and menu.extensions:
            drawing.box(DIAL, "dialled extension", "dial")
            drawing.arrows.append(Arrow(context_id_of(cid), DIAL, "extension", "dial", cid))
    return Picture(tuple(drawing.boxes.values()), tuple(drawing.arrows))


def _context_label(ctx: Context) -> str:
    return f"{ctx.name}\n#{ctx.id} · timeout {ctx.timeout} ms · digit_len {ctx.digit_len}"


def _lifetime(drawing: _Drawing) -> None:
    settings = drawing.menu.settings
    if not settings.lifetime:
        return
    dst = (settings.lifetime_exp_transfer_dst or "").strip()
    if settings.lifetime_exp_action == "transfer" and dst:
        end = drawing.transfer(f"transfer\n{dst}")
    else:
        end = drawing.box("lifetime_hangup", "hangup", "hangup")
    drawing.arrows.append(Arrow(ENTRY, end, f"lifetime {settings.lifetime} s", "lifetime"))


def _option(drawing: _Drawing, ctx: Context, key: str) -> None:
    rules = ctx.rules(key)
    src = context_id_of(ctx.id)
    for rule in live_rules(rules):
        arrow = _rule_arrow(drawing, ctx, key, rule)
        if arrow is not None:
            drawing.arrows.append(arrow)
    if ends_by_default(rules):
        live = live_rules(rules)
        unanswered = any(r.always for r in live) and isinstance(live[-1].action, TRANSFERS)
        label = f"{key} (unanswered)" if unanswered else f"{key} (default)"
        drawing.arrows.append(Arrow(src, drawing.ending(ctx.id), label, "default", ctx.id, key))
    if key != "start" and may_wait(rules):
        drawing.arrows.append(Arrow(src, src, f"{key}: then waits", "wait", ctx.id, key))


def _rule_arrow(drawing: _Drawing, ctx: Context, key: str, rule: Rule) -> Arrow | None:
    act = rule.action
    src = context_id_of(ctx.id)
    label = f"{key}{conditions_text(rule.conditions)}"
    if isinstance(act, a.JumpToContext):
        option = act.context_option or "start"
        text = label if option == "start" else f"{label} → {option}"
        return Arrow(src, drawing.target(act.context), text, "jump", ctx.id, key, rule.id)
    if isinstance(act, a.Transfer | a.SimpleTransfer | a.TransferFromVariable):
        return Arrow(
            src,
            drawing.transfer(_transfer_label(act)),
            label + _returns(rule),
            "transfer",
            ctx.id,
            key,
            rule.id,
        )
    if isinstance(act, a.Hangup):
        dst = drawing.box(f"h{ctx.id}", "hangup", "hangup")
        return Arrow(src, dst, label, "hangup", ctx.id, key, rule.id)
    if isinstance(act, a.CallInteractive):
        dst = drawing.box(
            f"ci{rule.id}", f"Call Interactive\n{act.call_interactive_url}", "interactive"
        )
        return Arrow(src, dst, label, "interactive", ctx.id, key, rule.id)
    return None


def _transfer_label(act: a.Transfer | a.SimpleTransfer | a.TransferFromVariable) -> str:
    if isinstance(act, a.TransferFromVariable):
        return f"transfer\n${{{act.transfer_variable}}}"
    kind = "simple transfer" if isinstance(act, a.SimpleTransfer) else "transfer"
    return f"{kind}\n{act.transfer_dst}"


def _returns(rule: Rule) -> str:
    return "" if rule.final else " (returns)"
