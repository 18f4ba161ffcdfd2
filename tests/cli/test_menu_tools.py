"""``ivrd check`` and ``ivrd graph`` against a stored menu in a fresh SQLite database."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ivrd.cli.main import app
from ivrd.config.clients import service as clients
from ivrd.db import migrate, models
from ivrd.db.session import Database
from ivrd.settings import load_settings
from tests.config.stored import store_menu


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("IVRD_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("IVRD_DATABASE_URL", raising=False)
    monkeypatch.delenv("IVRD_SOUND_DIR", raising=False)
    yield tmp_path


def make_ivr(data_dir: Path, contexts: list[dict[str, object]], **ivr: object) -> int:
    """A client with IVR 071 holding ``contexts``; returns the client id."""
    db = Database(load_settings().database_url)
    migrate.upgrade(db)
    client = clients.create_client(db, "cli", prefix="000")
    with db.write() as session:
        ext = models.Extension(client_id=client["id"], short_name="071", name="000*071",
                               type="ivr", status="active", ani_rfc3325=False)
        session.add(ext)
        session.flush()
        session.add(models.Ivr(extension_id=ext.id))
        extension_id = ext.id
    store_menu(db, extension_id, contexts, **ivr)
    db.dispose()
    return int(client["id"])


GOOD = [{"name": "Main", "timeout": 4000, "options": {
    "start": [{"action": "play_silence", "silence_time": 1000}],
    "timeout": [{"action": "hangup"}]}}]
BAD = [{"name": "Main", "timeout": 4000, "digit_len": 1, "options": {
    "start": [{"action": "play_silence", "silence_time": 1000}],
    "12": [{"action": "hangup"}]}}]


def test_check_exits_0_on_a_clean_menu_and_1_on_errors(data_dir: Path) -> None:
    client = make_ivr(data_dir, GOOD, lifetime=300)
    runner = CliRunner()
    clean = runner.invoke(app, ["check", "071", "--client", str(client)])
    assert clean.exit_code == 0, clean.output
    assert "0 error(s), 0 warning(s), 0 note(s)" in clean.output


def test_check_prints_a_table_and_json(data_dir: Path) -> None:
    client = make_ivr(data_dir, BAD, lifetime=300)
    runner = CliRunner()
    table = runner.invoke(app, ["check", "071", "--client", str(client)])
    assert table.exit_code == 1
    assert "E010-option-too-long" in table.output and "1 error(s)" in table.output
    raw = runner.invoke(app, ["check", "071", "--client", str(client), "--json"])
    assert raw.exit_code == 1
    body = json.loads(raw.output)
    assert [f["code"] for f in body["findings"]] == ["E010-option-too-long"]
    assert body["counts"] == {"error": 1, "warning": 0, "info": 0}


def test_check_of_an_unknown_extension(data_dir: Path) -> None:
    client = make_ivr(data_dir, GOOD)
    result = CliRunner().invoke(app, ["check", "999", "--client", str(client)])
    assert result.exit_code == 2


def test_graph_formats_and_trace_overlay(data_dir: Path, tmp_path: Path) -> None:
    client = make_ivr(data_dir, GOOD, lifetime=300)
    runner = CliRunner()
    mermaid = runner.invoke(app, ["graph", "071", "--client", str(client), "--format", "mermaid"])
    assert mermaid.exit_code == 0, mermaid.output
    assert mermaid.output.startswith("flowchart LR") and "Main" in mermaid.output
    call = runner.invoke(app, ["call", "071", "--client", str(client), "--json"])
    assert call.exit_code == 0, call.output
    trace = tmp_path / "call.json"
    trace.write_text(call.output, encoding="utf-8")
    dot = runner.invoke(app, ["graph", "071", "--client", str(client), "--format", "dot",
                              "--trace", str(trace)])
    assert dot.exit_code == 0, dot.output
    assert dot.output.startswith('digraph "000*071"') and 'class="visited"' in dot.output
    if shutil.which("dot"):
        out = tmp_path / "menu.svg"
        svg = runner.invoke(app, ["graph", "071", "--client", str(client), "-o", str(out)])
        assert svg.exit_code == 0, svg.output
        assert ET.fromstring(out.read_bytes()).tag.endswith("svg")
