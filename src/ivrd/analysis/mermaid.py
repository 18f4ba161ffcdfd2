"""Mermaid flowchart text for a menu's picture (renders in GitHub, GitLab and many wikis).

Labels are quoted, with Mermaid's entity codes for the characters its syntax reserves; the
traversed path is drawn with a ``visited`` class on boxes and ``linkStyle`` on arrows.
"""

from __future__ import annotations

from ivrd.analysis.picture import Box, Picture

SHAPES = {
    "context": ('["', '"]'),
    "entry": ('(("', '"))'),
    "transfer": ('>"', '"]'),
    "hangup": ('{{"', '"}}'),
    "voicemail": ('[("', '")]'),
    "dial": ('[["', '"]]'),
    "interactive": ('[/"', '"/]'),
    "missing": ('["', '"]'),
}
ENTITIES = {'"': "#quot;", "<": "#lt;", ">": "#gt;", "|": "#124;", "#": "#35;", ";": "#59;"}
VISITED_STYLE = "stroke:#d62728,stroke-width:3px"


def escape(text: str) -> str:
    """Label text safe inside Mermaid's quotes; newlines become ``<br/>``."""
    out = "".join(ENTITIES.get(ch, ch) for ch in text.replace("\r", ""))
    return out.replace("\n", "<br/>")


def to_mermaid(drawing: Picture) -> str:
    """The Mermaid flowchart of ``drawing``."""
    lines = ["flowchart LR"]
    lines += [f"  {_box(b)}" for b in drawing.boxes]
    for arrow in drawing.grouped():
        link = "-.->" if arrow.kind in ("default", "wait", "lifetime") else "-->"
        lines.append(f'  {arrow.src} {link}|"{escape(arrow.label)}"| {arrow.dst}')
    visited_boxes = [b.id for b in drawing.boxes if b.visited]
    visited_arrows = [str(i) for i, w in enumerate(drawing.grouped()) if w.visited]
    if visited_boxes:
        lines.append(f"  classDef visited {VISITED_STYLE},fill:#fff3d6")
        lines.append(f"  class {','.join(visited_boxes)} visited")
    if visited_arrows:
        lines.append(f"  linkStyle {','.join(visited_arrows)} {VISITED_STYLE}")
    return "\n".join(lines) + "\n"


def _box(box: Box) -> str:
    left, right = SHAPES.get(box.kind, ('["', '"]'))
    return f"{box.id}{left}{escape(box.label)}{right}"
