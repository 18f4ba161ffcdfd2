"""Dialogs, the UAS and UAC helpers: whole calls between two stacks, and request building."""

from __future__ import annotations

import pytest

from ivrd.sip.actions import RequestReceived, ResponseReceived
from ivrd.sip.dialog import (
    AckReceived,
    ByeReceived,
    Dialog,
    DialogId,
    DialogState,
    InfoReceived,
    ReInviteReceived,
    options_response,
)
from ivrd.sip.digest import Credentials, verify
from ivrd.sip.endpoint import Endpoint
from ivrd.sip.errors import LocalProtocolError
from ivrd.sip.fields import NameAddr
from ivrd.sip.headers import Headers
from ivrd.sip.message import Request, Response, make_response, parse_message
from ivrd.sip.offer_answer import LocalMedia, answer_offer, build_offer
from ivrd.sip.transaction import TransactionLayer
from ivrd.sip.uac import Answered, Progress, Redirected, Rejected, UacInvite
from ivrd.sip.uas import UasInvite
from ivrd.sip.uri import SipUri
from tests.sip.peers import Network, Peer, counter_tags

A = ("10.0.0.1", 5060)
B = ("10.0.0.2", 5070)
EP_A = Endpoint(*A)
EP_B = Endpoint(*B)


class Call:
    """Peer A places a call to peer B through real transaction layers."""

    def __init__(self) -> None:
        self.a = Peer(A, TransactionLayer(counter_tags("ta")))
        self.b = Peer(B, TransactionLayer(counter_tags("tb")))
        self.net = Network(self.a, self.b)
        offer = build_offer(LocalMedia(A[0], 30000))
        self.uac = UacInvite(
            EP_A, counter_tags("a"), SipUri(B[0], "071", port=B[1]),
            NameAddr.parse('"Alice" <sip:alice@10.0.0.1>'), NameAddr.parse("<sip:071@10.0.0.2>"),
            bytes(offer), extra=(("P-Asserted-Identity", "<sip:+7987@10.0.0.1>"),),
        )  # fmt: skip
        self.seen_a = 0
        self.net.run(self.a, self.a.layer.send_request(self.uac.request, self.uac.destination, 0))
        self.uas = UasInvite(self.requests(self.b)[-1], EP_B, counter_tags("b"), "071")

    @staticmethod
    def requests(peer: Peer) -> list[Request]:
        return [a.request for _, a in peer.tu_events() if isinstance(a, RequestReceived)]

    def uac_events(self) -> list[object]:
        responses = [a.response for _, a in self.a.tu_events() if isinstance(a, ResponseReceived)]
        fresh = responses[self.seen_a :]
        self.seen_a = len(responses)
        return [self.uac.receive_response(r) for r in fresh]

    def answer(self, now: float = 0.1) -> Answered:
        offer = self.uas.offer
        assert offer is not None
        sdp, _ = answer_offer(offer, LocalMedia(B[0], 40000))
        self.net.advance(now)
        self.net.run(self.b, self.b.layer.respond(self.uas.answer(bytes(sdp)), now))
        answered = next(e for e in self.uac_events() if isinstance(e, Answered))
        self.net.run(self.a, self.a.layer.send_stateless(answered.ack, answered.dialog.next_hop))
        return answered

    def uas_dialog(self) -> Dialog:
        assert self.uas.dialog is not None
        return self.uas.dialog


def test_call_setup_and_bye_from_callee() -> None:
    call = Call()
    call.net.run(call.b, call.b.layer.respond(call.uas.provisional(180), 0.0))
    assert [type(e).__name__ for e in call.uac_events()] == ["Progress", "Progress"]
    answered = call.answer()
    uac_dialog, uas_dialog = answered.dialog, call.uas_dialog()
    assert uac_dialog.id == DialogId("a2@10.0.0.1", "a1", "b1")
    assert uas_dialog.id == DialogId("a2@10.0.0.1", "b1", "a1")
    ack = call.requests(call.b)[-1]
    assert ack.method == "ACK" and str(ack.cseq) == "1 ACK" and ack.to.tag == "b1"
    assert isinstance(uas_dialog.receive_request(ack).event, AckReceived)
    assert call.net.sent("200", B) == [0.1]  # the ACK stopped 2xx retransmission
    assert call.uac.request.headers.get("P-Asserted-Identity") == "<sip:+7987@10.0.0.1>"

    bye = uas_dialog.new_request("BYE")
    assert (str(bye.uri), str(bye.cseq), bye.headers.get("Route")) == (
        "sip:10.0.0.1:5060", "1 BYE", None)  # fmt: skip
    assert uas_dialog.state is DialogState.TERMINATED
    call.net.run(call.b, call.b.layer.send_request(bye, uas_dialog.next_hop, 1.0))
    incoming = call.requests(call.a)[-1]
    assert DialogId.of_incoming(incoming) == uac_dialog.id
    update = uac_dialog.receive_request(incoming)
    assert isinstance(update.event, ByeReceived) and update.response is not None
    call.net.run(call.a, call.a.layer.respond(update.response, 1.0))
    assert uac_dialog.state is DialogState.TERMINATED
    final = [a for _, a in call.b.tu_events() if isinstance(a, ResponseReceived)]
    assert (final[-1].response.status, final[-1].transaction.method) == (200, "BYE")


def test_reinvite_hold_answered_and_acked() -> None:
    call = Call()
    answered = call.answer()
    hold = build_offer(LocalMedia(A[0], 30000, session_version=2), direction="sendonly")
    reinvite = answered.dialog.new_request("INVITE", bytes(hold), "application/sdp")
    assert str(reinvite.cseq) == "2 INVITE" and reinvite.headers.get("Contact")
    call.net.advance(2.0)
    call.net.run(call.a, call.a.layer.send_request(reinvite, answered.dialog.next_hop, 2.0))
    update = call.uas_dialog().receive_request(call.requests(call.b)[-1])
    assert update.response is None and isinstance(update.event, ReInviteReceived)
    assert update.event.offer is not None
    sdp, session = answer_offer(update.event.offer, LocalMedia(B[0], 40000, session_version=2))
    assert session.on_hold and session.direction == "recvonly"
    ok = call.uas_dialog().accept_reinvite(update.event.request, bytes(sdp))
    call.net.run(call.b, call.b.layer.respond(ok, 2.0))
    response = [a for _, a in call.a.tu_events() if isinstance(a, ResponseReceived)][-1].response
    ack = answered.dialog.receive_response(response, reinvite)
    assert ack is not None and str(ack.cseq) == "2 ACK"
    call.net.run(call.a, call.a.layer.send_stateless(ack, answered.dialog.next_hop))
    assert isinstance(call.uas_dialog().receive_request(call.requests(call.b)[-1]).event,
                      AckReceived)  # fmt: skip
    assert call.net.sent("200", B) == [0.1, 2.0]


def test_info_options_and_unsupported_methods_in_dialog() -> None:
    call = Call()
    answered = call.answer()
    dialog = call.uas_dialog()
    info = answered.dialog.new_request("INFO", b"Signal=5\r\nDuration=160\r\n",
                                       "application/dtmf-relay")  # fmt: skip
    update = dialog.receive_request(parse_message(bytes(info)))  # type: ignore[arg-type]
    assert isinstance(update.event, InfoReceived)
    assert (update.event.content_type, update.event.body) == (
        "application/dtmf-relay", b"Signal=5\r\nDuration=160\r\n")  # fmt: skip
    assert update.response is not None and update.response.status == 200
    options = dialog.receive_request(answered.dialog.new_request("OPTIONS"))
    assert options.response is not None and options.response.headers.get("Allow") == (
        "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO")  # fmt: skip
    refer = dialog.receive_request(answered.dialog.new_request("REFER"))
    assert refer.response is not None and refer.response.status == 405
    assert refer.response.headers.get("Allow") is not None


def test_cseq_order_glare_and_terminated_dialog() -> None:
    call = Call()
    answered = call.answer()
    dialog = call.uas_dialog()
    first = answered.dialog.new_request("INFO")
    dialog.receive_request(answered.dialog.new_request("INFO"))
    stale = dialog.receive_request(first)
    assert stale.response is not None and stale.response.status == 500
    pending = dialog.receive_request(answered.dialog.new_request("INVITE"))
    assert pending.response is None
    again = dialog.receive_request(answered.dialog.new_request("INVITE"))
    assert again.response is not None and again.response.status == 500
    assert again.response.headers.get("Retry-After") == "3"
    ours = dialog.new_request("INVITE")
    answered.dialog.new_request("INVITE")  # the UAC's own re-INVITE is outstanding too
    glare = answered.dialog.receive_request(ours)
    assert glare.response is not None and glare.response.status == 491
    dialog.receive_request(answered.dialog.new_request("BYE"))
    late = dialog.receive_request(
        Request("INFO", first.uri, first.headers.replace("CSeq", "99 INFO"))
    )
    assert late.response is not None and late.response.status == 481
    with pytest.raises(LocalProtocolError, match="cannot send a dialog in state terminated"):
        dialog.new_request("INFO")
    with pytest.raises(LocalProtocolError, match="ACK is not built with new_request"):
        answered.dialog.new_request("ACK")


def test_route_sets_loose_and_strict() -> None:
    invite = parse_message(
        b"INVITE sip:071@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP p1.example.com;branch=z9hG4bK1\r\n"
        b"Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com:5080;lr>\r\n"
        b"From: <sip:a@h>;tag=fa\r\nTo: <sip:071@10.0.0.2>\r\nCall-ID: rr\r\nCSeq: 7 INVITE\r\n"
        b"Contact: <sip:a@10.9.9.9:5062>\r\nContent-Length: 0\r\n\r\n"
    )
    assert isinstance(invite, Request)
    uas = UasInvite(invite, EP_B, counter_tags("t"))
    ok = uas.answer(b"")
    assert ok.headers.lines("Record-Route") == [
        "<sip:p1.example.com;lr>, <sip:p2.example.com:5080;lr>"
    ]
    assert uas.dialog is not None
    bye = uas.dialog.new_request("BYE")
    assert str(bye.uri) == "sip:a@10.9.9.9:5062"
    assert bye.headers.get_all("Route") == [
        "<sip:p1.example.com;lr>",
        "<sip:p2.example.com:5080;lr>",
    ]
    assert uas.dialog.next_hop == ("p1.example.com", 5060)
    uac = Dialog.for_uac(invite, ok, EP_A, counter_tags("u"))
    assert uac.route_set == ("<sip:p2.example.com:5080;lr>", "<sip:p1.example.com;lr>")
    assert uac.next_hop == ("p2.example.com", 5080)
    strict = Dialog.for_uas(
        invite.replace_headers(invite.headers.replace("Record-Route", "<sip:s1>, <sip:s2;lr>")),
        ok, EP_B, counter_tags("s"),
    )  # fmt: skip
    request = strict.new_request("INFO")
    assert str(request.uri) == "sip:s1"
    assert request.headers.get_all("Route") == ["<sip:s2;lr>", "<sip:a@10.9.9.9:5062>"]


def test_uac_cancel_waits_for_provisional_then_487() -> None:
    call = Call()
    assert call.uac.cancel() is None  # only the 100 Trying... not yet seen by the UAC
    events = call.uac_events()
    assert isinstance(events[0], Progress) and events[0].cancel is not None
    cancel = events[0].cancel
    assert (cancel.top_via.branch, str(cancel.cseq)) == (
        call.uac.request.top_via.branch,
        "1 CANCEL",
    )
    call.net.run(call.a, call.a.layer.send_request(cancel, call.uac.destination, 0.5))
    outcome = call.uac_events()
    assert [type(e).__name__ for e in outcome] == ["NoneType", "Rejected"]  # 200 CANCEL ignored
    assert isinstance(outcome[1], Rejected) and outcome[1].response.status == 487
    assert call.uac.cancel() is None
    assert [w.label for w in call.net.wire] == ["INVITE", "100", "CANCEL", "200", "487", "ACK"]


def test_uac_busy_redirect_and_stray() -> None:
    call = Call()
    busy = call.uas.reject(486)
    call.net.run(call.b, call.b.layer.respond(busy, 0.0))
    outcome = call.uac_events()[-1]
    assert isinstance(outcome, Rejected) and outcome.busy
    other = Call()
    moved = other.uas.reject(302, extra=(("Contact", "<sip:072@10.0.0.3>"),))
    other.net.run(other.b, other.b.layer.respond(moved, 0.0))
    redirected = other.uac_events()[-1]
    assert isinstance(redirected, Redirected)
    assert [str(c.uri) for c in redirected.contacts] == ["sip:072@10.0.0.3"]
    assert other.uac.receive_response(make_response(other.uac.request, 180)) is None


def test_uac_retransmitted_2xx_gives_same_ack() -> None:
    call = Call()
    first = call.answer()
    again = call.uac.receive_response(first.response)
    assert isinstance(again, Answered) and again.ack == first.ack and again.dialog is first.dialog


def test_uac_authenticates_to_a_proxy() -> None:
    call = Call()
    challenge = 'Digest realm="trunk", nonce="abc", algorithm=MD5, qop="auth"'
    response = call.uas.reject(407, extra=(("Proxy-Authenticate", challenge),))
    with pytest.raises(LocalProtocolError, match="received first"):
        call.uac.authenticate(response, "ivrd", "s3cret")
    assert isinstance(call.uac.receive_response(response), Rejected)
    retry = call.uac.authenticate(response, "ivrd", "s3cret")
    assert str(retry.cseq) == "2 INVITE" and retry.call_id == call.uac.request.call_id
    assert retry.top_via.branch != call.uas.invite.top_via.branch
    assert retry.headers.get("P-Asserted-Identity") == "<sip:+7987@10.0.0.1>"
    credentials = Credentials.parse(retry.headers.get("Proxy-Authorization") or "")
    assert verify(credentials, "INVITE", "s3cret")
    with pytest.raises(LocalProtocolError, match="first 401/407 only"):
        call.uac.authenticate(response, "ivrd", "s3cret")
    retried = UasInvite(retry, EP_B, counter_tags("c"))
    answered = call.uac.receive_response(retried.answer(b""))
    assert isinstance(answered, Answered)  # §13.2.2.4: the ACK repeats the credentials
    assert answered.ack.headers.get("Proxy-Authorization") == retry.headers.get(
        "Proxy-Authorization"
    )


def test_uas_local_errors_and_options_out_of_dialog() -> None:
    call = Call()
    with pytest.raises(LocalProtocolError, match=r"101\.\.199"):
        call.uas.provisional(100)
    call.uas.reject(480)
    with pytest.raises(LocalProtocolError, match="already answered 480"):
        call.uas.answer(b"")
    options = Request("OPTIONS", SipUri("10.0.0.2"), Headers.of([
        ("Via", "SIP/2.0/UDP k;branch=z9hG4bKk"), ("From", "<sip:k@k>;tag=1"),
        ("To", "<sip:ivrd@10.0.0.2>"), ("Call-ID", "probe"), ("CSeq", "1 OPTIONS"),
    ]))  # fmt: skip
    reply = options_response(options, "probe-tag")
    assert (reply.status, reply.to.tag) == (200, "probe-tag")
    assert (
        reply.headers.get("Accept") == "application/sdp, application/dtmf-relay, application/dtmf"
    )


def test_dialog_needs_contact() -> None:
    invite = Call().uas.invite
    no_contact = invite.replace_headers(invite.headers.remove("Contact"))
    with pytest.raises(ValueError, match="without a Contact"):
        UasInvite(no_contact, EP_B, counter_tags("x")).answer(b"")


def _unused(_: Response) -> None:  # keeps the Response import honest for type checkers
    return None
