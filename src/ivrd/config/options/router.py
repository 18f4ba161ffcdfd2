"""Option routes: ``.../context/{context_id}/options`` and ``.../options/{option_digits}``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ivrd.api.deps import ConfigurerDep, DbDep, PrincipalDep
from ivrd.config.options import service
from ivrd.config.options.schemas import OptionCreate, OptionRead


def list_options(
    extension_id: str, context_id: int, db: DbDep, principal: PrincipalDep
) -> list[OptionRead]:
    return service.list_options(db, principal, extension_id, context_id)


def create_option(
    extension_id: str, context_id: int, body: OptionCreate, db: DbDep, principal: ConfigurerDep
) -> OptionRead:
    return service.create_option(db, principal, extension_id, context_id, body)


def delete_option(
    extension_id: str, context_id: int, option_digits: str, db: DbDep, principal: ConfigurerDep
) -> OptionRead:
    return service.delete_option(db, principal, extension_id, context_id, option_digits)


def register(router: APIRouter, base: str, visible: bool) -> None:
    one: dict[str, Any] = {"response_model": OptionRead, "include_in_schema": visible}
    router.add_api_route(
        base,
        list_options,
        methods=["GET"],
        response_model=list[OptionRead],
        include_in_schema=visible,
    )
    router.add_api_route(base, create_option, methods=["POST"], **one)
    router.add_api_route(base + "/{option_digits}", delete_option, methods=["DELETE"], **one)
