"""``POST /extension/{extension_id}/callback/`` (a call operation: Call API tokens may)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from ivrd.api.deps import DbDep, PrincipalDep
from ivrd.config.callback import service
from ivrd.config.callback.schemas import CallbackCreate, CallbackStarted

router = APIRouter(tags=["callback"])


@router.post("/extension/{extension_id}/callback", response_model=CallbackStarted)
def start_callback(
    extension_id: str, body: CallbackCreate, db: DbDep, principal: PrincipalDep, request: Request
) -> CallbackStarted:
    dialer = getattr(request.app.state, "dialer", None)
    return service.start_callback(db, principal, extension_id, body, dialer)
