"""``ivrd check`` and ``ivrd graph``: a stored menu's findings and picture, without HTTP.

Both act as an administrator of ``--client`` and resolve EXTENSION as ``ivrd call`` does (a
short number of that client, else an extension id).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from ivrd.errors import IvrdError

T = TypeVar("T")
STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}
GraphFormat = Literal["svg", "dot", "mermaid"]


def register(app: typer.Typer) -> None:
    """Add the commands to the ``ivrd`` application."""
    app.command("check")(check)
    app.command("graph")(graph)


def _resolve(extension: str, client: int, attempt: Callable[[Any, Any, str], T]) -> T:
    from ivrd.cli.main import _database, _fail
    from ivrd.config.auth.principal import Principal
    from ivrd.settings import load_settings

    principal = Principal(
        user_id=0, login="cli", client_id=client, admin=True, access="all", application_id=0
    )
    db = _database(load_settings())
    refs = [extension] if extension.startswith("@") else [f"@{extension}", extension]
    for number, ref in enumerate(refs, 1):
        try:
            return attempt(db, principal, ref)
        except IvrdError as exc:
            if number == len(refs):
                _fail(exc)
    raise AssertionError("unreachable")


def where(path: dict[str, int | str]) -> str:
    """``context 1 / option 2 / rule 7`` (or ``ivr entry_context``)."""
    return " / ".join(f"{k} {v}" for k, v in path.items())


def print_findings(answer: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console()
    table = Table(title="menu check", show_lines=False)
    for column in ("severity", "code", "where", "message"):
        table.add_column(column, overflow="fold")
    for f in answer["findings"]:
        style = STYLES.get(f["severity"], "")
        table.add_row(f"[{style}]{f['severity']}[/]", f["code"], where(f["path"]), f["message"])
    if answer["findings"]:
        console.print(table)
    counts = answer["counts"]
    console.print(
        f"[bold]{counts['error']} error(s), {counts['warning']} warning(s), "
        f"{counts['info']} note(s)[/bold]"
    )


def check(
    extension: Annotated[str, typer.Argument(help="IVR extension id or short number")],
    client: Annotated[int, typer.Option(help="client id")],
    as_json: Annotated[bool, typer.Option("--json", help="print the API's JSON answer")] = False,
) -> None:
    """Check a stored IVR for mistakes (docs/checks.md); exit code 1 when there is an error."""
    from ivrd.config.checks.service import check_menu
    from ivrd.settings import load_settings

    sound_dir = load_settings().sound_dir
    now = datetime.now(UTC)
    answer = _resolve(
        extension, client, lambda db, who, ref: check_menu(db, who, ref, sound_dir, now)
    ).model_dump()
    if as_json:
        typer.echo(json.dumps(answer, ensure_ascii=False))
    else:
        print_findings(answer)
    if answer["counts"]["error"]:
        raise typer.Exit(1)


def read_trace(path: Path) -> list[dict[str, Any]]:
    """A trace from a file: ``ivrd call --json``'s output, or its ``trace`` list."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise typer.BadParameter(f"cannot read {path}: {exc}") from None
    if isinstance(data, dict):
        data = data.get("trace")
    if not isinstance(data, list):
        raise typer.BadParameter(f"{path} holds no trace list")
    return data


def graph(
    extension: Annotated[str, typer.Argument(help="IVR extension id or short number")],
    client: Annotated[int, typer.Option(help="client id")],
    format: Annotated[GraphFormat, typer.Option(help="svg, dot or mermaid")] = "svg",
    trace: Annotated[
        Path | None, typer.Option(help="a simulation (ivrd call --json) to draw over the menu")
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="write here")] = None,
) -> None:
    """Draw a stored IVR: contexts as boxes, options as arrows, endings as terminals."""
    from ivrd.config.checks.service import draw_menu

    entries = read_trace(trace) if trace is not None else None
    drawing = _resolve(
        extension, client, lambda db, who, ref: draw_menu(db, who, ref, format, entries)
    )
    if output is not None:
        output.write_bytes(drawing.content)
    else:
        sys.stdout.buffer.write(drawing.content)
        sys.stdout.buffer.flush()
