"""``GET /api/ver1.0/user``: the current user, whose ``client_id`` clients then address."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from ivrd.api.deps import DbDep, PrincipalDep
from ivrd.db.models import Client, User
from ivrd.errors import NotFound

router = APIRouter(tags=["user"])


class UserRead(BaseModel):
    id: int
    login: str
    client_id: int
    dealer_id: int | None
    admin: bool
    access: str
    extension_id: int | None
    extension_group_id: int | None
    timezone: str | None


@router.get("/user", response_model=UserRead, summary="The current user")
def current_user(db: DbDep, principal: PrincipalDep) -> UserRead:
    with db.read() as session:
        user = session.get(User, principal.user_id)
        client = session.get(Client, principal.client_id)
        if user is None or client is None:
            raise NotFound()
        return UserRead(
            id=user.id,
            login=user.login,
            client_id=user.client_id,
            dealer_id=client.dealer_id,
            admin=user.admin,
            access=principal.access,
            extension_id=user.extension_id,
            extension_group_id=user.extension_group_id,
            timezone=user.timezone or client.timezone,
        )
