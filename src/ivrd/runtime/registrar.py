"""A minimal registrar for ``phone`` extensions, so one ``ivrd serve`` is a working PBX.

REGISTER is challenged with HTTP digest (RFC 3261 §22.4) and checked against the password of
``/extension/{id}/phone/``; the username is the extension (``000*002`` or ``002``). A phone
has one binding (the latest REGISTER wins), kept in the database (``runtime/bindings.py``) so
that every node behind a dispatcher finds it; a transfer to ``002`` rings the bound contact,
sent to the address the REGISTER came from (the phone may sit behind NAT). Nonces are
self-signed (HMAC of their issue time) with a key all nodes share, so no nonce table is kept
and a challenge from one node may be answered through another.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import time

from ivrd.runtime.bindings import BindingStore, StoredBinding
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
from ivrd.sip.uri import SipUri, parse_sip_uri

log = logging.getLogger("ivrd.registrar")

MIN_EXPIRES = 60  # RFC 3261 §10.3 step 7: refuse shorter bindings with 423
MAX_EXPIRES = 7200  # longer requests are granted this long
NONCE_TTL = 300.0
REALM = "ivrd"


class Registrar:
    def __init__(
        self,
        sip: SipNode,
        directory: Directory,
        loop: asyncio.AbstractEventLoop,
        store: BindingStore,
        node_name: str,
    ) -> None:
        self.sip = sip
        self.directory = directory
        self.loop = loop
        self.store = store
        self.node_name = node_name
        self._secret = b""  # the shared nonce key, read on the first REGISTER

    async def resolve(self, client_id: int, short_name: str) -> tuple[SipUri, Address] | None:
        """Where to send a request for the client's phone ``short_name`` (None: not bound)."""
        found = await self._find(client_id, short_name)
        return None if found is None else (found[0], found[1].source)

    async def _find(self, client_id: int, short_name: str) -> tuple[SipUri, StoredBinding] | None:
        stored = await self.loop.run_in_executor(None, self.store.find, client_id, short_name)
        if stored is None:
            return None
        try:
            return parse_sip_uri(stored.contact), stored
        except SipError:
            log.warning("binding of %s has an unusable contact %r", short_name, stored.contact)
            return None

    def on_register(self, request: Request, source: Address, key: TransactionKey) -> None:
        self.loop.create_task(self._register(request, source))

    async def _register(self, request: Request, source: Address) -> None:
        try:
            registration = parse_register(request)
        except SipError as exc:
            self.sip.respond(make_response(request, 400, str(exc)[:100], to_tag=new_token()))
            return
        if not self._secret:
            self._secret = await self.loop.run_in_executor(None, self.store.nonce_key)
        target = await self.loop.run_in_executor(None, self.directory.target, registration.user)
        if target is None or target.type != "phone":
            self.sip.respond(make_response(request, 404, to_tag=new_token()))
        elif not self._authorized(registration.credentials, target):
            challenge = Challenge(REALM, self._nonce())
            self.sip.respond(register_challenge(request, challenge, new_token()))
        elif too_brief(registration, MIN_EXPIRES):
            self.sip.respond(register_too_brief(request, MIN_EXPIRES, new_token()))
        else:
            await self._bind(request, registration, source, target)

    def _authorized(self, credentials: Credentials | None, target: Target) -> bool:
        if credentials is None or not target.phone_password:
            return False
        if credentials.username not in (target.name, target.short_name):
            return False
        return self._nonce_fresh(credentials.nonce) and verify(
            credentials, "REGISTER", target.phone_password
        )

    async def _bind(
        self, request: Request, registration: Registration, source: Address, target: Target
    ) -> None:
        """Store the binding (every node must find it before the phone hears 200), answer."""
        if not registration.remove_all and not registration.bindings:  # a query: no Contact
            listed = await self._bound(target)
        else:
            latest = None if registration.remove_all else registration.bindings[-1]
            expires = 0 if latest is None else min(latest.expires, MAX_EXPIRES)
            if latest is None or expires == 0:
                await self.loop.run_in_executor(None, self.store.remove, target.extension_id)
                log.info("unregistered %s", target.name)
                listed = ()
            else:
                contact = latest.contact.sip_uri
                await self.loop.run_in_executor(
                    None, self.store.save, target.extension_id, str(contact), source, expires,
                    self.node_name,
                )  # fmt: skip
                log.info("registered %s at %s (%s:%s) for %ss", target.name, contact, *source,
                         expires)  # fmt: skip
                listed = (SipBinding(NameAddr(contact), expires),)
        self.sip.respond(register_ok(request, listed, new_token()))

    async def _bound(self, target: Target) -> tuple[SipBinding, ...]:
        found = await self._find(target.client_id, target.short_name)
        return () if found is None else (SipBinding(NameAddr(found[0]), found[1].expires_in),)

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
