"""rtp/ is sans-IO: it must not reach for the network, the clock, threads or a database."""

from __future__ import annotations

import ast
from pathlib import Path

import ivrd.rtp

FORBIDDEN = {"asyncio", "socket", "threading", "time", "datetime", "sqlalchemy", "selectors"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.partition(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            roots.add(node.module.partition(".")[0])
    return roots


def test_rtp_imports_no_io() -> None:
    modules = sorted(Path(ivrd.rtp.__file__).parent.glob("*.py"))
    assert len(modules) >= 5
    for module in modules:
        assert not imported_roots(module) & FORBIDDEN, module.name
