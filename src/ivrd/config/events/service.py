"""Call events of an extension. Call API tokens may manage them (the provider's access
levels allow it), so these services take any principal."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ivrd.config.auth.principal import Principal
from ivrd.config.events.schemas import EventRead, EventUpdate, EventWrite
from ivrd.config.tenancy import extension_for
from ivrd.config.types import parse_id
from ivrd.db.models import CallEvent
from ivrd.db.session import Database
from ivrd.errors import NotFound


def _read(event: CallEvent) -> EventRead:
    return EventRead(id=event.id, url=event.url, method=event.method, event_type=event.event_type)


def _event(session: Session, extension_id: int, event_id: str) -> CallEvent:
    row_id = parse_id(event_id)
    event = session.get(CallEvent, row_id) if row_id else None
    if event is None or event.extension_id != extension_id:
        raise NotFound()
    return event


def list_events(db: Database, principal: Principal, extension_ref: str) -> list[EventRead]:
    with db.read() as session:
        extension = extension_for(session, principal, extension_ref)
        query = select(CallEvent).where(CallEvent.extension_id == extension.id)
        return [_read(e) for e in session.scalars(query.order_by(CallEvent.id))]


def create_event(
    db: Database, principal: Principal, extension_ref: str, body: EventWrite
) -> EventRead:
    with db.write() as session:
        extension = extension_for(session, principal, extension_ref)
        event = CallEvent(extension_id=extension.id, **body.model_dump())
        session.add(event)
        session.flush()
        return _read(event)


def delete_all(db: Database, principal: Principal, extension_ref: str) -> list[EventRead]:
    with db.write() as session:
        extension = extension_for(session, principal, extension_ref)
        query = select(CallEvent).where(CallEvent.extension_id == extension.id)
        deleted = [_read(e) for e in session.scalars(query.order_by(CallEvent.id))]
        session.execute(delete(CallEvent).where(CallEvent.extension_id == extension.id))
        return deleted


def get_event(db: Database, principal: Principal, extension_ref: str, event_id: str) -> EventRead:
    with db.read() as session:
        extension = extension_for(session, principal, extension_ref)
        return _read(_event(session, extension.id, event_id))


def update_event(
    db: Database, principal: Principal, extension_ref: str, event_id: str, body: EventUpdate
) -> EventRead:
    with db.write() as session:
        extension = extension_for(session, principal, extension_ref)
        event = _event(session, extension.id, event_id)
        for key, value in body.model_dump(exclude_unset=True).items():
            if value is not None:
                setattr(event, key, value)
        session.flush()
        return _read(event)


def delete_event(
    db: Database, principal: Principal, extension_ref: str, event_id: str
) -> EventRead:
    with db.write() as session:
        extension = extension_for(session, principal, extension_ref)
        event = _event(session, extension.id, event_id)
        answer = _read(event)
        session.delete(event)
        return answer


def hooks_for(session: Session, extension_id: int) -> list[tuple[str, str, str]]:
    """(event_type, method, url) of an extension, for the node at call start."""
    rows = session.execute(
        select(CallEvent.event_type, CallEvent.method, CallEvent.url).where(
            CallEvent.extension_id == extension_id
        )
    )
    return [(t, m, u) for t, m, u in rows]
