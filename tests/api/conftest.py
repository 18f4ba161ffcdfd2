"""Real HTTP against the running app: a uvicorn server on loopback, on a real database.

The database is SQLite in a temporary directory, or — with ``IVRD_TEST_DATABASE_URL`` set to a
PostgreSQL URL — a fresh database created on that server for this run and dropped after.
Every test gets its own tenant, so tests never see each other's data.
"""

from __future__ import annotations

import secrets
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ivrd.api.app import create_app
from ivrd.config.clients import service as clients
from ivrd.db import migrate
from ivrd.db.session import Database
from ivrd.settings import load_settings


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/tests/api/" in str(item.path):
            item.add_marker(pytest.mark.db)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import os

    url = os.environ.get("IVRD_TEST_DATABASE_URL")
    if not url or url.startswith("sqlite"):
        yield url or f"sqlite:///{tmp_path_factory.mktemp('db') / 'ivrd.sqlite3'}"
        return
    admin_engine = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"ivrd_test_{secrets.token_hex(4)}"
    with admin_engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(url).set(database=name).render_as_string(hide_password=False)
    with admin_engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin_engine.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    base_url: str
    db: Database
    data_dir: Path
    open_clients: list[httpx.Client] = field(default_factory=list)

    def http(self, token: str | None = None) -> httpx.Client:
        """An HTTP client closed at the end of the test that made it."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        client = httpx.Client(base_url=self.base_url, headers=headers, timeout=30)
        self.open_clients.append(client)
        return client

    def close_clients(self) -> None:
        while self.open_clients:
            self.open_clients.pop().close()


@pytest.fixture(scope="session")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("data")
    settings = load_settings({"IVRD_DATA_DIR": str(data_dir), "IVRD_DATABASE_URL": database_url})
    db = Database(database_url)
    migrate.upgrade(db)
    port = _free_port()
    config = uvicorn.Config(
        create_app(settings, db),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="off",
    )
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield Server(f"http://127.0.0.1:{port}", db, data_dir)
    uv.should_exit = True
    thread.join(10)
    db.dispose()


@dataclass
class Tenant:
    """A client with a user and a trusted application, and an HTTP client holding a token."""

    server: Server
    client_id: int
    login: str
    password: str
    app_id: str
    app_secret: str
    token: str
    http: httpx.Client
    extra: dict[str, Any] = field(default_factory=dict)

    def new_app(self, app_type: str = "trusted", access: str = "all", **kw: Any) -> dict[str, Any]:
        return clients.create_app(self.server.db, self.client_id, app_type, access, **kw)

    def token_for(self, app: dict[str, Any]) -> str:
        answer = self.server.http().post(
            "/oauth/token", data={"grant_type": "client_credentials", **app}
        )
        assert answer.status_code == 200, answer.text
        return str(answer.json()["access_token"])


def make_tenant(server: Server, admin: bool = False, prefix: str = "000") -> Tenant:
    suffix = secrets.token_hex(4)
    client = clients.create_client(server.db, f"tenant-{suffix}", prefix=prefix, domain="ivrd.test")
    login, password = f"user-{suffix}", secrets.token_hex(8)
    clients.create_user(server.db, client["id"], login, password, admin=admin)
    app = clients.create_app(server.db, client["id"], "trusted", "all")
    answer = server.http().post("/oauth/token", data={"grant_type": "client_credentials", **app})
    assert answer.status_code == 200, answer.text
    token = answer.json()["access_token"]
    return Tenant(
        server,
        client["id"],
        login,
        password,
        app["client_id"],
        app["client_secret"],
        token,
        server.http(token),
    )


@pytest.fixture(autouse=True)
def _close_http_clients(server: Server) -> Iterator[None]:
    yield
    server.close_clients()


@pytest.fixture
def tenant(server: Server) -> Tenant:
    return make_tenant(server)


@pytest.fixture
def other_tenant(server: Server) -> Tenant:
    return make_tenant(server)
