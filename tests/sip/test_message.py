"""Parsing and rendering SIP messages: round trips, framing, and every malformation's error."""

from __future__ import annotations

import pytest

from ivrd.sip.errors import SipParseError
from ivrd.sip.fields import CSeq, NameAddr, Via
from ivrd.sip.headers import Headers
from ivrd.sip.message import Request, Response, make_response, parse_message
from ivrd.sip.uri import SipUri
from tests.sip.wire import crlf

SDP = b"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"

INVITE = (
    crlf(
        "INVITE sip:071@127.0.0.1:5070 SIP/2.0\n"
        "Via: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bK-1;rport\n"
        "Max-Forwards: 70\n"
        'From: "Alice" <sip:alice@127.0.0.1:5090>;tag=a1\n'
        "To: <sip:071@127.0.0.1:5070>\n"
        "Call-ID: call-1@127.0.0.1\n"
        "CSeq: 1 INVITE\n"
        "Contact: <sip:alice@127.0.0.1:5090>\n"
        "Content-Type: application/sdp\n"
        f"Content-Length: {len(SDP)}\n"
        "\n"
    )
    + SDP
)


def test_parse_invite_fields() -> None:
    message = parse_message(INVITE)
    assert isinstance(message, Request)
    assert message.method == "INVITE"
    assert message.uri == SipUri("127.0.0.1", user="071", port=5070)
    assert message.top_via == Via(
        "UDP", "127.0.0.1", 5090, (("branch", "z9hG4bK-1"), ("rport", None))
    )
    assert message.from_ == NameAddr(
        SipUri("127.0.0.1", "alice", None, 5090), "Alice", (("tag", "a1"),)
    )
    assert message.to.tag is None
    assert message.call_id == "call-1@127.0.0.1"
    assert message.cseq == CSeq(1, "INVITE")
    assert message.max_forwards == 70
    assert message.content_type == "application/sdp"
    assert message.body == SDP


def test_round_trip_is_byte_exact() -> None:
    assert bytes(parse_message(INVITE)) == INVITE


def test_response_round_trip() -> None:
    data = crlf(
        "SIP/2.0 180 Ringing\n"
        "Via: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bK-1\n"
        "From: <sip:a@h>;tag=1\nTo: <sip:b@h>;tag=2\nCall-ID: x\nCSeq: 1 INVITE\n"
        "Content-Length: 0\n\n"
    )
    message = parse_message(data)
    assert isinstance(message, Response)
    assert (message.status, message.reason, message.is_provisional) == (180, "Ringing", True)
    assert bytes(message) == data


def test_serialising_sets_content_length() -> None:
    message = parse_message(INVITE)
    assert isinstance(message, Request)
    shorter = Request(message.method, message.uri, message.headers, b"x=1\r\n")
    rendered = bytes(shorter)
    assert rendered.endswith(b"Content-Length: 5\r\n\r\nx=1\r\n")
    assert rendered.count(b"Content-Length") == 1


def test_compact_forms_expand() -> None:
    data = crlf(
        "OPTIONS sip:h SIP/2.0\nv: SIP/2.0/UDP h;branch=z9hG4bKx\nf: <sip:a@h>;tag=1\n"
        "t: <sip:b@h>\ni: cid\nCSeq: 2 OPTIONS\nm: <sip:a@h>\nk: timer\ns: hi\nc: text/plain\n"
        "e: gzip\no: dialog\nu: talk\nl: 0\n\n"
    )
    message = parse_message(data)
    names = [name for name, _ in message.headers]
    assert names == [
        "Via", "From", "To", "Call-ID", "CSeq", "Contact", "Supported", "Subject",
        "Content-Type", "Content-Encoding", "Event", "Allow-Events", "Content-Length",
    ]  # fmt: skip
    assert message.headers.get("CALL-id") == "cid"


def test_multi_value_headers_split_outside_quotes_and_brackets() -> None:
    data = crlf(
        "OPTIONS sip:h SIP/2.0\nVia: SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b:5062\n"
        "Via: SIP/2.0/TCP c;received=1.2.3.4\nFrom: <sip:a@h>;tag=1\nTo: <sip:b@h>\n"
        'Call-ID: cid\nCSeq: 2 OPTIONS\nContact: "Doe, John" <sip:j,k@h;x=1>, <sip:k@h>\n\n'
    )
    message = parse_message(data)
    assert [v.host for v in message.vias] == ["a", "b", "c"]
    assert message.vias[1].port == 5062
    assert [str(c.uri) for c in message.contacts] == ["sip:j,k@h;x=1", "sip:k@h"]
    assert message.contacts[0].display_name == "Doe, John"


def test_folded_header_is_unfolded() -> None:
    data = crlf(
        "OPTIONS sip:h SIP/2.0\nVia: SIP/2.0/UDP a;\n  branch=z9hG4bK1\nFrom: <sip:a@h>;tag=1\n"
        "To: <sip:b@h>\nCall-ID: cid\nCSeq: 2\n\tOPTIONS\nSubject: one\n two\n\n"
    )
    message = parse_message(data)
    assert message.top_via.branch == "z9hG4bK1"
    assert message.headers.get("Subject") == "one two"
    assert message.cseq == CSeq(2, "OPTIONS")


def test_body_without_content_length_is_rest_of_datagram() -> None:
    data = INVITE.replace(f"Content-Length: {len(SDP)}\r\n".encode(), b"")
    assert parse_message(data).body == SDP


def test_body_longer_than_content_length_is_cut() -> None:
    assert parse_message(INVITE + b"garbage").body == SDP


def test_leading_crlf_ignored() -> None:
    assert bytes(parse_message(b"\r\n\r\n" + INVITE)) == INVITE


def test_every_truncation_raises_a_precise_error() -> None:
    header_end = INVITE.index(b"\r\n\r\n")
    for cut in range(len(INVITE)):
        expected = _truncation_error(cut, header_end)
        with pytest.raises(SipParseError) as info:
            parse_message(INVITE[:cut])
        assert str(info.value) == expected, cut


def _truncation_error(cut: int, header_end: int) -> str:
    prefix = INVITE[:cut].lstrip(b"\r\n")
    if not prefix:
        return "empty message"
    if cut < header_end + 4:
        return "no empty line after the headers (truncated message?)"
    available = cut - header_end - 4
    return f"Content-Length {len(SDP)} exceeds the {available} body bytes received"


MINIMAL = (
    "OPTIONS sip:h SIP/2.0\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\nFrom: <sip:a@h>;tag=1\n"
    "To: <sip:b@h>\nCall-ID: cid\nCSeq: 2 OPTIONS\n"
)


def _with(old: str, new: str) -> bytes:
    assert old in MINIMAL
    return crlf(MINIMAL.replace(old, new) + "\n")


MALFORMED = [
    (b"", "empty message"),
    (crlf("OPTIONS sip:h SIP/2.0\n"), "no empty line after the headers (truncated message?)"),
    (_with("OPTIONS sip:h SIP/2.0", "OPTIONS sip:h"),
     "request line must be 'Method SP Request-URI SP SIP/2.0': 'OPTIONS sip:h'"),
    (_with("OPTIONS sip:h SIP/2.0", "OPT@ONS sip:h SIP/2.0"), "invalid method 'OPT@ONS'"),
    (_with("OPTIONS sip:h SIP/2.0", "OPTIONS sip:h HTTP/1.1"), "invalid SIP version 'HTTP/1.1'"),
    (_with("OPTIONS sip:h SIP/2.0", "OPTIONS h SIP/2.0"), "URI without a valid scheme: 'h'"),
    (_with("OPTIONS sip:h SIP/2.0", "OPTIONS sip:h:99999 SIP/2.0"),
     "invalid port '99999' in URI 'sip:h:99999'"),
    (_with("Call-ID: cid\n", "Call-ID: cid\nNoColonHere\n"),
     "header line without a colon: 'NoColonHere'"),
    (_with("Call-ID: cid\n", "Call-ID: cid\nBad Name: 1\n"), "invalid header name 'Bad Name'"),
    (_with("Call-ID: cid\n", "Call-ID: cid\nContent-Length: 12x\n"),
     "invalid Content-Length '12x'"),
    (_with("Call-ID: cid\n", "Call-ID: cid\nContent-Length: 5\n"),
     "Content-Length 5 exceeds the 0 body bytes received"),
    (_with("CSeq: 2 OPTIONS", "CSeq: two OPTIONS"),
     "CSeq: expected 'number method', got 'two OPTIONS'"),
    (_with("CSeq: 2 OPTIONS", "CSeq: 2"), "CSeq: expected 'number method', got '2'"),
    (_with("CSeq: 2 OPTIONS", "CSeq: 2 INVITE"), "CSeq method INVITE does not match OPTIONS"),
    (_with("CSeq: 2 OPTIONS", "CSeq: 2147483648 OPTIONS"),
     "CSeq: number 2147483648 exceeds 2147483647"),
    (_with("Via: SIP/2.0/UDP a;branch=z9hG4bK1\n", ""), "missing mandatory header(s): Via"),
    (_with("From: <sip:a@h>;tag=1\n", ""), "missing mandatory header(s): From"),
    (_with("To: <sip:b@h>\n", ""), "missing mandatory header(s): To"),
    (_with("Call-ID: cid\n", ""), "missing mandatory header(s): Call-ID"),
    (_with("CSeq: 2 OPTIONS\n", ""), "missing mandatory header(s): CSeq"),
    (_with("Via: SIP/2.0/UDP a;branch=z9hG4bK1", "Via: SIP/2.0 a"),
     "Via: cannot parse 'SIP/2.0 a'"),
    (_with("Via: SIP/2.0/UDP a;branch=z9hG4bK1", "Via: SIP/3.0/UDP a"),
     "Via: unsupported protocol SIP/3.0"),
    (_with("To: <sip:b@h>", "To: <sip:b@h"), "To: '<' without matching '>'"),
    (_with("To: <sip:b@h>", "To: sip:b@h;tag"), None),
    (_with("Call-ID: cid", "Call-ID: a@b@c"), "invalid Call-ID 'a@b@c'"),
    (_with("Call-ID: cid\n", "Call-ID: cid\nMax-Forwards: many\n"), "invalid Max-Forwards 'many'"),
    (_with("Call-ID: cid\n", "Call-ID: cid\nCall-ID: other\n"), "multiple Call-ID headers"),
    (crlf("SIP/2.0 20 OK\n\n"), "invalid status code '20'"),
    (crlf("SIP/2.0 OK\n\n"), "invalid status line 'SIP/2.0 OK'"),
    (b"SIP/2.0 200 O\rK\r\n\r\n", "bare CR or LF in the start line"),
    (_with("Call-ID: cid\n", "Call-ID: cid\nX: a\rb\n"), "bare CR or LF in header X"),
]  # fmt: skip


@pytest.mark.parametrize(("data", "error"), [m for m in MALFORMED if m[1] is not None])
def test_malformed_message_error(data: bytes, error: str) -> None:
    with pytest.raises(SipParseError) as info:
        parse_message(data)
    assert str(info.value) == error
    assert info.value.status_hint == 400


def test_missing_max_forwards_is_accepted() -> None:
    assert parse_message(crlf(MINIMAL + "\n")).max_forwards is None  # type: ignore[union-attr]


def test_tag_flag_without_value_parses() -> None:
    message = parse_message(_with("To: <sip:b@h>", "To: sip:b@h;tag"))
    assert message.to.params == (("tag", None),)


def test_make_response_copies_headers_and_adds_tag() -> None:
    request = parse_message(INVITE)
    assert isinstance(request, Request)
    response = make_response(request, 486, to_tag="t9", extra=(("Retry-After", "30"),))
    assert response.reason == "Busy Here"
    assert response.to.tag == "t9"
    assert response.headers.lines("Via") == request.headers.lines("Via")
    assert response.cseq == request.cseq and response.call_id == request.call_id
    assert response.headers.get("Retry-After") == "30"
    assert parse_message(bytes(response)) == response.__class__(
        486, "Busy Here", response.headers.add("Content-Length", "0"), b""
    )


def test_headers_replace_remove_add() -> None:
    headers = Headers.of([("v", "SIP/2.0/UDP a"), ("To", "<sip:b@h>"), ("Via", "SIP/2.0/UDP c")])
    assert headers.replace("Via", "X").items == (("Via", "X"), ("To", "<sip:b@h>"))
    assert headers.remove("via").items == (("To", "<sip:b@h>"),)
    assert headers.add("Route", "<sip:p;lr>", first=True).items[0] == ("Route", "<sip:p;lr>")
    with pytest.raises(ValueError, match="not canonical"):
        Headers((("call-id", "x"),))
