"""RFC 3261 §17 transactions: two layers against each other in virtual time, over a lossy wire."""

from __future__ import annotations

import pytest

from ivrd.sip.actions import (
    CancelReceived,
    RequestReceived,
    ResponseReceived,
    SendMessage,
    TransactionKey,
    TransactionTerminated,
    TransactionTimedOut,
)
from ivrd.sip.client_transaction import ClientState
from ivrd.sip.errors import LocalProtocolError
from ivrd.sip.headers import Headers
from ivrd.sip.message import Message, Request, Response, make_response
from ivrd.sip.server_transaction import ServerState
from ivrd.sip.transaction import TransactionLayer, server_key
from ivrd.sip.uri import SipUri
from tests.sip.peers import Network, Peer, counter_tags

A = ("10.0.0.1", 5060)
B = ("10.0.0.2", 5070)
UNANSWERED_NON_INVITE = [0.0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5]


def request(method: str, branch: str = "z9hG4bK-1", cseq: int = 1, to_tag: str = "") -> Request:
    to = "<sip:b@10.0.0.2:5070>" + (f";tag={to_tag}" if to_tag else "")
    headers = Headers.of([
        ("Via", f"SIP/2.0/UDP 10.0.0.1:5060;branch={branch};rport"), ("Max-Forwards", "70"),
        ("From", "<sip:a@10.0.0.1>;tag=fa"), ("To", to), ("Call-ID", "call-1"),
        ("CSeq", f"{cseq} {method}"),
    ])  # fmt: skip
    return Request(method, SipUri("10.0.0.2", "b", port=5070), headers)


def setup(drop: object = None) -> tuple[Peer, Peer, Network]:
    a = Peer(A, TransactionLayer(counter_tags("ta")))
    b = Peer(B, TransactionLayer(counter_tags("tb")))
    return a, b, Network(a, b, drop)  # type: ignore[arg-type]


def kinds(peer: Peer) -> list[tuple[float, str]]:
    return [(t, _describe(a)) for t, a in peer.tu_events()]


def _describe(action: object) -> str:
    if isinstance(action, RequestReceived):
        return f"request {action.request.method}"
    if isinstance(action, ResponseReceived):
        return f"response {action.response.status} {action.transaction.method}"
    if isinstance(action, TransactionTimedOut):
        return f"timeout {action.timer}"
    if isinstance(action, CancelReceived):
        return "cancelled"
    assert isinstance(action, TransactionTerminated)
    return f"terminated {action.transaction.method}"


def received_request(peer: Peer, index: int = 0) -> RequestReceived:
    found = [a for _, a in peer.tu_events() if isinstance(a, RequestReceived)]
    return found[index]


def ack_for_2xx(response: Response) -> Request:
    ack = request("ACK", branch="z9hG4bK-ack", to_tag=response.to.tag or "")
    return ack


def drop_first(label: str) -> object:
    dropped: list[bool] = []

    def drop(message: Message, source: object, destination: object) -> bool:
        matches = (message.method if isinstance(message, Request) else str(message.status)) == label
        if matches and not dropped:
            dropped.append(True)
            return True
        return False

    return drop


def test_non_invite_answered_at_once() -> None:
    a, b, net = setup()
    net.run(a, a.layer.send_request(request("OPTIONS"), B, 0.0))
    incoming = received_request(b)
    assert incoming.request.top_via.received == "10.0.0.1"
    assert incoming.request.top_via.rport == 5060
    net.run(b, b.layer.respond(make_response(incoming.request, 200, to_tag="x"), 0.0))
    net.advance(100.0)
    assert kinds(a) == [(0.0, "response 200 OPTIONS"), (5.0, "terminated OPTIONS")]
    assert kinds(b) == [(0.0, "request OPTIONS"), (32.0, "terminated OPTIONS")]
    assert net.sent("OPTIONS", A) == [0.0]
    assert (len(a.layer), len(b.layer)) == (0, 0)


def test_non_invite_unanswered_retransmits_then_timer_f() -> None:
    a, b, net = setup()
    net.run(a, a.layer.send_request(request("OPTIONS"), B, 0.0))
    net.advance(40.0)
    assert net.sent("OPTIONS", A) == UNANSWERED_NON_INVITE
    assert kinds(a) == [(32.0, "timeout F"), (32.0, "terminated OPTIONS")]
    assert kinds(b) == [(0.0, "request OPTIONS")]  # retransmissions absorbed


def test_non_invite_provisional_slows_retransmissions_to_t2() -> None:
    a, b, net = setup()
    net.run(a, a.layer.send_request(request("OPTIONS"), B, 0.0))
    net.advance(1.0)
    net.run(b, b.layer.respond(make_response(received_request(b).request, 100), 1.0))
    net.advance(40.0)
    assert net.sent("OPTIONS", A) == [0.0, 0.5, 1.5, 5.5, 9.5, 13.5, 17.5, 21.5, 25.5, 29.5]
    assert net.sent("100", B) == [1.0, 1.5, 5.5, 9.5, 13.5, 17.5, 21.5, 25.5, 29.5]
    provisional = [t for t, k in kinds(a) if k == "response 100 OPTIONS"]
    assert provisional == net.sent("100", B)  # §17.1.2.2: every 1xx in Proceeding goes up
    assert kinds(a)[-2:] == [(32.0, "timeout F"), (32.0, "terminated OPTIONS")]


def test_non_invite_lost_response_resent_on_retransmission() -> None:
    a, b, net = setup(drop_first("200"))
    net.run(a, a.layer.send_request(request("OPTIONS"), B, 0.0))
    net.run(b, b.layer.respond(make_response(received_request(b).request, 200), 0.0))
    net.advance(40.0)
    assert net.sent("OPTIONS", A) == [0.0, 0.5]
    assert net.sent("200", B) == [0.0, 0.5]
    assert kinds(a) == [(0.5, "response 200 OPTIONS"), (5.5, "terminated OPTIONS")]
    assert kinds(b) == [(0.0, "request OPTIONS"), (32.0, "terminated OPTIONS")]


def test_invite_lost_timer_a_doubles_then_timer_b() -> None:
    a, _, net = setup(lambda message, source, destination: isinstance(message, Request))
    net.run(a, a.layer.send_request(request("INVITE"), B, 0.0))
    net.advance(40.0)
    assert net.sent("INVITE", A) == [0.0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5]
    assert kinds(a) == [(32.0, "timeout B"), (32.0, "terminated INVITE")]


def test_invite_rejected_ack_generated_and_lost_ack_recovered() -> None:
    a, b, net = setup(drop_first("ACK"))
    net.run(a, a.layer.send_request(request("INVITE"), B, 0.0))
    invite = received_request(b).request
    net.run(b, b.layer.respond(make_response(invite, 486, to_tag="busy"), 0.0))
    net.advance(60.0)
    assert [w.label for w in net.wire] == ["INVITE", "100", "486", "ACK", "486", "ACK"]
    assert net.sent("486", B) == [0.0, 0.5]
    assert kinds(a) == [(0.0, "response 100 INVITE"), (0.0, "response 486 INVITE"),
                        (32.0, "terminated INVITE")]  # fmt: skip
    assert kinds(b) == [(0.0, "request INVITE"), (5.5, "terminated INVITE")]
    ack = net.wire[3].message
    assert isinstance(ack, Request) and ack.to.tag == "busy"
    assert ack.top_via.branch == "z9hG4bK-1" and str(ack.cseq) == "1 ACK"


def test_invite_rejected_ack_never_arrives_timer_h() -> None:
    a, b, net = setup(lambda message, source, destination: message_is(message, "ACK"))
    net.run(a, a.layer.send_request(request("INVITE"), B, 0.0))
    net.run(b, b.layer.respond(make_response(received_request(b).request, 603), 0.0))
    net.advance(60.0)
    assert net.sent("603", B) == UNANSWERED_NON_INVITE
    assert kinds(b) == [(0.0, "request INVITE"), (32.0, "timeout H"), (32.0, "terminated INVITE")]


def message_is(message: Message, label: str) -> bool:
    return isinstance(message, Request) and message.method == label


def test_invite_accepted_2xx_retransmitted_until_timer_l_without_ack() -> None:
    a, b, net = setup()
    net.run(a, a.layer.send_request(request("INVITE"), B, 0.0))
    net.run(b, b.layer.respond(make_response(received_request(b).request, 200, to_tag="ok"), 0.0))
    net.advance(60.0)
    assert net.sent("200", B) == UNANSWERED_NON_INVITE
    assert kinds(b) == [(0.0, "request INVITE"), (32.0, "timeout L"), (32.0, "terminated INVITE")]
    responses = [t for t, k in kinds(a) if k == "response 200 INVITE"]
    assert responses == UNANSWERED_NON_INVITE  # each 2xx reaches the TU, which re-ACKs
    assert kinds(a)[-1] == (32.0, "terminated INVITE")


def test_invite_accepted_ack_stops_retransmission_and_reaches_tu() -> None:
    a, b, net = setup(drop_first("200"))
    net.run(a, a.layer.send_request(request("INVITE"), B, 0.0))
    net.run(b, b.layer.respond(make_response(received_request(b).request, 200, to_tag="ok"), 0.0))
    net.advance(0.5)
    ok = [a for _, a in a.tu_events() if isinstance(a, ResponseReceived)][-1].response
    assert ok.status == 200
    net.run(a, a.layer.send_stateless(ack_for_2xx(ok), B))
    net.advance(60.0)
    assert net.sent("200", B) == [0.0, 0.5]
    ack = received_request(b, 1)
    assert ack.request.method == "ACK" and ack.transaction is None
    assert kinds(b) == [(0.0, "request INVITE"), (0.5, "request ACK"), (32.0, "terminated INVITE")]


def test_invite_retransmission_in_accepted_resends_2xx() -> None:
    a, b, net = setup()
    net.run(a, a.layer.send_request(request("INVITE"), B, 0.0))
    invite = received_request(b).request
    net.run(b, b.layer.respond(make_response(invite, 200, to_tag="ok"), 0.0))
    net.run(b, b.layer.receive(request("INVITE"), A, 0.1))
    assert net.sent("200", B) == [0.0, 0.0]
    assert [k for _, k in kinds(b)] == ["request INVITE"]


def test_cancel_pending_invite_gives_200_and_487() -> None:
    a, b, net = setup()
    net.run(a, a.layer.send_request(request("INVITE"), B, 0.0))
    invite = received_request(b).request
    net.run(b, b.layer.respond(make_response(invite, 180, to_tag="ring"), 0.0))
    net.advance(1.0)
    net.run(a, a.layer.send_request(request("CANCEL"), B, 1.0))
    net.advance(60.0)
    assert [w.label for w in net.wire] == ["INVITE", "100", "180", "CANCEL", "200", "487", "ACK"]
    assert [str(w.message.to.tag) for w in net.wire[4:6]] == ["ring", "ring"]
    assert kinds(b) == [
        (0.0, "request INVITE"), (1.0, "cancelled"), (6.0, "terminated INVITE"),
        (33.0, "terminated CANCEL"),
    ]  # fmt: skip
    assert kinds(a) == [
        (0.0, "response 100 INVITE"), (0.0, "response 180 INVITE"),
        (1.0, "response 200 CANCEL"), (1.0, "response 487 INVITE"),
        (6.0, "terminated CANCEL"), (33.0, "terminated INVITE"),
    ]  # fmt: skip


def test_cancel_without_tag_uses_new_tag_for_both_responses() -> None:
    a, _b, net = setup()
    net.run(a, a.layer.send_request(request("INVITE"), B, 0.0))
    net.run(a, a.layer.send_request(request("CANCEL"), B, 0.2))
    labelled = [(w.label, w.message.to.tag) for w in net.wire]
    assert labelled[2:] == [("CANCEL", None), ("200", "tb1"), ("487", "tb1"), ("ACK", "tb1")]


def test_cancel_after_final_and_cancel_unknown() -> None:
    a, b, net = setup()
    net.run(a, a.layer.send_request(request("INVITE"), B, 0.0))
    net.run(b, b.layer.respond(make_response(received_request(b).request, 200, to_tag="t"), 0.0))
    net.run(a, a.layer.send_request(request("CANCEL"), B, 0.1))
    net.run(a, a.layer.send_request(request("CANCEL", branch="z9hG4bK-none"), B, 0.1))
    assert [w.label for w in net.wire] == ["INVITE", "100", "200", "CANCEL", "200", "CANCEL", "481"]
    assert not any(isinstance(x, CancelReceived) for _, x in b.events)


def test_stray_response_is_dropped() -> None:
    layer = TransactionLayer(counter_tags("t"))
    assert layer.receive(make_response(request("OPTIONS"), 200), B, 0.0) == []


def test_rfc2543_request_without_branch_matches_its_ack() -> None:
    layer = TransactionLayer(counter_tags("t"))
    invite = request("INVITE", branch="old")
    actions = layer.receive(invite, ("10.0.0.9", 5060), 0.0)
    key = server_key(invite)
    assert key.branch.startswith("rfc2543|call-1|fa|1|")
    stamped = next(a for a in actions if isinstance(a, RequestReceived)).request
    assert stamped.top_via.received == "10.0.0.9"
    sent = layer.respond(make_response(stamped, 404, to_tag="nf"), 0.0)
    assert isinstance(sent[0], SendMessage) and sent[0].address == ("10.0.0.9", 5060)
    assert layer.receive(request("ACK", branch="old", to_tag="nf"), A, 0.1) == []
    assert layer.server_state(key) is ServerState.CONFIRMED


def test_local_protocol_errors() -> None:
    layer = TransactionLayer(counter_tags("t"))
    with pytest.raises(LocalProtocolError, match="magic cookie"):
        layer.send_request(request("OPTIONS", branch="abc"), B, 0.0)
    with pytest.raises(LocalProtocolError, match="ACK is sent without a transaction"):
        layer.send_request(request("ACK"), B, 0.0)
    layer.send_request(request("OPTIONS"), B, 0.0)
    assert layer.client_state(TransactionKey("z9hG4bK-1", "OPTIONS")) is ClientState.TRYING
    with pytest.raises(LocalProtocolError, match="already exists"):
        layer.send_request(request("OPTIONS"), B, 0.0)
    with pytest.raises(LocalProtocolError, match="no server transaction"):
        layer.respond(make_response(request("INFO"), 200), 0.0)
    layer.receive(request("INVITE"), A, 0.0)
    layer.respond(make_response(request("INVITE"), 486, to_tag="x"), 0.0)
    with pytest.raises(LocalProtocolError, match="cannot send final in state Completed"):
        layer.respond(make_response(request("INVITE"), 500, to_tag="x"), 0.0)


def test_badbranch_bare_magic_cookie_is_treated_as_rfc2543() -> None:
    """RFC 4475 §3.3.? 'badbranch': a branch of only the magic cookie identifies nothing."""
    key = server_key(request("OPTIONS", branch="z9hG4bK"))
    assert key.branch.startswith("rfc2543|call-1|fa|1|")
