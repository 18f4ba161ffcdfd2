"""Validation errors of a rule body, phrased as if the body were one flat object.

Pydantic reports an error inside a discriminated union under the action's tag
(``transfer.transfer_dst``) and a missing or unknown ``action`` without any field. The API
names the field as the client sent it (``transfer_dst: field required``,
``action: field required``), so this route class rewrites those locations before the one
error handler of ``api/errors.py`` phrases the message.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from ivrd.config.actions import ACTIONS


def untag(error: dict[str, Any]) -> dict[str, Any]:
    loc = tuple(error.get("loc", ()))
    kind = error.get("type")
    given = error.get("input")
    no_action = not isinstance(given, dict) or given.get("action") is None
    if kind == "union_tag_not_found" or (kind == "union_tag_invalid" and no_action):
        return {"type": "missing", "loc": (*loc, "action"), "msg": "field required"}
    if kind == "union_tag_invalid":
        message = "must be one of " + ", ".join(ACTIONS)
        return {"type": "value_error", "loc": (*loc, "action"), "msg": message}
    if len(loc) >= 2 and loc[0] == "body" and loc[1] in ACTIONS:
        return {**error, "loc": (loc[0], *loc[2:])}
    return error


class RuleBodyRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                errors = [untag(dict(error)) for error in exc.errors()]
                raise RequestValidationError(errors, body=exc.body) from None

        return handle
