"""A minimal registrar for ``phone`` extensions, so one ``ivrd serve`` is a working PBX.

REGISTER is challenged with HTTP digest (RFC 3261 §22.4) and checked against the password of
``/extension/{id}/phone/``; the username is the extension (``000*002`` or ``002``). Bindings
live in memory, keyed by client and short number; a transfer to ``002`` rings the bound
contact, sent to the address the REGISTER came from (the phone may sit behind NAT). Nonces are
self-signed (HMAC of their issue time), so no nonce table is kept.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import secrets
import time
from dataclasses import dataclass

from ivrd.runtime.directory import Directory, Target
from ivrd.runtime.sipnode import SipNode, new_token
from ivrd.sip.actions import Address, TransactionKey
from ivrd.sip.digest import Challenge, Credentials, DigestError, verify
from ivrd.sip.errors import SipError
from ivrd.sip.message import Request, make_response
from ivrd.sip.uri import SipUri

log = logging.getLogger("ivrd.registrar")

DEFAULT_EXPIRES = 3600  # RFC 3261 §10.2.1.1
MAX_EXPIRES = 7200
NONCE_TTL = 300.0
REALM = "ivrd"


@dataclass(frozen=True, slots=True)
class Binding:
    contact: SipUri
    source: Address
    expires_at: float


class Registrar:
    def __init__(self, sip: SipNode, directory: Directory, loop: asyncio.AbstractEventLoop) -> None:
        self.sip = sip
        self.directory = directory
        self.loop = loop
        self._secret = secrets.token_bytes(32)
        self._bindings: dict[tuple[int, str], Binding] = {}

    def lookup(self, client_id: int, short_name: str) -> tuple[SipUri, Address] | None:
        binding = self._bindings.get((client_id, short_name))
        if binding is None or binding.expires_at < time.monotonic():
            return None
        return binding.contact, binding.source

    def on_register(self, request: Request, source: Address, key: TransactionKey) -> None:
        self.loop.create_task(self._register(request, source))

    async def _register(self, request: Request, source: Address) -> None:
        user = request.to.uri.user if isinstance(request.to.uri, SipUri) else None
        target = await self.loop.run_in_executor(None, self.directory.target, user or "")
        if target is None or target.type != "phone":
            self.sip.respond(make_response(request, 404, to_tag=new_token()))
            return
        if not self._authorized(request, target):
            self._challenge(request)
            return
        try:
            self._bind(request, source, target)
        except (SipError, ValueError) as exc:
            self.sip.respond(make_response(request, 400, str(exc)[:100], to_tag=new_token()))

    def _authorized(self, request: Request, target: Target) -> bool:
        header = request.headers.get("Authorization")
        if not header or not target.phone_password:
            return False
        try:
            credentials = Credentials.parse(header)
        except DigestError:
            return False
        if credentials.username not in (target.name, target.short_name):
            return False
        return self._nonce_fresh(credentials.nonce) and verify(
            credentials, "REGISTER", target.phone_password
        )

    def _challenge(self, request: Request) -> None:
        challenge = Challenge(REALM, self._nonce())
        extra = (("WWW-Authenticate", str(challenge)),)
        self.sip.respond(make_response(request, 401, to_tag=new_token(), extra=extra))

    def _bind(self, request: Request, source: Address, target: Target) -> None:
        key = (target.client_id, target.short_name)
        expires = _expires(request)
        contacts = request.headers.get_all("Contact")
        if contacts == ["*"] or expires == 0:
            self._bindings.pop(key, None)
            self.sip.respond(make_response(request, 200, to_tag=new_token()))
            return
        if request.contacts:
            uri = request.contacts[0].sip_uri
            self._bindings[key] = Binding(uri, source, time.monotonic() + expires)
            log.info("registered %s at %s (%s:%s) for %ss", target.name, uri, *source, expires)
        binding = self._bindings.get(key)
        extra = () if binding is None else (("Contact", f"<{binding.contact}>;expires={expires}"),)
        self.sip.respond(make_response(request, 200, to_tag=new_token(), extra=extra))

    def _nonce(self) -> str:
        issued = f"{time.time():.0f}"
        return f"{issued}.{self._sign(issued)}"

    def _nonce_fresh(self, nonce: str) -> bool:
        issued, _, signature = nonce.partition(".")
        if not issued.isdigit() or not hmac.compare_digest(signature, self._sign(issued)):
            return False
        return time.time() - int(issued) < NONCE_TTL

    def _sign(self, text: str) -> str:
        return hmac.new(self._secret, text.encode(), hashlib.sha256).hexdigest()[:32]


def _expires(request: Request) -> int:
    value: str | None = None
    if request.contacts:
        value = request.contacts[0].param("expires")
    value = value or request.headers.get("Expires")
    try:
        expires = int(value) if value is not None else DEFAULT_EXPIRES
    except ValueError:
        expires = DEFAULT_EXPIRES
    return max(0, min(expires, MAX_EXPIRES))
