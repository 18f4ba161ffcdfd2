"""``/client/{client_id}/did/`` routes."""

from __future__ import annotations

from fastapi import APIRouter

from ivrd.api.deps import ConfigurerDep, DbDep, PrincipalDep
from ivrd.config.dids import service
from ivrd.config.dids.schemas import DidCreate, DidRead, DidUpdate
from ivrd.config.paging import PageDep

router = APIRouter(tags=["did"])
ITEM = "/client/{client_id}/did/{did_id}"


@router.get("/client/{client_id}/did", response_model=list[DidRead])
def list_dids(client_id: str, db: DbDep, principal: PrincipalDep, page: PageDep) -> list[DidRead]:
    return service.list_dids(db, principal, client_id, page)


@router.post("/client/{client_id}/did", response_model=DidRead)
def create_did(client_id: str, body: DidCreate, db: DbDep, principal: ConfigurerDep) -> DidRead:
    return service.create_did(db, principal, client_id, body)


@router.get(ITEM, response_model=DidRead)
def get_did(client_id: str, did_id: str, db: DbDep, principal: PrincipalDep) -> DidRead:
    return service.get_did(db, principal, client_id, did_id)


@router.put(ITEM, response_model=DidRead)
def update_did(
    client_id: str, did_id: str, body: DidUpdate, db: DbDep, principal: ConfigurerDep
) -> DidRead:
    return service.update_did(db, principal, client_id, did_id, body)


@router.delete(ITEM, response_model=DidRead)
def delete_did(client_id: str, did_id: str, db: DbDep, principal: ConfigurerDep) -> DidRead:
    return service.delete_did(db, principal, client_id, did_id)
