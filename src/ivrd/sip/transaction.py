"""The transaction layer (RFC 3261 §17): matches messages to transactions, runs their timers.

Sans-IO: the runtime feeds it every parsed datagram with `receive(message, source, now)`, the
TU's requests and responses with `send_request` / `respond`, and the clock with `tick(now)`;
every call returns the actions to carry out (see `actions`), and `next_deadline()` says when
to call `tick` next. No socket, no clock, no randomness (To-tags come from `new_tag`).

Beyond plain matching it does three things a UA always wants:
- requests get `received`/`rport` stamped on their top Via (RFC 3581) and responses go back
  to that address;
- a CANCEL matching a pending INVITE is answered 200 and the INVITE 487 at once, and the TU is
  told with `CancelReceived` (no match: 481);
- an ACK for a 2xx (a new branch, so no transaction) stops the accepted INVITE's 2xx
  retransmissions and goes to the TU as a `RequestReceived` without a transaction.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable

from ivrd.sip.actions import (
    Action,
    Address,
    CancelReceived,
    RequestReceived,
    SendMessage,
    TransactionKey,
    TransactionTerminated,
)
from ivrd.sip.client_transaction import ClientState, ClientTransaction
from ivrd.sip.errors import LocalProtocolError
from ivrd.sip.fields import BRANCH_MAGIC_COOKIE
from ivrd.sip.message import Message, Request, Response, make_response
from ivrd.sip.server_transaction import ServerState, ServerTransaction
from ivrd.sip.syntax import split_list

DialogKey = tuple[str, int, str]  # Call-ID, CSeq number, From tag: an ACK finds its INVITE
Transaction = ClientTransaction | ServerTransaction


def client_key(message: Message) -> TransactionKey:
    """§17.1.3: top Via branch and CSeq method."""
    return TransactionKey(message.top_via.branch or "", message.cseq.method)


def server_key(message: Message) -> TransactionKey:
    """§17.2.3: branch, sent-by and method (ACK matches its INVITE); RFC 2543 fallback."""
    via = message.top_via
    host, port = via.sent_by
    branch = via.branch or ""
    if not branch.startswith(BRANCH_MAGIC_COOKIE) or branch == BRANCH_MAGIC_COOKIE:
        cseq = message.cseq.number
        branch = f"rfc2543|{message.call_id}|{message.from_.tag}|{cseq}|{branch}"
    method = message.cseq.method if isinstance(message, Response) else message.method
    return TransactionKey(branch, "INVITE" if method == "ACK" else method, f"{host}:{port}")


def stamp_via(request: Request, source: Address) -> Request:
    """Add received/rport to the top Via as the receiver must (RFC 3261 §18.2.1, RFC 3581 §4)."""
    via = request.top_via
    host, port = source
    stamped = via
    if via.host.strip("[]") != host or via.wants_rport:
        stamped = stamped.with_param("received", host)
    if via.wants_rport:
        stamped = stamped.with_param("rport", str(port))
    if stamped == via:
        return request
    _, *rest = split_list(request.headers.lines("Via")[0])
    line = ", ".join([str(stamped), *rest])
    return request.replace_headers(request.headers.replace_first("Via", line))


def _dialog_key(request: Request) -> DialogKey:
    return request.call_id, request.cseq.number, request.from_.tag or ""


class TransactionLayer:
    """All live transactions of one SIP endpoint."""

    def __init__(self, new_tag: Callable[[], str]) -> None:
        self._new_tag = new_tag
        self._clients: dict[TransactionKey, ClientTransaction] = {}
        self._servers: dict[TransactionKey, ServerTransaction] = {}
        self._accepted: dict[DialogKey, TransactionKey] = {}
        # (deadline, sequence, key); an entry is stale once its transaction's deadline moved
        self._heap: list[tuple[float, int, TransactionKey]] = []
        self._sequence = itertools.count()

    def __len__(self) -> int:
        return len(self._clients) + len(self._servers)

    def _find(self, key: TransactionKey) -> Transaction | None:
        return self._servers.get(key) if key.sent_by else self._clients.get(key)

    def _schedule(self, transaction: Transaction) -> None:
        deadline = transaction.deadline
        if deadline is not None:
            heapq.heappush(self._heap, (deadline, next(self._sequence), transaction.key))

    def _is_current(self, entry: tuple[float, int, TransactionKey]) -> bool:
        transaction = self._find(entry[2])
        return transaction is not None and transaction.deadline == entry[0]

    def next_deadline(self) -> float | None:
        """When `tick` must next be called (None: no timer is running)."""
        while self._heap and not self._is_current(self._heap[0]):
            heapq.heappop(self._heap)
        return self._heap[0][0] if self._heap else None

    def tick(self, now: float) -> list[Action]:
        """Fire every timer due at `now`."""
        actions: list[Action] = []
        while self._heap and self._heap[0][0] <= now:
            entry = heapq.heappop(self._heap)
            transaction = self._find(entry[2])
            if transaction is None or transaction.deadline != entry[0]:
                continue
            fired = transaction.tick(now)
            actions += fired
            self._forget_terminated(fired)
            self._schedule(transaction)
        return actions

    def send_request(self, request: Request, destination: Address, now: float) -> list[Action]:
        """Start a client transaction for `request` (its top Via carries a fresh branch)."""
        branch = request.top_via.branch or ""
        if not branch.startswith(BRANCH_MAGIC_COOKIE) or branch == BRANCH_MAGIC_COOKIE:
            raise LocalProtocolError(f"branch {branch!r} lacks the magic cookie (§8.1.1.7)")
        key = TransactionKey(branch, request.method)
        if key in self._clients:
            raise LocalProtocolError(f"a client transaction {key} already exists")
        transaction = ClientTransaction(key, request, destination)
        self._clients[key] = transaction
        invite = self._clients.get(TransactionKey(branch, "INVITE"))
        if request.method == "CANCEL" and invite is not None:
            invite.guard_cancel(now)
            self._schedule(invite)
        actions = transaction.start(now)
        self._schedule(transaction)
        return actions

    def respond(self, response: Response, now: float) -> list[Action]:
        """Send the TU's response through the server transaction of its request."""
        key = server_key(response)
        transaction = self._servers.get(key)
        if transaction is None:
            raise LocalProtocolError(f"no server transaction {key} for this response")
        actions = transaction.respond(response, now)
        self._schedule(transaction)
        if transaction.is_invite and response.is_success:
            self._accepted[_dialog_key(transaction.request)] = key
        return actions

    def send_stateless(self, message: Message, destination: Address) -> list[Action]:
        """Send outside any transaction (the ACK for a 2xx, a stateless reply)."""
        return [SendMessage(message, destination)]

    def receive(self, message: Message, source: Address, now: float) -> list[Action]:
        """Feed one message from the network."""
        if isinstance(message, Response):
            return self._receive_response(message, now)
        request = stamp_via(message, source)
        if request.method == "ACK":
            return self._receive_ack(request, source, now)
        if request.method == "CANCEL":
            return self._receive_cancel(request, source, now)
        key = server_key(request)
        existing = self._servers.get(key)
        if existing is not None:
            return self._scheduled(existing, existing.receive_request(request, now))
        transaction = self._new_server(key, request)
        started = transaction.start(now)
        return self._scheduled(transaction, [*started, RequestReceived(request, source, key)])

    def _scheduled(self, transaction: Transaction, actions: list[Action]) -> list[Action]:
        self._schedule(transaction)
        return actions

    def _new_server(self, key: TransactionKey, request: Request) -> ServerTransaction:
        transaction = ServerTransaction(key, request, request.top_via.response_address)
        self._servers[key] = transaction
        return transaction

    def _receive_response(self, response: Response, now: float) -> list[Action]:
        transaction = self._clients.get(client_key(response))
        if transaction is None:
            return []  # RFC 3261 §18.1.2: a stray response is discarded
        return self._scheduled(transaction, transaction.receive(response, now))

    def _receive_ack(self, ack: Request, source: Address, now: float) -> list[Action]:
        transaction = self._servers.get(server_key(ack))
        if transaction is not None and transaction.state is not ServerState.ACCEPTED:
            return self._scheduled(transaction, transaction.receive_request(ack, now))
        accepted = self._servers.get(self._accepted.get(_dialog_key(ack)) or server_key(ack))
        if accepted is not None:
            accepted.receive_2xx_ack()
            self._schedule(accepted)
        return [RequestReceived(ack, source, None)]

    def _receive_cancel(self, cancel: Request, source: Address, now: float) -> list[Action]:
        key = server_key(cancel)
        if key in self._servers:
            existing = self._servers[key]
            return self._scheduled(existing, existing.receive_request(cancel, now))
        cancel_transaction = self._new_server(key, cancel)
        invite = self._servers.get(TransactionKey(key.branch, "INVITE", key.sent_by))
        if invite is None:
            rejected = cancel_transaction.respond(make_response(cancel, 481), now)
            return self._scheduled(cancel_transaction, rejected)
        last = invite.last_response
        tag = last.to.tag if last is not None and last.to.tag else self._new_tag()
        actions = cancel_transaction.respond(make_response(cancel, 200, to_tag=tag), now)
        if invite.state is ServerState.PROCEEDING:
            actions += invite.respond(make_response(invite.request, 487, to_tag=tag), now)
            actions.append(CancelReceived(invite.request, invite.key))
            self._schedule(invite)
        return self._scheduled(cancel_transaction, actions)

    def _forget_terminated(self, actions: list[Action]) -> None:
        for action in actions:
            if isinstance(action, TransactionTerminated):
                self._forget(action.transaction)

    def _forget(self, key: TransactionKey) -> None:
        if not key.sent_by:
            self._clients.pop(key, None)
            return
        self._forget_server(key)

    def _forget_server(self, key: TransactionKey) -> None:
        transaction = self._servers.pop(key, None)
        if transaction is not None and transaction.is_invite:
            self._accepted.pop(_dialog_key(transaction.request), None)

    def client_state(self, key: TransactionKey) -> ClientState | None:
        transaction = self._clients.get(key)
        return None if transaction is None else transaction.state

    def server_state(self, key: TransactionKey) -> ServerState | None:
        transaction = self._servers.get(key)
        return None if transaction is None else transaction.state
