"""Shared FastAPI dependencies as ``Annotated`` aliases (``DbDep``, ``PrincipalDep``...)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ivrd.config.auth import service as auth
from ivrd.config.auth.principal import Principal
from ivrd.db.session import Database
from ivrd.errors import Forbidden, Unauthorized
from ivrd.settings import Settings
from ivrd.timeutil import utcnow


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


DbDep = Annotated[Database, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def bearer_token(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Authorization: Bearer <access_token> header required")
    return token.strip()


def get_principal(request: Request, db: DbDep) -> Principal:
    return auth.principal_for_token(db, bearer_token(request), utcnow())


def get_configurer(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
    """The caller, who must hold the ``All`` access level (configuration changes)."""
    if not principal.may_configure:
        raise Forbidden(
            "This application's access level (Call API) does not allow configuration changes"
        )
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]
ConfigurerDep = Annotated[Principal, Depends(get_configurer)]
