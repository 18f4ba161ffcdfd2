"""REGISTER handling: bindings and expiry rules, wildcard removal, challenge and verification."""

from __future__ import annotations

import pytest

from ivrd.sip.digest import Challenge, Credentials, authorize, verify
from ivrd.sip.errors import RemoteProtocolError
from ivrd.sip.message import Request, parse_message
from ivrd.sip.registration import (
    Binding,
    parse_register,
    register_challenge,
    register_ok,
    register_too_brief,
    too_brief,
)
from tests.sip.wire import crlf

HEAD = (
    "REGISTER sip:127.0.0.1:5070 SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bKr\n"
    "From: <sip:000*002@127.0.0.1>;tag=r1\nTo: <sip:000*002@127.0.0.1>\nCall-ID: reg-1\n"
    "CSeq: 4 REGISTER\n"
)


def _register(extra: str) -> Request:
    message = parse_message(crlf(HEAD + extra + "Content-Length: 0\n\n"))
    assert isinstance(message, Request)
    return message


def test_bindings_and_expiry_precedence() -> None:
    registration = parse_register(_register(
        "Expires: 600\nContact: <sip:bs@127.0.0.1:5062>;expires=120, <sip:bs@10.0.0.5:5062>\n"
        "Contact: <sip:x@h>;expires=99999999999999\n"
    ))  # fmt: skip
    assert registration.user == "000*002"
    assert [b.expires for b in registration.bindings] == [120, 600, 600]
    assert (registration.remove_all, registration.cseq, registration.credentials) == (
        False,
        4,
        None,
    )
    assert too_brief(registration, 300) and not too_brief(registration, 60)


def test_default_expiry_and_wildcard() -> None:
    assert parse_register(_register("Contact: <sip:bs@h>\n")).bindings[0].expires == 3600
    removal = parse_register(_register("Contact: *\nExpires: 0\n"))
    assert removal.remove_all and removal.bindings == ()
    assert parse_register(_register("")).bindings == ()  # a query
    for bad in ("Contact: *\n", "Contact: *, <sip:a@h>\nExpires: 0\n"):
        with pytest.raises(RemoteProtocolError, match=r"'Contact: \*' needs Expires: 0"):
            parse_register(_register(bad))


def test_challenge_then_authorized_register() -> None:
    first = _register("Contact: <sip:bs@127.0.0.1:5062>\n")
    challenge = Challenge("ivrd", "nonce-1")
    reply = register_challenge(first, challenge, "t1")
    assert reply.status == 401
    assert Challenge.parse(reply.headers.get("WWW-Authenticate") or "") == challenge
    credentials = authorize(challenge, "REGISTER", "sip:127.0.0.1:5070", "000*002", "pw", "cn")
    second = parse_register(_register(f"Authorization: {credentials}\nContact: <sip:bs@h>\n"))
    assert isinstance(second.credentials, Credentials)
    assert verify(second.credentials, "REGISTER", "pw")
    ok = register_ok(first, (Binding(second.bindings[0].contact, 3600),), "t1")
    assert ok.headers.get_all("Contact") == ["<sip:bs@h>;expires=3600"]
    brief = register_too_brief(first, 60, "t1")
    assert (brief.status, brief.headers.get("Min-Expires")) == (423, "60")
