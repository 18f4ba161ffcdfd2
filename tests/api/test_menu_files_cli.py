"""``ivrd export`` and ``ivrd import`` on the test server's database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ivrd.cli.main import app

from .conftest import Tenant
from .ivr_fixtures import make_ivr
from .menu_files import build_menu, export, revisions, rules_of, version


@pytest.fixture
def cli_env(tenant: Tenant, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("IVRD_DATABASE_URL", tenant.server.db.url)
    monkeypatch.setenv("IVRD_DATA_DIR", str(tenant.server.data_dir))
    return CliRunner()


def test_export_then_import_into_another_extension(
    tenant: Tenant, cli_env: CliRunner, tmp_path: Path
) -> None:
    build_menu(tenant)
    fresh = make_ivr(tenant, "072")
    out = tmp_path / "menu.json"
    client = str(tenant.client_id)
    done = cli_env.invoke(app, ["export", "071", "--client", client, "-o", str(out)])
    assert done.exit_code == 0, done.output
    document = json.loads(out.read_text(encoding="utf-8"))
    printed = cli_env.invoke(app, ["export", "071", "--client", client])
    assert json.loads(printed.stdout) == document
    dry = cli_env.invoke(app, ["import", "072", str(out), "--client", client, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.stdout)["dry_run"] is True
    assert export(tenant, fresh)["contexts"] == []
    done = cli_env.invoke(app, ["import", str(fresh), str(out), "--client", client])
    assert done.exit_code == 0, done.output
    assert export(tenant, fresh) == document
    newest = revisions(tenant, fresh)[0]
    assert newest["author"] == "local:cli" and newest["application_id"] is None


def test_a_failing_import_prints_every_error_and_exits_2(
    tenant: Tenant, cli_env: CliRunner, tmp_path: Path
) -> None:
    menu = build_menu(tenant)
    document = export(tenant, menu.ext)
    rules_of(document, "main", "2")[0]["transfer_dst"] = "x"
    rules_of(document, "sales", "9")[1]["transfer_dst"] = "y"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    current = version(tenant, menu.ext)
    done = cli_env.invoke(app, ["import", "071", str(path), "--client", str(tenant.client_id)])
    assert done.exit_code == 2
    errors = json.loads(done.stderr)["errors"]
    assert [error["path"] for error in errors] == [
        "contexts[0].options[3].rules[0].transfer_dst",
        "contexts[1].options[3].rules[1].transfer_dst",
    ]
    assert version(tenant, menu.ext) == current


def test_the_extension_must_be_the_clients(
    tenant: Tenant, other_tenant: Tenant, cli_env: CliRunner, tmp_path: Path
) -> None:
    menu = build_menu(tenant)
    other = str(other_tenant.client_id)
    done = cli_env.invoke(app, ["export", str(menu.ext), "--client", other])
    assert done.exit_code == 2 and json.loads(done.stderr) == {"message": "Record not found"}
    path = tmp_path / "menu.json"
    path.write_text(json.dumps(export(tenant, menu.ext)), encoding="utf-8")
    done = cli_env.invoke(app, ["import", str(menu.ext), str(path), "--client", other])
    assert done.exit_code == 2


def test_call_still_finds_the_extension_by_short_number(tenant: Tenant, cli_env: CliRunner) -> None:
    build_menu(tenant)
    client = str(tenant.client_id)
    done = cli_env.invoke(app, ["call", "071", "--client", client, "--json", "--hangup-at", "1"])
    assert done.exit_code == 0, done.output
    assert isinstance(json.loads(done.stdout), dict)
    done = cli_env.invoke(app, ["call", "@099", "--client", client])
    assert done.exit_code == 2 and json.loads(done.stderr)["message"]
