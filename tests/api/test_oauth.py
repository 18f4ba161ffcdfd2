"""OAuth2 token endpoint, grants, expiry, revocation and access levels over real HTTP."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from ivrd.config.clients import service as clients
from ivrd.db.models import Token
from ivrd.timeutil import utcnow

from .conftest import Server, Tenant

TOKEN = re.compile(r"^[A-Za-z0-9]{30}$")


def _grant(server: Server, **params: str) -> tuple[int, dict[str, object]]:
    answer = server.http().post("/oauth/token", data=params)
    return answer.status_code, answer.json()


def test_client_credentials_answers_exactly_the_documented_shape(tenant: Tenant) -> None:
    status, body = _grant(
        tenant.server,
        grant_type="client_credentials",
        client_id=tenant.app_id,
        client_secret=tenant.app_secret,
    )
    assert status == 200
    assert set(body) == {"access_token", "token_type", "expires_in", "scope"}
    assert TOKEN.match(str(body["access_token"]))
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600 and body["scope"] == "all"


def test_credentials_in_query_string_multipart_and_basic_auth(tenant: Tenant) -> None:
    http = tenant.server.http()
    creds = {
        "grant_type": "client_credentials",
        "client_id": tenant.app_id,
        "client_secret": tenant.app_secret,
    }
    assert http.post("/oauth/token", params=creds).status_code == 200
    multipart = {k: (None, v) for k, v in creds.items()}
    assert http.post("/oauth/token", files=multipart).status_code == 200
    basic = http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(tenant.app_id, tenant.app_secret),
    )
    assert basic.status_code == 200, basic.text


def test_wrong_secret_and_unknown_app_are_invalid_client(tenant: Tenant) -> None:
    status, body = _grant(
        tenant.server,
        grant_type="client_credentials",
        client_id=tenant.app_id,
        client_secret="wrong",
    )
    assert (status, body["error"]) == (401, "invalid_client")
    status, body = _grant(
        tenant.server, grant_type="client_credentials", client_id="nope", client_secret="x"
    )
    assert (status, body["error"]) == (401, "invalid_client")


def test_unsupported_and_missing_grant_type(tenant: Tenant) -> None:
    status, body = _grant(tenant.server, grant_type="implicit", client_id=tenant.app_id)
    assert (status, body["error"]) == (400, "unsupported_grant_type")
    status, body = _grant(tenant.server, client_id=tenant.app_id)
    assert (status, body["error"]) == (400, "invalid_request")
    assert "grant_type" in str(body["error_description"])


def test_trusted_app_cannot_use_password_grant(tenant: Tenant) -> None:
    status, body = _grant(
        tenant.server,
        grant_type="password",
        client_id=tenant.app_id,
        client_secret=tenant.app_secret,
        username=tenant.login,
        password=tenant.password,
    )
    assert (status, body["error"]) == (400, "unauthorized_client")


def test_password_grant_and_refresh_token_rotation(tenant: Tenant) -> None:
    app = tenant.new_app("password_credentials", "all")
    status, body = _grant(
        tenant.server, grant_type="password", username=tenant.login, password=tenant.password, **app
    )
    assert status == 200 and TOKEN.match(str(body["access_token"]))
    refresh = str(body["refresh_token"])
    status, renewed = _grant(
        tenant.server, grant_type="refresh_token", refresh_token=refresh, **app
    )
    assert status == 200 and renewed["access_token"] != body["access_token"]
    status, again = _grant(tenant.server, grant_type="refresh_token", refresh_token=refresh, **app)
    assert (status, again["error"]) == (401, "invalid_grant")
    me = tenant.server.http(str(renewed["access_token"])).get("/api/ver1.0/user")
    assert me.json()["login"] == tenant.login


def test_password_grant_wrong_password_is_invalid_grant(tenant: Tenant) -> None:
    app = tenant.new_app("password_credentials", "all")
    status, body = _grant(
        tenant.server, grant_type="password", username=tenant.login, password="bad", **app
    )
    assert (status, body["error"]) == (401, "invalid_grant")


def test_authorization_code_flow(tenant: Tenant) -> None:
    app = tenant.new_app("public", "all", redirect_uri="http://127.0.0.1:9/cb")
    http = tenant.server.http()
    page = http.get(
        "/oauth/authorize",
        params={
            "response_type": "code",
            "scope": "all",
            "client_id": app["client_id"],
            "redirect_uri": "http://127.0.0.1:9/cb",
        },
    )
    assert page.status_code == 200 and "<form" in page.text
    consent = http.post(
        "/oauth/authorize",
        data={
            "client_id": app["client_id"],
            "redirect_uri": "http://127.0.0.1:9/cb",
            "state": "xyz",
            "login": tenant.login,
            "password": tenant.password,
        },
    )
    assert consent.status_code == 302
    location = consent.headers["location"]
    assert location.startswith("http://127.0.0.1:9/cb?code=") and "state=xyz" in location
    code = location.split("code=")[1].split("&")[0]
    status, body = _grant(
        tenant.server,
        grant_type="authorization_code",
        code=code,
        redirect_uri="http://127.0.0.1:9/cb",
        **app,
    )
    assert status == 200 and "refresh_token" in body
    status, reused = _grant(tenant.server, grant_type="authorization_code", code=code, **app)
    assert (status, reused["error"]) == (401, "invalid_grant")


def test_tokens_are_stored_only_as_hashes(tenant: Tenant) -> None:
    with tenant.server.db.read() as session:
        hashes = list(session.scalars(select(Token.token_hash)))
    assert tenant.token not in hashes
    assert all(len(h) == 64 for h in hashes)


def test_expired_token_is_refused(tenant: Tenant) -> None:
    assert tenant.http.get("/api/ver1.0/user").status_code == 200
    with tenant.server.db.write() as session:
        session.execute(update(Token).values(expires_at=utcnow() - timedelta(seconds=1)))
    answer = tenant.http.get("/api/ver1.0/user")
    assert answer.status_code == 401
    assert answer.json() == {"message": "Access token expired"}


def test_blocking_or_deleting_the_app_revokes_its_tokens(tenant: Tenant) -> None:
    app = tenant.new_app("trusted", "all")
    token = tenant.token_for(app)
    http = tenant.server.http(token)
    assert http.get("/api/ver1.0/user").status_code == 200
    clients.set_app_blocked(tenant.server.db, app["client_id"], True)
    assert http.get("/api/ver1.0/user").status_code == 401
    status, body = _grant(tenant.server, grant_type="client_credentials", **app)
    assert (status, body["error"]) == (401, "invalid_client")
    clients.set_app_blocked(tenant.server.db, app["client_id"], False)
    http = tenant.server.http(tenant.token_for(app))
    clients.delete_app(tenant.server.db, app["client_id"])
    assert http.get("/api/ver1.0/user").status_code == 401


def test_missing_or_malformed_authorization_is_401(server: Server) -> None:
    http = server.http()
    answer = http.get("/api/ver1.0/user")
    assert answer.status_code == 401 and "Bearer" in answer.json()["message"]
    answer = http.get("/api/ver1.0/user", headers={"Authorization": "Bearer " + "x" * 30})
    assert answer.json() == {"message": "Invalid access token"}


def test_header_name_and_scheme_in_any_case(tenant: Tenant) -> None:
    answer = tenant.server.http().get(
        "/api/ver1.0/user", headers={"authorization": f"bearer {tenant.token}"}
    )
    assert answer.status_code == 200


def test_call_api_token_reads_but_cannot_configure(tenant: Tenant) -> None:
    http = tenant.server.http(tenant.token_for(tenant.new_app("trusted", "call_api")))
    assert http.get("/api/ver1.0/user").json()["access"] == "call_api"
    assert http.get("/api/ver1.0/client/@me/extension/").status_code == 200
    answer = http.post("/api/ver1.0/client/@me/extension/", json={"name": "100"})
    assert answer.status_code == 403
    assert "Call API" in answer.json()["message"]
