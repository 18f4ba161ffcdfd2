"""The ``ivrd`` command (typer). Admin commands print JSON so scripts can use them."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from ivrd.errors import IvrdError, NotFound
from ivrd.settings import Settings, load_settings

T = TypeVar("T")

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="ivrd: voice menus for a cloud PBX"
)
admin = typer.Typer(no_args_is_help=True, help="Clients, users and OAuth applications")
db_app = typer.Typer(no_args_is_help=True, help="Database schema")
app.add_typer(admin, name="admin")
app.add_typer(db_app, name="db")


def _database(settings: Settings) -> Any:
    from ivrd.db import migrate
    from ivrd.db.session import Database

    if settings.is_sqlite:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.database_url)
    migrate.upgrade(db)
    return db


def _print_json(value: object) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False))


def _fail(exc: IvrdError) -> None:
    body = {"message": exc.message, **exc.details()}
    typer.echo(json.dumps(body, ensure_ascii=False), err=True)
    raise typer.Exit(2)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to bind")] = 8080,
    sip: Annotated[bool, typer.Option(help="also run the SIP/RTP node")] = True,
    api: Annotated[bool, typer.Option(hidden=True)] = True,
    grace: Annotated[float, typer.Option(help="seconds calls may finish on SIGTERM")] = 30.0,
) -> None:
    """Run the API server and the SIP node (migrations are applied first)."""
    import uvicorn

    from ivrd.api.app import create_app
    from ivrd.cli.bootstrap import create_demo_tenant
    from ivrd.runtime.serve import run

    _logging()
    settings = load_settings()
    db = _database(settings)
    demo = create_demo_tenant(db, settings.sip_domain)
    if demo is not None:
        typer.echo(demo.banner(f"http://{host}:{port}"))
    web = create_app(settings, db)
    config = uvicorn.Config(
        web,
        host=host,
        port=port,
        log_level="info",
        access_log=True,
        lifespan="on",
    )
    server = uvicorn.Server(config) if api else None
    asyncio.run(run(settings, db, server, sip=sip, grace_s=grace, app=web if api else None))


@app.command("sip")
def sip_only(
    grace: Annotated[float, typer.Option(help="seconds calls may finish on SIGTERM")] = 30.0,
) -> None:
    """Run only the SIP/RTP node (several nodes may share one database)."""
    from ivrd.runtime.serve import run

    _logging()
    settings = load_settings()
    asyncio.run(run(settings, _database(settings), None, sip=True, grace_s=grace))


def _logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its per-plugin chatter


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply pending migrations."""
    settings = load_settings()
    _database(settings)
    _print_json({"database": settings.database_url.split("@")[-1], "status": "up to date"})


@admin.command("create-client")
def create_client(
    name: Annotated[str, typer.Option()],
    prefix: Annotated[str, typer.Option()] = "000",
    short_number_len: Annotated[int, typer.Option()] = 3,
) -> None:
    """Create a client (tenant)."""
    from ivrd.config.clients import service

    settings = load_settings()
    try:
        _print_json(
            service.create_client(
                _database(settings), name, prefix, short_number_len, domain=settings.sip_domain
            )
        )
    except IvrdError as exc:
        _fail(exc)


@admin.command("create-user")
def create_user(
    client: Annotated[int, typer.Option(help="client id")],
    login: Annotated[str, typer.Option()],
    password: Annotated[str, typer.Option()],
    is_admin: Annotated[bool, typer.Option("--admin", help="may act on any client")] = False,
    access: Annotated[str, typer.Option(help="all | call_api")] = "all",
) -> None:
    """Create a user of a client."""
    from ivrd.config.clients import service

    try:
        _print_json(
            service.create_user(
                _database(load_settings()), client, login, password, is_admin, access
            )
        )
    except IvrdError as exc:
        _fail(exc)


@admin.command("create-app")
def create_app(
    client: Annotated[int, typer.Option(help="client id")],
    type: Annotated[str, typer.Option(help="trusted | public | password_credentials")],
    access: Annotated[str, typer.Option(help="all | call_api")],
    redirect_uri: Annotated[str | None, typer.Option()] = None,
    user: Annotated[
        str | None, typer.Option(help="login the tokens act as (default: first user)")
    ] = None,
) -> None:
    """Register an OAuth application; prints its Application_ID and secret."""
    from ivrd.config.clients import service

    try:
        _print_json(
            service.create_app(_database(load_settings()), client, type, access, redirect_uri, user)
        )
    except IvrdError as exc:
        _fail(exc)


@admin.command("block-app")
def block_app(app_id: str, unblock: Annotated[bool, typer.Option("--unblock")] = False) -> None:
    """Block (revoking its tokens) or unblock an application."""
    from ivrd.config.clients import service

    try:
        service.set_app_blocked(_database(load_settings()), app_id, not unblock)
        _print_json({"client_id": app_id, "blocked": not unblock})
    except IvrdError as exc:
        _fail(exc)


@admin.command("delete-app")
def delete_app(app_id: str) -> None:
    """Delete an application and revoke its tokens."""
    from ivrd.config.clients import service

    try:
        service.delete_app(_database(load_settings()), app_id)
        _print_json({"client_id": app_id, "deleted": True})
    except IvrdError as exc:
        _fail(exc)


@app.command("call")
def call(
    extension: Annotated[str, typer.Argument(help="IVR extension id or short number")],
    client: Annotated[int, typer.Option(help="client id")],
    caller: Annotated[str, typer.Option("--from", help="caller number")] = "79001234567",
    did: Annotated[str, typer.Option(help="the public number called")] = "",
    at: Annotated[str | None, typer.Option(help="YYYY-MM-DD HH:MM:SS UTC (intervals)")] = None,
    press: Annotated[str, typer.Option(help='digits, e.g. "1@3s,2" or "1@playing:51"')] = "",
    hangup_at: Annotated[float | None, typer.Option(help="caller hangs up at this second")] = None,
    transfer: Annotated[list[str], typer.Option(help="NUMBER=answer|busy|no_answer|failed")] = [],  # noqa: B006
    as_json: Annotated[bool, typer.Option("--json", help="print the raw simulation")] = False,
) -> None:
    """Simulate a call into a stored IVR and print its timeline."""
    from ivrd.cli.timeline import parse_press, render
    from ivrd.config.simulate.schemas import SimulationRequest
    from ivrd.config.simulate.service import run_simulation

    try:
        script = parse_press(press)
        if hangup_at is not None:
            spent = sum(item.get("after_ms", 0) for item in script)
            script.append({"after_ms": max(0, int(hangup_at * 1000) - spent), "hangup": True})
        outcomes = dict(item.split("=", 1) for item in transfer)
        request = SimulationRequest.model_validate(
            {
                "caller_id_number": caller,
                "called_did": did,
                "at": at,
                "script": script,
                "transfers": outcomes,
            }
        )
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    db = _database(load_settings())
    try:
        answer = _on_extension(
            extension, client, lambda p, ref: run_simulation(db, p, ref, request), admin=True
        )
    finally:
        db.dispose()
    if as_json:
        _print_json(answer.model_dump())
    else:
        render(answer.model_dump())


def _on_extension(
    extension: str, client: int, action: Callable[[Any, str], T], admin: bool = False
) -> T:
    """``action(principal, ref)`` as a user of the client (or ``admin``, who may address any
    client's extension by id) on the extension given by short number (``071``, ``@071``) or
    by id; exits 2 with the message on failure."""
    from ivrd.config.auth.principal import Principal

    principal = Principal(
        user_id=0, login="cli", client_id=client, admin=admin, access="all", application_id=0
    )
    refs = [extension] if extension.startswith("@") else [f"@{extension}", extension]
    for attempt, ref in enumerate(refs, 1):
        try:
            return action(principal, ref)
        except NotFound as exc:
            if attempt == len(refs):
                _fail(exc)
        except IvrdError as exc:
            _fail(exc)
    raise AssertionError("unreachable: the last attempt returns or exits")


@app.command("export")
def export_menu(
    extension: Annotated[str, typer.Argument(help="IVR extension id or short number")],
    client: Annotated[int, typer.Option(help="client id")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="file to write")] = None,
) -> None:
    """Print (or write to a file) the IVR's whole menu as one JSON document."""
    from ivrd.config.menufile.service import export_ivr

    db = _database(load_settings())
    try:
        document = _on_extension(extension, client, lambda p, ref: export_ivr(db, p, ref))
    finally:
        db.dispose()
    text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


@app.command("import")
def import_menu(
    extension: Annotated[str, typer.Argument(help="IVR extension id or short number")],
    file: Annotated[Path, typer.Argument(help="a document written by ivrd export")],
    client: Annotated[int, typer.Option(help="client id")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="only show what would change")] = False,
) -> None:
    """Replace the IVR's whole menu by the document (all or nothing); prints the changes."""
    from ivrd.config.menufile.service import import_ivr

    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        typer.echo(json.dumps({"message": f"{file}: {exc}"}, ensure_ascii=False), err=True)
        raise typer.Exit(2) from None
    db = _database(load_settings())
    try:
        result = _on_extension(
            extension, client, lambda p, ref: import_ivr(db, p, ref, document, dry_run)
        )
    finally:
        db.dispose()
    _print_json(result.model_dump())


def _register_menu_tools() -> None:
    from ivrd.cli import checks

    checks.register(app)


_register_menu_tools()


def main() -> None:
    app()
