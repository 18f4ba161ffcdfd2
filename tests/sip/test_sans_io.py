"""ivrd.sip stays sans-IO: no sockets, event loops, threads, clocks, logging or randomness."""

from __future__ import annotations

import ast
from pathlib import Path

import ivrd.sip

FORBIDDEN = {"asyncio", "socket", "threading", "time", "logging", "datetime", "random", "selectors"}


def test_sip_modules_import_nothing_that_does_io() -> None:
    package = Path(ivrd.sip.__file__).parent
    offenders = []
    for path in sorted(package.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []
