"""Graphviz DOT text for a menu's picture (``dot -Tsvg`` turns it into SVG).

Boxes and arrows carry ``id`` and ``class`` attributes, which Graphviz copies into the SVG,
so a page's script or a test can find a context (``id="c1"``) or the traversed path
(``class="visited"``).
"""

from __future__ import annotations

from ivrd.analysis.picture import Arrow, Box, Picture

VISITED = "#d62728"
SHAPES: dict[str, dict[str, str]] = {
    "context": {"shape": "box", "style": "rounded"},
    "entry": {"shape": "circle"},
    "transfer": {"shape": "ellipse"},
    "hangup": {"shape": "octagon"},
    "voicemail": {"shape": "cylinder"},
    "dial": {"shape": "component"},
    "interactive": {"shape": "note", "style": "dashed"},
    "missing": {"shape": "box", "style": "dashed", "color": "#7f7f7f"},
}
VISITED_BOX = {"color": VISITED, "penwidth": "2.5", "fillcolor": "#fff3d6", "class": "visited"}
VISITED_ARROW = {"color": VISITED, "fontcolor": VISITED, "penwidth": "2.5", "class": "visited"}
DASHED = frozenset({"default", "wait", "lifetime"})
# Graphviz lays out a few hundred labelled edges in seconds, but a dense menu (hundreds of
# jumps between dozens of contexts) can take minutes. Past this many arrows, labels become
# external (``xlabel``: not ranked as nodes) and crossing minimisation is bounded; measured on
# a 50-context menu with 450 jumps: from over a minute to about 3 s.
LARGE_GRAPH_ARROWS = 150
LARGE_GRAPH = "  graph [mclimit=0.1, nslimit=1, nslimit1=1, forcelabels=true];"


def quote(text: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, newlines as ``\\n``."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\r", "").replace("\n", "\\n") + '"'


def to_dot(drawing: Picture, name: str = "ivr") -> str:
    """The DOT document of ``drawing``."""
    lines = [
        f"digraph {quote(name)} {{",
        '  graph [rankdir=LR, fontname="Helvetica", charset="UTF-8"];',
        '  node [fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    arrows = drawing.grouped()
    large = len(arrows) > LARGE_GRAPH_ARROWS
    if large:
        lines.append(LARGE_GRAPH)
    lines += [f"  {_box(b)}" for b in drawing.boxes]
    lines += [f"  {_arrow(i, w, large)}" for i, w in enumerate(arrows)]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _attributes(attrs: dict[str, str]) -> str:
    return ", ".join(f"{k}={quote(v)}" for k, v in attrs.items())


def _box(box: Box) -> str:
    attrs = {**SHAPES.get(box.kind, {"shape": "box"}), "label": box.label, "id": box.id}
    if box.visited:
        attrs.update(VISITED_BOX)
        attrs["style"] = ",".join(filter(None, (attrs.get("style", ""), "filled", "bold")))
    return f"{quote(box.id)} [{_attributes(attrs)}];"


def _arrow(index: int, arrow: Arrow, large: bool = False) -> str:
    attrs = {"xlabel" if large else "label": arrow.label, "id": f"a{index}"}
    if arrow.kind in DASHED:
        attrs["style"] = "dashed"
    if arrow.visited:
        attrs.update(VISITED_ARROW)
    return f"{quote(arrow.src)} -> {quote(arrow.dst)} [{_attributes(attrs)}];"
