"""``ivrd call``: a stored menu simulated from the command line, as a timeline or as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ivrd.cli.main import app
from ivrd.cli.timeline import parse_press

from .test_menu_tools import data_dir, make_ivr  # noqa: F401  (fixture)

MENU = [{"name": "Main", "timeout": 3000, "inter_digit_timeout": 1000, "digit_len": 1,
         "options": {"start": [{"action": "play_silence", "silence_time": 2000}],
                     "1": [{"action": "transfer", "transfer_dst": "101"}],
                     "timeout": [{"action": "hangup"}]}}]


def test_press_specs() -> None:
    assert parse_press("1@3s,2, 3@4500ms") == [
        {"after_ms": 3000, "digits": "1"}, {"after_ms": 0, "digits": "2"},
        {"after_ms": 1500, "digits": "3"}]
    assert parse_press("12@playing:51") == [{"when_playing": 51, "digits": "12"}]
    with pytest.raises(ValueError, match="earlier than the item before"):
        parse_press("1@3s,2@1s")
    with pytest.raises(ValueError, match="cannot read"):
        parse_press("x@3s")


def test_call_prints_the_timeline_and_json(data_dir: Path) -> None:  # noqa: F811
    client = make_ivr(data_dir, MENU, lifetime=60)
    runner = CliRunner()
    shown = runner.invoke(app, ["call", "071", "--client", str(client), "--press", "1@1s"])
    assert shown.exit_code == 0, shown.output
    assert "outcome:" in shown.output and "101" in shown.output
    raw = runner.invoke(app, ["call", "071", "--client", str(client), "--json"])
    result = json.loads(raw.output)
    assert result["outcome"]["action"] == "hangup"
    assert result["outcome"]["t_ms"] == 5000  # 2 s of silence, then the 3 s timeout


def test_call_errors_exit_2(data_dir: Path) -> None:  # noqa: F811
    client = make_ivr(data_dir, MENU)
    runner = CliRunner()
    missing = runner.invoke(app, ["call", "999", "--client", str(client)])
    assert missing.exit_code == 2
    bad = runner.invoke(app, ["call", "071", "--client", str(client), "--press", "1@x"])
    assert bad.exit_code == 2
