"""``/client/{client_id}/interval/`` routes."""

from __future__ import annotations

from fastapi import APIRouter

from ivrd.api.deps import ConfigurerDep, DbDep, PrincipalDep
from ivrd.config.intervals import service
from ivrd.config.intervals.schemas import IntervalRead, IntervalUpdate, IntervalWrite
from ivrd.config.paging import PageDep

router = APIRouter(tags=["interval"])
ITEM = "/client/{client_id}/interval/{interval_id}"


@router.get("/client/{client_id}/interval", response_model=list[IntervalRead])
def list_intervals(
    client_id: str, db: DbDep, principal: PrincipalDep, page: PageDep
) -> list[IntervalRead]:
    return service.list_intervals(db, principal, client_id, page)


@router.post("/client/{client_id}/interval", response_model=IntervalRead)
def create_interval(
    client_id: str, body: IntervalWrite, db: DbDep, principal: ConfigurerDep
) -> IntervalRead:
    return service.create_interval(db, principal, client_id, body)


@router.get(ITEM, response_model=IntervalRead)
def get_interval(
    client_id: str, interval_id: str, db: DbDep, principal: PrincipalDep
) -> IntervalRead:
    return service.get_interval(db, principal, client_id, interval_id)


@router.put(ITEM, response_model=IntervalRead)
def update_interval(
    client_id: str, interval_id: str, body: IntervalUpdate, db: DbDep, principal: ConfigurerDep
) -> IntervalRead:
    return service.update_interval(db, principal, client_id, interval_id, body)


@router.delete(ITEM, response_model=IntervalRead)
def delete_interval(
    client_id: str, interval_id: str, db: DbDep, principal: ConfigurerDep
) -> IntervalRead:
    return service.delete_interval(db, principal, client_id, interval_id)
