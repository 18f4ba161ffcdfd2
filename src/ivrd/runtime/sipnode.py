"""The node's one UDP SIP socket and the transaction layer behind it.

Datagrams are parsed and fed to the sans-IO ``TransactionLayer``; its actions are carried out
here: messages go on the wire, new requests go to the handler of their dialog (or to the INVITE,
REGISTER and OPTIONS handlers), responses go to whoever sent the request, and the layer's
timers run from one ``call_at`` handle re-armed at its next deadline. Broken datagrams are
answered 400 when they can be addressed, and otherwise dropped.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, cast

from ivrd.sip.actions import (
    Action,
    Address,
    CancelReceived,
    RequestReceived,
    ResponseReceived,
    SendMessage,
    TransactionKey,
    TransactionTerminated,
    TransactionTimedOut,
)
from ivrd.sip.dialog import DialogId, options_response
from ivrd.sip.endpoint import ALLOW, Endpoint
from ivrd.sip.errors import SipError, SipParseError
from ivrd.sip.message import Message, Request, Response, make_response, parse_message
from ivrd.sip.transaction import TransactionLayer
from ivrd.sip.uas import reply_to_unparsable

log = logging.getLogger("ivrd.sip")


def new_token() -> str:
    return secrets.token_hex(8)


class DialogHandler(Protocol):
    def on_request(self, request: Request, transaction: TransactionKey | None) -> None: ...


class InviteHandler(Protocol):
    def on_cancel(self) -> None: ...

    def on_ack_timeout(self) -> None: ...


@dataclass
class ClientCallbacks:
    on_response: Callable[[Response], None]
    on_timeout: Callable[[], None]


class SipNode(asyncio.DatagramProtocol):
    """Owns the socket; everything SIP-shaped passes through here."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self.layer = TransactionLayer(new_token)
        self.transport: asyncio.DatagramTransport | None = None
        self.on_invite: Callable[[Request, Address, TransactionKey], None] | None = None
        self.on_register: Callable[[Request, Address, TransactionKey], None] | None = None
        self.accepting = True
        self._dialogs: dict[DialogId, DialogHandler] = {}
        self._invites: dict[TransactionKey, InviteHandler] = {}
        self._clients: dict[TransactionKey, ClientCallbacks] = {}
        self._timer: asyncio.TimerHandle | None = None

    # --- asyncio protocol ------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)  # uvloop's is not a subclass

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        if not data.strip(b"\r\n"):
            return  # RFC 5626 keepalive (CRLF)
        try:
            message = parse_message(data)
        except SipParseError as exc:
            reply = reply_to_unparsable(data, exc)
            log.info("unparsable datagram from %s:%s: %s", addr[0], addr[1], exc)
            if reply is not None:
                self._send(reply, addr[:2])
            return
        self._run(self._safely(lambda: self.layer.receive(message, addr[:2], time.monotonic())))

    def error_received(self, exc: Exception) -> None:
        log.debug("SIP socket error: %s", exc)

    # --- what the call logic uses ----------------------------------------------------------

    def send_request(
        self, request: Request, destination: Address, callbacks: ClientCallbacks
    ) -> TransactionKey:
        actions = self.layer.send_request(request, destination, time.monotonic())
        key = TransactionKey(request.top_via.branch or "", request.method)
        self._clients[key] = callbacks
        self._run(actions)
        return key

    def respond(self, response: Response) -> None:
        self._run(self._safely(lambda: self.layer.respond(response, time.monotonic())))

    def send_stateless(self, message: Message, address: Address) -> None:
        self._run(self.layer.send_stateless(message, address))

    def add_dialog(self, dialog_id: DialogId, handler: DialogHandler) -> None:
        self._dialogs[dialog_id] = handler

    def remove_dialog(self, dialog_id: DialogId) -> None:
        self._dialogs.pop(dialog_id, None)

    def watch_invite(self, key: TransactionKey, handler: InviteHandler) -> None:
        self._invites[key] = handler

    def forget_invite(self, key: TransactionKey) -> None:
        self._invites.pop(key, None)

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self.transport is not None:
            self.transport.close()

    # --- dispatch ---------------------------------------------------------------------------

    def _safely(self, step: Callable[[], list[Action]]) -> list[Action]:
        try:
            return step()
        except SipError as exc:
            log.info("SIP message refused: %s", exc)
            return []

    def _run(self, actions: list[Action]) -> None:
        for action in actions:
            try:
                self._carry_out(action)
            except SipError as exc:
                log.warning("SIP action %s failed: %s", type(action).__name__, exc)
        self._arm_timer()

    def _carry_out(self, action: Action) -> None:
        if isinstance(action, SendMessage):
            self._send(action.message, action.address)
        elif isinstance(action, RequestReceived):
            self._request(action.request, action.source, action.transaction)
        elif isinstance(action, ResponseReceived):
            callbacks = self._clients.get(action.transaction)
            if callbacks is not None:
                callbacks.on_response(action.response)
        elif isinstance(action, CancelReceived):
            invite = self._invites.pop(action.transaction, None)
            if invite is not None:
                invite.on_cancel()
        elif isinstance(action, TransactionTimedOut):
            self._timed_out(action)
        elif isinstance(action, TransactionTerminated):
            self._clients.pop(action.transaction, None)
            self._invites.pop(action.transaction, None)

    def _timed_out(self, action: TransactionTimedOut) -> None:
        callbacks = self._clients.pop(action.transaction, None)
        if callbacks is not None:
            callbacks.on_timeout()
        invite = self._invites.pop(action.transaction, None)
        if invite is not None and action.timer in ("H", "L"):
            invite.on_ack_timeout()

    def _request(self, request: Request, source: Address, key: TransactionKey | None) -> None:
        if request.to.tag:
            handler = self._dialogs.get(DialogId.of_incoming(request))
            if handler is not None:
                handler.on_request(request, key)
            elif request.method != "ACK":
                self.respond(make_response(request, 481))
            return
        if key is None:
            return  # a stray ACK
        self._out_of_dialog(request, source, key)

    def _out_of_dialog(self, request: Request, source: Address, key: TransactionKey) -> None:
        tag = new_token()
        if request.method == "OPTIONS":
            self.respond(options_response(request, tag))
        elif request.method == "INVITE" and not self.accepting:
            self.respond(make_response(request, 503, to_tag=tag, extra=(("Retry-After", "5"),)))
        elif request.method == "INVITE" and self.on_invite is not None:
            self.on_invite(request, source, key)
        elif request.method == "REGISTER" and self.on_register is not None:
            self.on_register(request, source, key)
        elif request.method in ("BYE", "INFO"):
            self.respond(make_response(request, 481, to_tag=tag))
        else:
            self.respond(make_response(request, 405, to_tag=tag, extra=(("Allow", ALLOW),)))

    def _send(self, message: Message, address: Address) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.sendto(bytes(message), address)

    def _arm_timer(self) -> None:
        deadline = self.layer.next_deadline()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if deadline is None:
            return
        loop = asyncio.get_running_loop()
        delay = max(0.0, deadline - time.monotonic())
        self._timer = loop.call_later(delay, self._tick)

    def _tick(self) -> None:
        self._timer = None
        self._run(self._safely(lambda: self.layer.tick(time.monotonic())))
