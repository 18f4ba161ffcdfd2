"""Rule routes: ``.../options/{option_digits}/rules``, ``.../rules/order``, ``.../rules/{id}``.

The order routes are registered before the item routes, so ``order`` is never read as an id.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body

from ivrd.api.deps import ConfigurerDep, DbDep, PrincipalDep
from ivrd.config.actions import RuleWrite
from ivrd.config.rules import service
from ivrd.config.rules.route import RuleBodyRoute
from ivrd.config.rules.schemas import RuleRead, RulesOrder

RuleBody = Annotated[RuleWrite, Body()]


def list_rules(
    extension_id: str, context_id: int, option_digits: str, db: DbDep, principal: PrincipalDep
) -> list[RuleRead]:
    return service.list_rules(db, principal, extension_id, context_id, option_digits)


def create_rule(
    extension_id: str,
    context_id: int,
    option_digits: str,
    body: RuleBody,
    db: DbDep,
    principal: ConfigurerDep,
) -> list[RuleRead]:
    return service.create_rule(db, principal, extension_id, context_id, option_digits, body)


def get_order(
    extension_id: str, context_id: int, option_digits: str, db: DbDep, principal: PrincipalDep
) -> RulesOrder:
    return service.get_order(db, principal, extension_id, context_id, option_digits)


def set_order(
    extension_id: str,
    context_id: int,
    option_digits: str,
    body: RulesOrder,
    db: DbDep,
    principal: ConfigurerDep,
) -> RulesOrder:
    return service.set_order(db, principal, extension_id, context_id, option_digits, body)


def get_rule(
    extension_id: str,
    context_id: int,
    option_digits: str,
    rule_id: int,
    db: DbDep,
    principal: PrincipalDep,
) -> RuleRead:
    return service.get_rule(db, principal, extension_id, context_id, option_digits, rule_id)


def replace_rule(
    extension_id: str,
    context_id: int,
    option_digits: str,
    rule_id: int,
    body: RuleBody,
    db: DbDep,
    principal: ConfigurerDep,
) -> RuleRead:
    return service.replace_rule(
        db, principal, extension_id, context_id, option_digits, rule_id, body
    )


def delete_rule(
    extension_id: str,
    context_id: int,
    option_digits: str,
    rule_id: int,
    db: DbDep,
    principal: ConfigurerDep,
) -> RuleRead:
    return service.delete_rule(db, principal, extension_id, context_id, option_digits, rule_id)


def register(router: APIRouter, base: str, visible: bool) -> None:
    item, order = base + "/{rule_id}", base + "/order"
    many: dict[str, Any] = {"response_model": list[RuleRead], "include_in_schema": visible}
    one: dict[str, Any] = {"response_model": RuleRead, "include_in_schema": visible}
    typed: dict[str, Any] = {"route_class_override": RuleBodyRoute}
    router.add_api_route(base, list_rules, methods=["GET"], **many)
    router.add_api_route(base, create_rule, methods=["POST"], **many, **typed)
    router.add_api_route(
        order, get_order, methods=["GET"], response_model=RulesOrder, include_in_schema=visible
    )
    router.add_api_route(
        order, set_order, methods=["PUT"], response_model=RulesOrder, include_in_schema=visible
    )
    router.add_api_route(item, get_rule, methods=["GET"], **one)
    router.add_api_route(item, replace_rule, methods=["PUT"], **one, **typed)
    router.add_api_route(item, delete_rule, methods=["DELETE"], **one)
