"""The engine is sans-IO: importing all of it pulls in no I/O, threads, clock or database."""

from __future__ import annotations

import ast
import json
import pathlib
import subprocess
import sys

import ivrd.engine

ENGINE = pathlib.Path(ivrd.engine.__file__).parent
FORBIDDEN = (
    "asyncio",
    "socket",
    "threading",
    "time",
    "sqlalchemy",
    "logging.config",
    "selectors",
    "subprocess",
    "multiprocessing",
    "urllib.request",
    "http.client",
)


def test_no_engine_module_imports_io_or_clock_modules() -> None:
    for path in sorted(ENGINE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for name in names:
                assert not name.startswith(FORBIDDEN), f"{path.name} imports {name}"


def test_no_engine_module_reads_the_clock() -> None:
    for path in sorted(ENGINE.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        for call in ("datetime.now(", ".utcnow(", "date.today(", "time.time(", "time.monotonic("):
            assert call not in text, f"{path.name} calls {call}"


def test_importing_the_whole_engine_loads_none_of_them() -> None:
    modules = sorted(p.stem for p in ENGINE.glob("*.py") if p.stem != "__init__")
    code = (
        "import sys, json\n"
        "before = set(sys.modules)\n"
        + "".join(f"import ivrd.engine.{m}\n" for m in modules)
        + "print(json.dumps(sorted(set(sys.modules) - before)))\n"
    )
    src = str(ENGINE.parent.parent)
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": src},
    )
    loaded = json.loads(done.stdout)
    assert [f"ivrd.engine.{m}" for m in modules if f"ivrd.engine.{m}" not in loaded] == []
    bad = [m for m in loaded if m in FORBIDDEN or m.startswith(tuple(f + "." for f in FORBIDDEN))]
    assert bad == []
