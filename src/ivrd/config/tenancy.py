"""Resolving ``{client_id}`` and ``{extension_id}`` path parts against the caller.

A client sees only its own data: another client's id answers 404 exactly as a missing one,
so ids leak nothing. Administrators may address any client by id.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivrd.config.auth.principal import Principal
from ivrd.config.types import parse_id
from ivrd.db.models import Client, Extension
from ivrd.errors import NotFound


def client_for(session: Session, principal: Principal, ref: str) -> Client:
    """``@me`` or a numeric id, visible to the caller; else 404."""
    if ref == "@me":
        client_id = principal.client_id
    else:
        client_id = parse_id(ref) or 0
        if not client_id:
            raise NotFound()
    if client_id != principal.client_id and not principal.admin:
        raise NotFound()
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound()
    return client


def extension_for(session: Session, principal: Principal, ref: str) -> Extension:
    """A numeric id or ``@<short name>`` (of the caller's client), visible to the caller."""
    if ref.startswith("@") and len(ref) > 1:
        name = ref[1:]
        short = name.split("*", 1)[1] if "*" in name else name
        extension = session.scalar(
            select(Extension).where(
                Extension.client_id == principal.client_id, Extension.short_name == short
            )
        )
    else:
        extension_id = parse_id(ref)
        extension = session.get(Extension, extension_id) if extension_id else None
    if extension is None or (extension.client_id != principal.client_id and not principal.admin):
        raise NotFound()
    return extension
