"""The one place where exceptions become HTTP answers.

Every error body is ``{"message": "..."}`` naming the field or the reason (OAuth errors use
the OAuth2 form instead). Validation errors of the request become 400, never 422; anything
unexpected is logged and answered 500 without internals.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ivrd.errors import IvrdError, OAuthError

log = logging.getLogger("ivrd.api")

HTTP_MESSAGES = {
    404: "Not found",
    405: "Method not allowed",
}


def message(
    status: int,
    text: str,
    headers: dict[str, str] | None = None,
    details: dict[str, object] | None = None,
) -> JSONResponse:
    return JSONResponse({"message": text, **(details or {})}, status_code=status, headers=headers)


def _field_path(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "form")]
    path = ""
    for part in parts:
        path += f"[{part}]" if part.isdigit() else (f".{part}" if path else part)
    return path


def describe_validation_error(errors: list[dict[str, Any]]) -> str:
    """One readable sentence for the first error; the field path leads the message."""
    error = errors[0]
    kind = error.get("type", "")
    if kind == "json_invalid":
        detail = (error.get("ctx") or {}).get("error", "invalid JSON")
        return f"Malformed JSON body: {detail}"
    field = _field_path(tuple(error.get("loc", ())))
    text = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    if kind == "missing":
        text = "field required" if field else "request body required"
    elif kind in ("model_attributes_type", "dict_type") and not field:
        return "Request body must be a JSON object"
    return f"{field}: {text}" if field else text


async def _ivrd_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, IvrdError)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return message(exc.status, exc.message, headers, exc.details())


async def _oauth_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, OAuthError)
    body = {"error": exc.error, "error_description": exc.description}
    return JSONResponse(body, status_code=exc.status, headers={"Cache-Control": "no-store"})


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return message(400, describe_validation_error(list(exc.errors())))


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    text = exc.detail if isinstance(exc.detail, str) else HTTP_MESSAGES.get(exc.status_code, "")
    if exc.status_code in HTTP_MESSAGES and text in ("Not Found", "Method Not Allowed"):
        text = HTTP_MESSAGES[exc.status_code]
    return message(exc.status_code, text, dict(exc.headers or {}))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return message(500, "Internal server error")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(IvrdError, _ivrd_error)
    app.add_exception_handler(OAuthError, _oauth_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
