"""UAS request checks (§8.2) and the 400 sent back for messages that do not parse."""

from __future__ import annotations

import pytest

from ivrd.sip.errors import SipParseError
from ivrd.sip.message import Request, parse_message
from ivrd.sip.uas import precheck, reply_to_unparsable
from ivrd.sip.uri import AbsoluteUri
from tests.sip.wire import crlf

BASE = (
    "INVITE sip:071@10.0.0.2 SIP/2.0\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKp\n"
    "From: <sip:a@10.0.0.1>;tag=f\nTo: <sip:071@10.0.0.2>\nCall-ID: pre\nCSeq: 1 INVITE\n"
)


def _invite(extra: str = "", body: str = "") -> Request:
    message = parse_message(crlf(BASE + extra + "\n" + body))
    assert isinstance(message, Request)
    return message


@pytest.mark.parametrize(
    ("request_", "status", "header"),
    [
        (Request("INVITE", AbsoluteUri("tel", "+71"), _invite().headers), 416, None),
        (_invite("Require: nothing, 100rel\n"), 420, ("Unsupported", "nothing, 100rel")),
        (_invite("Content-Type: text/plain\n", "hello"), 415, ("Accept", "application/sdp")),
        (_invite("Content-Type: application/sdp\nContent-Encoding: gzip\n", "x"), 415, None),
        (_invite("Accept: text/nobodyknowsthis\n"), 406, None),
    ],
)  # fmt: skip
def test_precheck_rejections(
    request_: Request, status: int, header: tuple[str, str] | None
) -> None:
    response = precheck(request_, "tag1")
    assert response is not None and response.status == status and response.to.tag == "tag1"
    if header is not None:
        assert response.headers.get(header[0]) == header[1]


def test_precheck_accepts_plain_and_sdp_invites() -> None:
    assert precheck(_invite(), "t") is None
    assert precheck(_invite("Accept: application/sdp;level=1, text/html\n"), "t") is None
    assert precheck(_invite("Content-Type: application/sdp\n", "v=0\r\n"), "t") is None


def test_reply_to_unparsable_request_is_400_with_warning() -> None:
    data = crlf(BASE + "Content-Length: 9999\n\nv=0\n")
    with pytest.raises(SipParseError) as info:
        parse_message(data)
    reply = reply_to_unparsable(data, info.value)
    assert reply is not None and (reply.status, reply.reason) == (400, "Bad Request")
    assert reply.headers.get("Warning") == (
        '399 ivrd "Content-Length 9999 exceeds the 5 body bytes received"'
    )
    reparsed = parse_message(bytes(reply))
    assert reparsed.call_id == "pre" and reparsed.top_via.branch == "z9hG4bKp"


def test_reply_to_unparsable_version_is_505() -> None:
    data = crlf(BASE.replace("SIP/2.0\n", "SIP/7.0\n", 1) + "\n")
    with pytest.raises(SipParseError) as info:
        parse_message(data)
    reply = reply_to_unparsable(data, info.value)
    assert reply is not None and reply.status == 505


@pytest.mark.parametrize(
    "data",
    [
        crlf("SIP/2.0 200 OK\nVia: x\n\n"),
        crlf(BASE.replace("Call-ID: pre\n", "") + "\n"),
        b"\r\n\r\n",
        b"\x00\x01garbage",
    ],
)
def test_reply_to_unparsable_gives_up_when_it_cannot_address_a_reply(data: bytes) -> None:
    assert reply_to_unparsable(data, SipParseError("x")) is None
