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
from ivrd.sip.digest import Challenge, Credentials, verify
from ivrd.sip.errors import SipError
from ivrd.sip.fields import NameAddr
from ivrd.sip.message import Request, make_response
from ivrd.sip.registration import Binding as SipBinding
from ivrd.sip.registration import (
    Registration,
    parse_register,
    register_challenge,
    register_ok,
    register_too_brief,
    too_brief,
)
from ivrd.sip.uri import SipUri

log = logging.getLogger("ivrd.registrar")

MIN_EXPIRES = 60  # RFC 3261 §10.3 step 7: refuse shorter bindings with 423
MAX_EXPIRES = 7200  # longer requests are granted this long
NONCE_TTL = 300.0
REALM = "ivrd"


@dataclass(frozen=True, slots=True)
class Binding:
    contact: SipUri
    source: Address
    expires_at: float
    expires: int


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
        try:
            registration = parse_register(request)
        except SipError as exc:
            self.sip.respond(make_response(request, 400, str(exc)[:100], to_tag=new_token()))
            return
        target = await self.loop.run_in_executor(None, self.directory.target, registration.user)
        if target is None or target.type != "phone":
            self.sip.respond(make_response(request, 404, to_tag=new_token()))
        elif not self._authorized(registration.credentials, target):
            challenge = Challenge(REALM, self._nonce())
            self.sip.respond(register_challenge(request, challenge, new_token()))
        elif too_brief(registration, MIN_EXPIRES):
            self.sip.respond(register_too_brief(request, MIN_EXPIRES, new_token()))
        else:
            self._bind(request, registration, source, target)

    def _authorized(self, credentials: Credentials | None, target: Target) -> bool:
        if credentials is None or not target.phone_password:
            return False
        if credentials.username not in (target.name, target.short_name):
            return False
        return self._nonce_fresh(credentials.nonce) and verify(
            credentials, "REGISTER", target.phone_password
        )

    def _bind(
        self, request: Request, registration: Registration, source: Address, target: Target
    ) -> None:
        key = (target.client_id, target.short_name)
        if registration.remove_all:
            self._bindings.pop(key, None)
        for binding in registration.bindings:
            expires = min(binding.expires, MAX_EXPIRES)
            if expires == 0:
                self._bindings.pop(key, None)
                continue
            uri = binding.contact.sip_uri
            self._bindings[key] = Binding(uri, source, time.monotonic() + expires, expires)
            log.info("registered %s at %s (%s:%s) for %ss", target.name, uri, *source, expires)
        current = self._bindings.get(key)
        listed = (
            () if current is None else (SipBinding(NameAddr(current.contact), current.expires),)
        )
        self.sip.respond(register_ok(request, listed, new_token()))

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
