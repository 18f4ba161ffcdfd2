"""Laying a simulated call's trace over a menu's picture.

The trace is the ``trace`` list of ``POST .../ivr/simulate``'s answer (or of ``ivrd call
--json``). Its ``option`` entries say which option of which context ran, ``rule`` entries which
rules ran in it, ``wait`` that the context waited for input, ``input`` with ``selects:
extension`` a dialled extension, and the ``end`` / ``to_voicemail`` reasons whether the option
ended by the IVR's default. An arrow is marked when the call went along it; a box when the call
entered it. Entries that do not look like the engine's are skipped: the picture is a reading
aid, and a partial trace still marks what it can.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ivrd.analysis.picture import ENTRY, Arrow, Picture, context_id_of

DEFAULT_REASONS = frozenset({"option ran no rule", "transfer not answered and no rule left"})
RULE_ARROWS = frozenset({"jump", "transfer", "hangup", "interactive"})

Option = tuple[int, str]


@dataclass(slots=True)
class Path:
    """What a trace says the call went through."""

    entered: set[Option] = field(default_factory=set)
    ran: set[tuple[int, str, int]] = field(default_factory=set)
    waited: set[Option] = field(default_factory=set)
    defaulted: set[Option] = field(default_factory=set)
    dialled: set[int] = field(default_factory=set)
    entry: bool = False
    lifetime: bool = False


def read_trace(trace: Iterable[object]) -> Path:
    """The call's path from a simulation trace (see the module docstring)."""
    path = Path()
    current: Option | None = None
    for entry in trace:
        if not isinstance(entry, Mapping):
            continue
        kind = entry.get("kind")
        if kind == "option":
            current = _option(entry)
            if current is not None:
                path.entered.add(current)
                path.entry = path.entry or entry.get("why") == "entry"
        elif kind == "lifetime" and entry.get("result") == "expired":
            path.lifetime = True
        elif current is not None:
            _within(path, current, kind, entry)
    return path


def _option(entry: Mapping[str, object]) -> Option | None:
    context, option = entry.get("context"), entry.get("option")
    if type(context) is int and isinstance(option, str):
        return context, option
    return None


def _within(path: Path, current: Option, kind: object, entry: Mapping[str, object]) -> None:
    if kind == "rule" and type(entry.get("rule")) is int:
        path.ran.add((*current, int(str(entry["rule"]))))
    elif kind == "wait":
        path.waited.add(current)
    elif kind in ("end", "to_voicemail") and entry.get("reason") in DEFAULT_REASONS:
        path.defaulted.add(current)
    elif kind == "input" and entry.get("selects") == "extension":
        path.dialled.add(current[0])


def overlay(drawing: Picture, trace: Iterable[object]) -> Picture:
    """``drawing`` with the boxes and arrows the traced call went through marked."""
    path = read_trace(trace)
    arrows = {i for i, arrow in enumerate(drawing.arrows) if _went(arrow, path)}
    boxes = {context_id_of(cid) for cid, _ in path.entered}
    boxes |= {drawing.arrows[i].dst for i in arrows}
    if path.entry:
        boxes.add(ENTRY)
    return drawing.marked(boxes, arrows)


def _went(arrow: Arrow, path: Path) -> bool:
    option = (arrow.context or 0, arrow.option or "")
    if arrow.kind == "entry":
        return path.entry
    if arrow.kind == "lifetime":
        return path.lifetime
    if arrow.kind in RULE_ARROWS:
        return (*option, arrow.rule or 0) in path.ran
    if arrow.kind == "default":
        return option in path.defaulted
    if arrow.kind == "wait":
        return option in path.waited
    return arrow.kind == "dial" and arrow.context in path.dialled
