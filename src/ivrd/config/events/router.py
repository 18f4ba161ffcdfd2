"""``/extension/{extension_id}/event/`` routes (the collection may be deleted whole)."""

from __future__ import annotations

from fastapi import APIRouter

from ivrd.api.deps import DbDep, PrincipalDep
from ivrd.config.events import service
from ivrd.config.events.schemas import EventRead, EventUpdate, EventWrite

router = APIRouter(tags=["event"])
COLLECTION = "/extension/{extension_id}/event"
ITEM = COLLECTION + "/{event_id}"


@router.get(COLLECTION, response_model=list[EventRead])
def list_events(extension_id: str, db: DbDep, principal: PrincipalDep) -> list[EventRead]:
    return service.list_events(db, principal, extension_id)


@router.post(COLLECTION, response_model=EventRead)
def create_event(
    extension_id: str, body: EventWrite, db: DbDep, principal: PrincipalDep
) -> EventRead:
    return service.create_event(db, principal, extension_id, body)


@router.delete(COLLECTION, response_model=list[EventRead])
def delete_events(extension_id: str, db: DbDep, principal: PrincipalDep) -> list[EventRead]:
    return service.delete_all(db, principal, extension_id)


@router.get(ITEM, response_model=EventRead)
def get_event(extension_id: str, event_id: str, db: DbDep, principal: PrincipalDep) -> EventRead:
    return service.get_event(db, principal, extension_id, event_id)


@router.put(ITEM, response_model=EventRead)
def update_event(
    extension_id: str, event_id: str, body: EventUpdate, db: DbDep, principal: PrincipalDep
) -> EventRead:
    return service.update_event(db, principal, extension_id, event_id, body)


@router.delete(ITEM, response_model=EventRead)
def delete_event(extension_id: str, event_id: str, db: DbDep, principal: PrincipalDep) -> EventRead:
    return service.delete_event(db, principal, extension_id, event_id)
