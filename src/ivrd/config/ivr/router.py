"""Routes of the voice menu, registered under ``/extension/{extension_id}/ivr`` and again
under the seed's legacy ``/ivr/{extension_id}`` (step 10 posts there), which is kept out of
the OpenAPI schema so that every operation is documented once."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ivrd.api.deps import ConfigurerDep, DbDep, PrincipalDep
from ivrd.config.contexts.router import register as register_contexts
from ivrd.config.ivr import service
from ivrd.config.ivr.schemas import IvrRead, IvrUpdate
from ivrd.config.options.router import register as register_options
from ivrd.config.rules.router import register as register_rules

BASES = (("/extension/{extension_id}/ivr", True), ("/ivr/{extension_id}", False))


def get_ivr(extension_id: str, db: DbDep, principal: PrincipalDep) -> IvrRead:
    return service.get_ivr(db, principal, extension_id)


def update_ivr(extension_id: str, body: IvrUpdate, db: DbDep, principal: ConfigurerDep) -> IvrRead:
    return service.update_ivr(db, principal, extension_id, body)


def register(router: APIRouter, base: str, visible: bool) -> None:
    options: dict[str, Any] = {"response_model": IvrRead, "include_in_schema": visible}
    router.add_api_route(base, get_ivr, methods=["GET"], **options)
    router.add_api_route(base, update_ivr, methods=["PUT"], **options)


router = APIRouter(tags=["ivr"])
for _base, _visible in BASES:
    register(router, _base, _visible)
    register_contexts(router, _base + "/context", _visible)
    register_options(router, _base + "/context/{context_id}/options", _visible)
    register_rules(router, _base + "/context/{context_id}/options/{option_digits}/rules", _visible)
