"""Administration of clients, users and applications (the ``ivrd admin`` commands and the
first-start demo tenant). Answers are plain dicts so the CLI can print them as JSON."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from ivrd.config.auth.principal import ACCESS_ALL, ACCESS_LEVELS
from ivrd.config.auth.secrets import hash_password, random_alphanumeric, token_hash
from ivrd.config.auth.service import GRANT_OF_TYPE, revoke_tokens
from ivrd.db.models import Application, Client, User
from ivrd.db.session import Database
from ivrd.errors import BadRequest, Conflict, NotFound

PREFIX = re.compile(r"^[0-9]{1,10}$")
APP_TYPES = tuple(GRANT_OF_TYPE)


def create_client(
    db: Database,
    name: str,
    prefix: str = "000",
    short_number_len: int = 3,
    domain: str | None = None,
) -> dict[str, Any]:
    if not name.strip():
        raise BadRequest("name: must not be empty")
    if not PREFIX.match(prefix):
        raise BadRequest("prefix: digits only, 1 to 10 of them")
    if not 1 <= short_number_len <= 10:
        raise BadRequest("short_number_len: between 1 and 10")
    with db.write() as session:
        client = Client(name=name, prefix=prefix, short_number_len=short_number_len, domain=domain)
        session.add(client)
        session.flush()
        return {"id": client.id, "name": client.name, "prefix": client.prefix}


def create_user(
    db: Database,
    client_id: int,
    login: str,
    password: str,
    admin: bool = False,
    access: str = ACCESS_ALL,
) -> dict[str, Any]:
    if access not in ACCESS_LEVELS:
        raise BadRequest(f"access: one of {', '.join(ACCESS_LEVELS)}")
    if not login or not password:
        raise BadRequest("login and password must not be empty")
    with db.write() as session:
        if session.get(Client, client_id) is None:
            raise NotFound(f"client {client_id} not found")
        if session.scalar(select(User.id).where(User.login == login)) is not None:
            raise Conflict(f"login: {login!r} is taken")
        user = User(
            client_id=client_id,
            login=login,
            password_hash=hash_password(password),
            admin=admin,
            access=access,
        )
        session.add(user)
        session.flush()
        return {
            "id": user.id,
            "login": login,
            "client_id": client_id,
            "admin": admin,
            "access": access,
        }


def create_app(
    db: Database,
    client_id: int,
    app_type: str,
    access: str,
    redirect_uri: str | None = None,
    user_login: str | None = None,
    name: str = "",
) -> dict[str, Any]:
    """Register an application; its tokens act as ``user_login`` (default: the client's
    first user)."""
    if app_type not in APP_TYPES:
        raise BadRequest(f"type: one of {', '.join(APP_TYPES)}")
    if access not in ACCESS_LEVELS:
        raise BadRequest(f"access: one of {', '.join(ACCESS_LEVELS)}")
    if app_type == "public" and not redirect_uri:
        raise BadRequest("redirect_uri: required for a public application")
    with db.write() as session:
        query = select(User).where(User.client_id == client_id)
        if user_login:
            query = query.where(User.login == user_login)
        user = session.scalars(query.order_by(User.id)).first()
        if user is None:
            raise NotFound(
                f"client {client_id} has no such user: create one with "
                "`ivrd admin create-user` first"
            )
        app_id, secret = random_alphanumeric(32).lower(), random_alphanumeric(40)
        session.add(
            Application(
                client_id=client_id,
                user_id=user.id,
                app_id=app_id,
                secret_hash=token_hash(secret),
                type=app_type,
                access=access,
                redirect_uri=redirect_uri,
                name=name,
            )
        )
        return {"client_id": app_id, "client_secret": secret}


def set_app_blocked(db: Database, app_id: str, blocked: bool) -> None:
    with db.write() as session:
        app = session.scalar(select(Application).where(Application.app_id == app_id))
        if app is None:
            raise NotFound(f"application {app_id} not found")
        app.blocked = blocked
        if blocked:
            revoke_tokens(session, app.id)


def delete_app(db: Database, app_id: str) -> None:
    with db.write() as session:
        app = session.scalar(select(Application).where(Application.app_id == app_id))
        if app is None:
            raise NotFound(f"application {app_id} not found")
        revoke_tokens(session, app.id)
        session.delete(app)


def is_empty(db: Database) -> bool:
    with db.read() as session:
        return session.scalar(select(Client.id).limit(1)) is None
