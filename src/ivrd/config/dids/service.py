"""DIDs: a public number belongs to one client and routes to one of its extensions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivrd.config.auth.principal import Principal
from ivrd.config.dids.schemas import DidCreate, DidRead, DidUpdate
from ivrd.config.paging import Page
from ivrd.config.tenancy import client_for
from ivrd.config.types import parse_id
from ivrd.db.models import Client, Did, Extension
from ivrd.db.session import Database
from ivrd.errors import BadRequest, Conflict, NotFound
from ivrd.timeutil import format_api_datetime


def _read(did: Did, client: Client) -> DidRead:
    return DidRead(
        id=did.id,
        name=did.name,
        domain=client.domain,
        client_id=did.client_id,
        extension_id=did.extension_id,
        create_date=format_api_datetime(did.create_date) or "",
    )


def _check_extension(session: Session, client: Client, extension_id: int | None) -> None:
    if extension_id is None:
        return
    extension = session.get(Extension, extension_id)
    if extension is None or extension.client_id != client.id:
        raise BadRequest(f"extension_id: extension {extension_id} not found")


def _did(session: Session, client: Client, did_id: str) -> Did:
    row_id = parse_id(did_id)
    did = session.get(Did, row_id) if row_id else None
    if did is None or did.client_id != client.id:
        raise NotFound()
    return did


def list_dids(db: Database, principal: Principal, client_ref: str, page: Page) -> list[DidRead]:
    with db.read() as session:
        client = client_for(session, principal, client_ref)
        query = select(Did).where(Did.client_id == client.id).order_by(Did.id)
        return [_read(d, client) for d in session.scalars(page.apply(query))]


def create_did(db: Database, principal: Principal, client_ref: str, body: DidCreate) -> DidRead:
    with db.write() as session:
        client = client_for(session, principal, client_ref)
        if session.scalar(select(Did.id).where(Did.name == body.name)) is not None:
            raise Conflict(f"name: the number {body.name} is already in use")
        _check_extension(session, client, body.extension_id)
        did = Did(client_id=client.id, name=body.name, extension_id=body.extension_id)
        session.add(did)
        session.flush()
        return _read(did, client)


def get_did(db: Database, principal: Principal, client_ref: str, did_id: str) -> DidRead:
    with db.read() as session:
        client = client_for(session, principal, client_ref)
        return _read(_did(session, client, did_id), client)


def update_did(
    db: Database, principal: Principal, client_ref: str, did_id: str, body: DidUpdate
) -> DidRead:
    with db.write() as session:
        client = client_for(session, principal, client_ref)
        did = _did(session, client, did_id)
        if "extension_id" in body.model_fields_set:
            _check_extension(session, client, body.extension_id)
            did.extension_id = body.extension_id
        session.flush()
        return _read(did, client)


def delete_did(db: Database, principal: Principal, client_ref: str, did_id: str) -> DidRead:
    with db.write() as session:
        client = client_for(session, principal, client_ref)
        did = _did(session, client, did_id)
        answer = _read(did, client)
        session.delete(did)
        return answer
