"""Extensions: naming (``<prefix>*<short>``), defaults, type-specific settings.

Creating an ``ivr`` extension creates its IVR settings with the defaults the seed's worked
example answers (lifetime 1800, hangup, voicemail off); a ``phone`` gets phone settings.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ivrd.config.auth.principal import Principal
from ivrd.config.extensions.schemas import (
    ExtensionCreate,
    ExtensionRead,
    ExtensionUpdate,
    PhoneSettingsRead,
    PhoneSettingsUpdate,
)
from ivrd.config.paging import Page
from ivrd.config.tenancy import client_for, extension_for
from ivrd.db.models import Client, Extension, Ivr, PhoneSettings
from ivrd.db.session import Database
from ivrd.errors import BadRequest, Conflict, NotFound
from ivrd.timeutil import format_api_datetime

UPDATABLE = (
    "label",
    "status",
    "extension_group_id",
    "caller_id_name",
    "dial_rule_id",
    "dial_rule_limit",
    "message_did",
    "extra_params",
    "ani_rfc3325",
    "did_as_transfer_caller_id",
)


def short_name_of(client: Client, name: str) -> str:
    """``071`` or ``000*071`` → ``071``, checked against the client's prefix and length."""
    prefix, star, short = name.strip().rpartition("*")
    if star and prefix != client.prefix:
        raise BadRequest(f"name: prefix {prefix!r} is not this client's prefix {client.prefix!r}")
    if not short.isdigit() or not short.isascii():
        raise BadRequest("name: the short number must be digits")
    if len(short) != client.short_number_len:
        raise BadRequest(
            f"name: short numbers of this client have {client.short_number_len} digits"
        )
    return short


def to_read(extension: Extension, client: Client) -> ExtensionRead:
    return ExtensionRead(
        id=extension.id,
        client_id=extension.client_id,
        name=extension.name,
        type=extension.type,
        status=extension.status,
        label=extension.label,
        domain=client.domain,
        create_date=format_api_datetime(extension.create_date) or "",
        extension_group_id=extension.extension_group_id,
        caller_id_name=extension.caller_id_name,
        dial_rule_id=extension.dial_rule_id,
        dial_rule_limit=extension.dial_rule_limit,
        message_did=extension.message_did,
        extra_params=extension.extra_params,
        ani_rfc3325=extension.ani_rfc3325,
        did_as_transfer_caller_id=extension.did_as_transfer_caller_id,
    )


def list_extensions(
    db: Database, principal: Principal, client_ref: str, type_: str | None, page: Page
) -> list[ExtensionRead]:
    with db.read() as session:
        client = client_for(session, principal, client_ref)
        query = select(Extension).where(Extension.client_id == client.id).order_by(Extension.id)
        if type_:
            query = query.where(Extension.type == type_)
        return [to_read(e, client) for e in session.scalars(page.apply(query))]


def _set_fields(extension: Extension, fields: dict[str, Any]) -> None:
    for key in UPDATABLE:
        if key in fields and (fields[key] is not None or key not in ("status", "ani_rfc3325")):
            setattr(extension, key, fields[key])


def create_extension(
    db: Database, principal: Principal, client_ref: str, body: ExtensionCreate
) -> ExtensionRead:
    with db.write() as session:
        client = client_for(session, principal, client_ref)
        short = short_name_of(client, body.name)
        taken = select(Extension.id).where(
            Extension.client_id == client.id, Extension.short_name == short
        )
        if session.scalar(taken) is not None:
            raise Conflict(f"name: extension {client.prefix}*{short} already exists")
        extension = Extension(
            client_id=client.id,
            short_name=short,
            type=body.type,
            name=f"{client.prefix}*{short}",
            status="blocked",
            ani_rfc3325=False,
        )
        _set_fields(extension, body.model_dump(exclude_unset=True))
        session.add(extension)
        session.flush()
        if body.type == "ivr":
            session.add(Ivr(extension_id=extension.id))
        elif body.type == "phone":
            session.add(PhoneSettings(extension_id=extension.id))
        session.flush()
        return to_read(extension, client)


def _owned(
    session: Any, principal: Principal, client_ref: str, extension_ref: str
) -> tuple[Extension, Client]:
    client = client_for(session, principal, client_ref)
    extension = extension_for(session, principal, extension_ref)
    if extension.client_id != client.id:
        raise NotFound()
    return extension, client


def get_extension(
    db: Database, principal: Principal, client_ref: str, extension_ref: str
) -> ExtensionRead:
    with db.read() as session:
        return to_read(*_owned(session, principal, client_ref, extension_ref))


def update_extension(
    db: Database, principal: Principal, client_ref: str, extension_ref: str, body: ExtensionUpdate
) -> ExtensionRead:
    with db.write() as session:
        extension, client = _owned(session, principal, client_ref, extension_ref)
        if body.name is not None and short_name_of(client, body.name) != extension.short_name:
            raise BadRequest("name: an extension cannot be renamed")
        if body.type is not None and body.type != extension.type:
            raise BadRequest("type: the type of an extension cannot be changed")
        _set_fields(extension, body.model_dump(exclude_unset=True))
        session.flush()
        return to_read(extension, client)


def delete_extension(
    db: Database, principal: Principal, client_ref: str, extension_ref: str
) -> ExtensionRead:
    """Deletes the extension with its IVR configuration or phone settings."""
    with db.write() as session:
        extension, client = _owned(session, principal, client_ref, extension_ref)
        answer = to_read(extension, client)
        session.delete(extension)
        return answer


def _phone(session: Any, principal: Principal, extension_ref: str) -> PhoneSettings:
    extension = extension_for(session, principal, extension_ref)
    if extension.type != "phone":
        raise NotFound(f"extension {extension.name} is not a phone")
    settings = extension.phone
    if settings is None:
        settings = PhoneSettings(extension_id=extension.id)
        session.add(settings)
        session.flush()
    return settings


def _phone_read(settings: PhoneSettings) -> PhoneSettingsRead:
    return PhoneSettingsRead(
        extension_id=settings.extension_id,
        password=settings.password,
        allow_webrtc=settings.allow_webrtc,
        record_enabled=settings.record_enabled,
        record_transfer=settings.record_transfer,
    )


def get_phone(db: Database, principal: Principal, extension_ref: str) -> PhoneSettingsRead:
    with db.write() as session:
        return _phone_read(_phone(session, principal, extension_ref))


def update_phone(
    db: Database, principal: Principal, extension_ref: str, body: PhoneSettingsUpdate
) -> PhoneSettingsRead:
    with db.write() as session:
        settings = _phone(session, principal, extension_ref)
        for key, value in body.model_dump(exclude_unset=True).items():
            if value is not None:
                setattr(settings, key, value)
        session.flush()
        return _phone_read(settings)
