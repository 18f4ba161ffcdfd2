"""Extension routes: ``/client/{client_id}/extension/`` and ``/extension/{id}/phone/``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ivrd.api.deps import ConfigurerDep, DbDep, PrincipalDep
from ivrd.config.extensions import service
from ivrd.config.extensions.schemas import (
    ExtensionCreate,
    ExtensionRead,
    ExtensionType,
    ExtensionUpdate,
    PhoneSettingsRead,
    PhoneSettingsUpdate,
)
from ivrd.config.paging import PageDep

router = APIRouter(tags=["extension"])
ITEM = "/client/{client_id}/extension/{extension_id}"


@router.get("/client/{client_id}/extension", response_model=list[ExtensionRead])
def list_extensions(
    client_id: str,
    db: DbDep,
    principal: PrincipalDep,
    page: PageDep,
    type: Annotated[ExtensionType | None, Query()] = None,
) -> list[ExtensionRead]:
    return service.list_extensions(db, principal, client_id, type, page)


@router.post("/client/{client_id}/extension", response_model=ExtensionRead)
def create_extension(
    client_id: str, body: ExtensionCreate, db: DbDep, principal: ConfigurerDep
) -> ExtensionRead:
    return service.create_extension(db, principal, client_id, body)


@router.get(ITEM, response_model=ExtensionRead)
def get_extension(
    client_id: str, extension_id: str, db: DbDep, principal: PrincipalDep
) -> ExtensionRead:
    return service.get_extension(db, principal, client_id, extension_id)


@router.put(ITEM, response_model=ExtensionRead)
def update_extension(
    client_id: str, extension_id: str, body: ExtensionUpdate, db: DbDep, principal: ConfigurerDep
) -> ExtensionRead:
    return service.update_extension(db, principal, client_id, extension_id, body)


@router.delete(ITEM, response_model=ExtensionRead)
def delete_extension(
    client_id: str, extension_id: str, db: DbDep, principal: ConfigurerDep
) -> ExtensionRead:
    return service.delete_extension(db, principal, client_id, extension_id)


@router.get("/extension/{extension_id}/phone", response_model=PhoneSettingsRead)
def get_phone(extension_id: str, db: DbDep, principal: PrincipalDep) -> PhoneSettingsRead:
    return service.get_phone(db, principal, extension_id)


@router.put("/extension/{extension_id}/phone", response_model=PhoneSettingsRead)
def update_phone(
    extension_id: str, body: PhoneSettingsUpdate, db: DbDep, principal: ConfigurerDep
) -> PhoneSettingsRead:
    return service.update_phone(db, principal, extension_id, body)
