"""Context routes: ``.../ivr/context`` and ``.../ivr/context/{context_id}``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ivrd.api.deps import ConfigurerDep, DbDep, PrincipalDep
from ivrd.config.contexts import service
from ivrd.config.contexts.schemas import ContextCreate, ContextRead, ContextUpdate


def list_contexts(extension_id: str, db: DbDep, principal: PrincipalDep) -> list[ContextRead]:
    return service.list_contexts(db, principal, extension_id)


def create_context(
    extension_id: str, body: ContextCreate, db: DbDep, principal: ConfigurerDep
) -> ContextRead:
    return service.create_context(db, principal, extension_id, body)


def get_context(
    extension_id: str, context_id: int, db: DbDep, principal: PrincipalDep
) -> ContextRead:
    return service.get_context(db, principal, extension_id, context_id)


def update_context(
    extension_id: str, context_id: int, body: ContextUpdate, db: DbDep, principal: ConfigurerDep
) -> ContextRead:
    return service.update_context(db, principal, extension_id, context_id, body)


def delete_context(
    extension_id: str, context_id: int, db: DbDep, principal: ConfigurerDep
) -> ContextRead:
    return service.delete_context(db, principal, extension_id, context_id)


def register(router: APIRouter, base: str, visible: bool) -> None:
    item = base + "/{context_id}"
    many: dict[str, Any] = {"response_model": list[ContextRead], "include_in_schema": visible}
    one: dict[str, Any] = {"response_model": ContextRead, "include_in_schema": visible}
    router.add_api_route(base, list_contexts, methods=["GET"], **many)
    router.add_api_route(base, create_context, methods=["POST"], **one)
    router.add_api_route(item, get_context, methods=["GET"], **one)
    router.add_api_route(item, update_context, methods=["PUT"], **one)
    router.add_api_route(item, delete_context, methods=["DELETE"], **one)
