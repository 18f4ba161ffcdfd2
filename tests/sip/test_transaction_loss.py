"""Whatever the network loses, transactions end cleanly: each side's TU hears each thing once."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from ivrd.sip.actions import (
    Action,
    RequestReceived,
    ResponseReceived,
    SendMessage,
    TransactionTimedOut,
)
from ivrd.sip.message import Message, Request, make_response
from ivrd.sip.transaction import TransactionLayer
from tests.sip.peers import Network, Peer, counter_tags
from tests.sip.test_transaction import A, B, ack_for_2xx, request


def _lossy(pattern: list[bool]) -> object:
    remaining = list(pattern)

    def drop(message: Message, source: object, destination: object) -> bool:
        return remaining.pop(0) if remaining else False

    return drop


def _run(pattern: list[bool], status: int) -> tuple[Peer, Peer]:
    a = Peer(A, TransactionLayer(counter_tags("ta")))
    b = Peer(B, TransactionLayer(counter_tags("tb")))
    net = Network(a, b, _lossy(pattern))  # type: ignore[arg-type]

    def callee(action: Action, now: float) -> list[Action]:
        if isinstance(action, RequestReceived) and action.request.method == "INVITE":
            return b.layer.respond(make_response(action.request, status, to_tag="t"), now)
        return []

    def caller(action: Action, now: float) -> list[Action]:
        if isinstance(action, ResponseReceived) and action.response.status == 200:
            return a.layer.send_stateless(ack_for_2xx(action.response), B)
        return []

    a.tu, b.tu = caller, callee
    net.run(a, a.layer.send_request(request("INVITE"), B, 0.0))
    net.advance(100.0)
    if len(a.layer):  # the caller's no-answer timeout: CANCEL (RFC 3261 §9.1 then gives up)
        net.run(a, a.layer.send_request(request("CANCEL"), B, 100.0))
    net.advance(300.0)
    return a, b


def _tu(peer: Peer) -> list[Action]:
    return [action for _, action in peer.events if not isinstance(action, SendMessage)]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.booleans(), max_size=30), st.sampled_from([200, 486]))
@example([False, False, *[True] * 11], 200)  # 100 Trying arrives, every 2xx is lost
@example([False, False, *[True] * 11], 486)  # 100 Trying arrives, every 486 is lost
def test_invite_under_loss_ends_cleanly(pattern: list[bool], status: int) -> None:
    a, b = _run(pattern, status)
    assert (len(a.layer), len(b.layer)) == (0, 0)
    assert a.layer.next_deadline() is None and b.layer.next_deadline() is None
    invites = [x for x in _tu(b) if isinstance(x, RequestReceived) and x.request.method == "INVITE"]
    assert len(invites) <= 1
    finals = [x for x in _tu(a) if isinstance(x, ResponseReceived) and x.response.status == status]
    timeouts = [x for x in _tu(a) if isinstance(x, TransactionTimedOut)]
    assert bool(finals) != bool(timeouts)  # answered, or timer B: never both, never neither
    if status == 486:
        assert len(finals) <= 1  # non-2xx finals reach the TU once; the transaction re-ACKs
    if not invites:
        assert [t.timer for t in timeouts] == ["B"]
    acks = [x for x in _tu(b) if isinstance(x, RequestReceived) and x.request.method == "ACK"]
    server_timeouts = [x.timer for x in _tu(b) if isinstance(x, TransactionTimedOut)]
    if status == 200 and invites:
        assert bool(acks) != (server_timeouts == ["L"])
    assert all(isinstance(x.request, Request) for x in acks)
