"""DOT → SVG with Graphviz's ``dot``, run as a bounded subprocess (no network involved).

The DOT text is ours, built from escaped labels; ``dot`` reads it from stdin. A missing
Graphviz, a failure or a run past the timeout answers 503 with the reason, never a hang.
"""

from __future__ import annotations

import shutil
import subprocess

from ivrd.errors import IvrdError

DOT_TIMEOUT_S = 30.0
MAX_SVG_BYTES = 20 * 1024 * 1024


class RendererUnavailable(IvrdError):
    """The SVG renderer (Graphviz) is missing or failed."""

    status = 503


def render_svg(dot_text: str, timeout_s: float = DOT_TIMEOUT_S) -> bytes:
    """The SVG Graphviz draws for ``dot_text``."""
    program = shutil.which("dot")
    if program is None:
        raise RendererUnavailable(
            "SVG needs Graphviz's dot (apt-get install graphviz); format=dot or mermaid work "
            "without it"
        )
    try:
        done = subprocess.run(
            [program, "-Tsvg"],
            input=dot_text.encode(),
            capture_output=True,
            timeout=timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RendererUnavailable(f"Graphviz took longer than {timeout_s:g} s") from None
    if done.returncode != 0 or not done.stdout:
        reason = done.stderr.decode(errors="replace").strip()[:300] or f"exit {done.returncode}"
        raise RendererUnavailable(f"Graphviz failed: {reason}")
    if len(done.stdout) > MAX_SVG_BYTES:
        raise RendererUnavailable("the drawing is too large")
    return done.stdout
