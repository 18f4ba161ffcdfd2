"""``ivrd call``: parse the caller's script from the command line, print the trace readably."""

from __future__ import annotations

import re
from typing import Any

from rich.console import Console
from rich.table import Table

PRESS = re.compile(
    r"^(?P<digits>[0-9*#]+)(?:@(?:(?P<time>[0-9.]+)(?P<unit>ms|s)?|playing:(?P<sound>[0-9]+)))?$"
)
SKIP_KEYS = ("t_ms", "kind")


def parse_press(spec: str) -> list[dict[str, Any]]:
    """``"1@3s,2"``: digits at an absolute time (s or ms), or ``@playing:51`` when sound 51
    starts; an item without ``@`` follows the previous one at once."""
    items: list[dict[str, Any]] = []
    clock = 0
    for raw in filter(None, (part.strip() for part in spec.split(","))):
        match = PRESS.match(raw)
        if match is None:
            raise ValueError(f"--press: cannot read {raw!r}; use DIGITS[@3s|@1500ms|@playing:ID]")
        if match["sound"]:
            items.append({"when_playing": int(match["sound"]), "digits": match["digits"]})
            continue
        at = clock
        if match["time"]:
            scale = 1 if match["unit"] == "ms" else 1000
            at = int(float(match["time"]) * scale)
        if at < clock:
            raise ValueError(f"--press: {raw!r} is earlier than the item before it")
        items.append({"after_ms": at - clock, "digits": match["digits"]})
        clock = at
    return items


def _details(entry: dict[str, Any]) -> str:
    return "  ".join(f"{k}={v}" for k, v in entry.items() if k not in SKIP_KEYS and v is not None)


def render(result: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console()
    table = Table(title="simulated call", show_lines=False)
    table.add_column("t", justify="right", style="cyan")
    table.add_column("what", style="bold")
    table.add_column("details")
    for entry in result["trace"]:
        table.add_row(f"{entry['t_ms'] / 1000:.3f}s", str(entry["kind"]), _details(entry))
    console.print(table)
    outcome = result["outcome"]
    console.print(
        f"[bold]outcome:[/bold] {_details(outcome)}  at {outcome.get('t_ms', 0) / 1000:.3f}s"
    )
    console.print(f"[bold]variables:[/bold] {result['variables']}")
