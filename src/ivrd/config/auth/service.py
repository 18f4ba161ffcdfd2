"""OAuth2 grants (RFC 6749) as the provider documents them, and bearer-token lookup.

Application types pin their grant: ``trusted`` → client_credentials, ``public`` →
authorization_code, ``password_credentials`` → password; refresh_token works for the types
that receive refresh tokens. Failures answer OAuth2-style errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ivrd.config.auth.principal import ACCESS_ALL, ACCESS_CALL_API, Principal
from ivrd.config.auth.secrets import random_alphanumeric, token_hash, verify_password
from ivrd.db.models import Application, AuthorizationCode, Token, User
from ivrd.db.session import Database
from ivrd.errors import OAuthError, Unauthorized

ACCESS_TOKEN_TTL = timedelta(seconds=3600)
REFRESH_TOKEN_TTL = timedelta(days=30)
AUTH_CODE_TTL = timedelta(minutes=10)
GRANT_OF_TYPE = {
    "trusted": "client_credentials",
    "public": "authorization_code",
    "password_credentials": "password",
}
REFRESHABLE_TYPES = ("public", "password_credentials")


@dataclass(frozen=True, slots=True)
class GrantedTokens:
    access_token: str
    scope: str
    refresh_token: str | None

    def answer(self) -> dict[str, object]:
        body: dict[str, object] = {
            "access_token": self.access_token,
            "token_type": "Bearer",
            "expires_in": int(ACCESS_TOKEN_TTL.total_seconds()),
            "scope": self.scope,
        }
        if self.refresh_token:
            body["refresh_token"] = self.refresh_token
        return body


def effective_access(app: Application, user: User) -> str:
    """A token may configure only when both the application and its user may."""
    user_all = user.admin or user.access == ACCESS_ALL
    return ACCESS_ALL if app.access == ACCESS_ALL and user_all else ACCESS_CALL_API


def _require(params: Mapping[str, str], name: str) -> str:
    value = params.get(name)
    if not value:
        raise OAuthError("invalid_request", f"{name} is required")
    return value


def _application(session: Session, params: Mapping[str, str], secret_needed: bool) -> Application:
    app_id = _require(params, "client_id")
    app = session.scalar(select(Application).where(Application.app_id == app_id))
    secret = params.get("client_secret", "")
    if app is None or app.blocked:
        raise OAuthError("invalid_client", "unknown or blocked application", 401)
    if (secret or secret_needed) and token_hash(secret) != app.secret_hash:
        raise OAuthError("invalid_client", "client authentication failed", 401)
    return app


def _store_tokens(session: Session, app: Application, user: User, now: datetime) -> GrantedTokens:
    access = random_alphanumeric()
    scope = effective_access(app, user)
    session.add(
        Token(
            token_hash=token_hash(access),
            kind="access",
            application_id=app.id,
            user_id=user.id,
            scope=scope,
            expires_at=now + ACCESS_TOKEN_TTL,
        )
    )
    refresh = None
    if app.type in REFRESHABLE_TYPES:
        refresh = random_alphanumeric(40)
        session.add(
            Token(
                token_hash=token_hash(refresh),
                kind="refresh",
                application_id=app.id,
                user_id=user.id,
                scope=scope,
                expires_at=now + REFRESH_TOKEN_TTL,
            )
        )
    return GrantedTokens(access, scope, refresh)


def _check_grant_type(app: Application, grant: str) -> None:
    allowed = {GRANT_OF_TYPE[app.type]} | (
        {"refresh_token"} if app.type in REFRESHABLE_TYPES else set()
    )
    if grant not in allowed:
        raise OAuthError("unauthorized_client", f"a {app.type} application cannot use {grant}")


def _user_of_app(session: Session, app: Application) -> User:
    user = session.get(User, app.user_id)
    if user is None:
        raise OAuthError("invalid_client", "the application's user no longer exists", 401)
    return user


def _password_user(session: Session, app: Application, params: Mapping[str, str]) -> User:
    login, password = _require(params, "username"), _require(params, "password")
    user = session.scalar(select(User).where(User.login == login))
    if (
        user is None
        or user.client_id != app.client_id
        or not verify_password(password, user.password_hash)
    ):
        raise OAuthError("invalid_grant", "wrong username or password", 401)
    return user


def _code_user(
    session: Session, app: Application, params: Mapping[str, str], now: datetime
) -> User:
    code = session.scalar(
        select(AuthorizationCode).where(
            AuthorizationCode.code_hash == token_hash(_require(params, "code"))
        )
    )
    if code is None or code.used or code.application_id != app.id or code.expires_at <= now:
        raise OAuthError("invalid_grant", "the authorization code is invalid or expired", 401)
    if code.redirect_uri and params.get("redirect_uri", code.redirect_uri) != code.redirect_uri:
        raise OAuthError("invalid_grant", "redirect_uri does not match the authorization", 401)
    code.used = True
    user = session.get(User, code.user_id)
    if user is None:
        raise OAuthError("invalid_grant", "the authorizing user no longer exists", 401)
    return user


def _refresh_user(
    session: Session, app: Application, params: Mapping[str, str], now: datetime
) -> User:
    hashed = token_hash(_require(params, "refresh_token"))
    token = session.scalar(select(Token).where(Token.token_hash == hashed, Token.kind == "refresh"))
    if token is None or token.application_id != app.id or token.expires_at <= now:
        raise OAuthError("invalid_grant", "the refresh token is invalid or expired", 401)
    session.delete(token)  # refresh tokens rotate: each is good for one use
    user = session.get(User, token.user_id)
    if user is None:
        raise OAuthError("invalid_grant", "the token's user no longer exists", 401)
    return user


def grant_tokens(db: Database, params: Mapping[str, str], now: datetime) -> GrantedTokens:
    grant = _require(params, "grant_type")
    if grant not in (*GRANT_OF_TYPE.values(), "refresh_token"):
        raise OAuthError("unsupported_grant_type", f"grant_type {grant!r} is not supported")
    with db.write() as session:
        app = _application(session, params, secret_needed=grant == "client_credentials")
        _check_grant_type(app, grant)
        if grant == "client_credentials":
            user = _user_of_app(session, app)
        elif grant == "password":
            user = _password_user(session, app, params)
        elif grant == "authorization_code":
            user = _code_user(session, app, params, now)
        else:
            user = _refresh_user(session, app, params, now)
        return _store_tokens(session, app, user, now)


def authorize_code(
    db: Database, app_id: str, redirect_uri: str | None, login: str, password: str, now: datetime
) -> tuple[str, str]:
    """Check a public application's consent form; returns (code, redirect target)."""
    with db.write() as session:
        app = session.scalar(select(Application).where(Application.app_id == app_id))
        if app is None or app.blocked or app.type != "public":
            raise OAuthError("unauthorized_client", "unknown, blocked or non-public application")
        target = redirect_uri or app.redirect_uri
        if not target or (app.redirect_uri and target != app.redirect_uri):
            raise OAuthError("invalid_request", "redirect_uri does not match the application")
        user = _password_user(session, app, {"username": login, "password": password})
        code = random_alphanumeric(40)
        session.add(
            AuthorizationCode(
                code_hash=token_hash(code),
                application_id=app.id,
                user_id=user.id,
                redirect_uri=target,
                expires_at=now + AUTH_CODE_TTL,
            )
        )
        return code, target


def principal_for_token(db: Database, token: str, now: datetime) -> Principal:
    with db.read() as session:
        row = session.execute(
            select(Token, User, Application)
            .join(User, User.id == Token.user_id)
            .join(Application, Application.id == Token.application_id)
            .where(Token.token_hash == token_hash(token), Token.kind == "access")
        ).first()
    if row is None:
        raise Unauthorized("Invalid access token")
    tok, user, app = row
    if tok.expires_at <= now:
        raise Unauthorized("Access token expired")
    if app.blocked:
        raise Unauthorized("Invalid access token")
    return Principal(
        user_id=user.id,
        login=user.login,
        client_id=user.client_id,
        admin=user.admin,
        access=tok.scope,
        application_id=app.id,
    )


def revoke_tokens(session: Session, application_id: int) -> None:
    session.execute(delete(Token).where(Token.application_id == application_id))
