"""``/oauth/token`` and ``/oauth/authorize`` (outside ``/api/ver1.0``, as the provider has them)."""

from __future__ import annotations

import base64
import binascii
import html
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from ivrd.api.deps import DbDep
from ivrd.config.auth import service
from ivrd.timeutil import utcnow

router = APIRouter(tags=["oauth"])

CONSENT_PAGE = "\n".join(
    [
        '<!doctype html><html><head><meta charset="utf-8"><title>ivrd: authorize</title></head>',
        "<body><h1>Authorize application {app}</h1>",
        '<form method="post" action="/oauth/authorize">',
        '<input type="hidden" name="client_id" value="{app}">',
        '<input type="hidden" name="redirect_uri" value="{redirect}">',
        '<input type="hidden" name="state" value="{state}">',
        '<p><label>Login <input name="login"></label></p>',
        '<p><label>Password <input name="password" type="password"></label></p>',
        '<p><button type="submit">Allow</button></p></form></body></html>',
    ]
)


def _basic_credentials(request: Request) -> dict[str, str]:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return {}
    try:
        app_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return {}
    return {"client_id": app_id, "client_secret": secret}


async def _token_params(request: Request) -> dict[str, str]:
    """Credentials may come in a form body, a multipart body, the query string or Basic auth."""
    params = _basic_credentials(request)
    params.update({k: v for k, v in request.query_params.items() if v})
    form = await request.form()
    params.update({k: v for k, v in form.items() if isinstance(v, str) and v})
    return params


@router.post("/oauth/token", summary="Get an access token (RFC 6749)")
async def token(request: Request, db: DbDep) -> JSONResponse:
    params = await _token_params(request)
    granted = service.grant_tokens(db, params, utcnow())
    return JSONResponse(granted.answer(), headers={"Cache-Control": "no-store"})


@router.get("/oauth/authorize", response_class=HTMLResponse, summary="Consent page (public apps)")
def authorize_page(
    client_id: str,
    response_type: str = "code",
    redirect_uri: str = "",
    state: str = "",
    scope: str = "all",
) -> HTMLResponse:
    del response_type, scope
    page = CONSENT_PAGE.format(
        app=html.escape(client_id), redirect=html.escape(redirect_uri), state=html.escape(state)
    )
    return HTMLResponse(page)


@router.post("/oauth/authorize", summary="Consent form submission")
def authorize(
    db: DbDep,
    client_id: Annotated[str, Form()],
    login: Annotated[str, Form()],
    password: Annotated[str, Form()],
    redirect_uri: Annotated[str, Form()] = "",
    state: Annotated[str, Form()] = "",
) -> RedirectResponse:
    code, target = service.authorize_code(
        db, client_id, redirect_uri or None, login, password, utcnow()
    )
    query = {"code": code} | ({"state": state} if state else {})
    separator = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{separator}{urlencode(query)}", status_code=302)
