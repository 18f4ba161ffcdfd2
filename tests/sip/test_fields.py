"""Round trips of URIs, name-addrs and Via values built from arbitrary valid parts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ivrd.sip.errors import SipParseError
from ivrd.sip.fields import CSeq, NameAddr, Via
from ivrd.sip.uri import SipUri, parse_sip_uri, parse_uri

TOKEN = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~",
                min_size=1, max_size=12)  # fmt: skip
USER = st.text("abcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()&=+$,;?/", min_size=1, max_size=12)
HOST = st.from_regex(r"[a-z0-9]([a-z0-9.-]{0,10}[a-z0-9])?", fullmatch=True) | st.sampled_from(
    ["127.0.0.1", "[::1]", "[2001:db8::5]"]
)
PARAM = st.tuples(
    st.text("abcdefghijklmnopqrstuvwxyz0123456789-_.", min_size=1, max_size=8),
    st.none() | st.text("abcdefghijklmnopqrstuvwxyz0123456789-_.", min_size=1, max_size=8),
)
DISPLAY_CHARS = st.characters(blacklist_characters="\r\n")
URIS = st.builds(
    SipUri,
    host=HOST,
    user=st.none() | USER,
    port=st.none() | st.integers(1, 65535),
    params=st.lists(PARAM, max_size=3).map(tuple),
    scheme=st.sampled_from(["sip", "sips"]),
)


@settings(max_examples=100)
@given(URIS)
def test_sip_uri_round_trip(uri: SipUri) -> None:
    assert parse_sip_uri(str(uri)) == uri


@settings(max_examples=100)
@given(URIS, st.none() | st.text(DISPLAY_CHARS, min_size=1, max_size=10),
       st.lists(st.tuples(TOKEN, st.none() | TOKEN), max_size=3).map(tuple))  # fmt: skip
def test_name_addr_round_trip(
    uri: SipUri, display: str | None, params: tuple[tuple[str, str | None], ...]
) -> None:
    value = NameAddr(uri, display, params)
    assert NameAddr.parse(str(value)) == value


@settings(max_examples=100)
@given(st.sampled_from(["UDP", "TCP", "TLS"]), HOST, st.none() | st.integers(1, 65535),
       st.lists(st.tuples(TOKEN, st.none() | TOKEN), max_size=3).map(tuple))  # fmt: skip
def test_via_round_trip(
    transport: str, host: str, port: int | None, params: tuple[tuple[str, str | None], ...]
) -> None:
    via = Via(transport, host, port, params)
    assert Via.parse(str(via)) == via


def test_uri_details() -> None:
    uri = parse_sip_uri(
        "sips:alice:pw@[2001:db8::1]:5061;transport=TCP;lr;maddr=10.0.0.1?subject=hi&x=y"
    )
    assert (uri.user, uri.password, uri.host, uri.port) == ("alice", "pw", "[2001:db8::1]", 5061)
    assert (uri.transport, uri.lr, uri.param("maddr")) == ("tcp", True, "10.0.0.1")
    assert uri.headers == (("subject", "hi"), ("x", "y"))
    assert uri.host_port == ("2001:db8::1", 5061)
    assert parse_sip_uri("sip:h").host_port == ("h", 5060)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("sip:", "invalid host '' in URI 'sip:'"),
        ("sip:a b@h", "whitespace in URI 'sip:a b@h'"),
        ('sip:us"er@h', "invalid user part 'us\"er' in URI 'sip:us\"er@h'"),
        ("sip:u%zz@h", "invalid user part 'u%zz' in URI 'sip:u%zz@h'"),
        ("sip:h;;lr", "empty parameter in URI 'sip:h;;lr'"),
        ("sip:h;a=<b>", "invalid parameter 'a=<b>' in URI 'sip:h;a=<b>'"),
        ("sip:h?novalue", "invalid header 'novalue' in URI 'sip:h?novalue'"),
        ("sip:[::1]x", "invalid host '[::1]x' in URI 'sip:[::1]x'"),
        ("sip:h:", "invalid port '' in URI 'sip:h:'"),
        ("tel:", "empty URI after scheme 'tel'"),
        ("1sip:h", "URI without a valid scheme: '1sip:h'"),
    ],
)
def test_uri_errors(text: str, error: str) -> None:
    with pytest.raises(SipParseError) as info:
        parse_uri(text)
    assert str(info.value) == error


def test_value_objects_validate() -> None:
    with pytest.raises(ValueError, match="out of range"):
        CSeq(2**31, "INVITE")
    with pytest.raises(ValueError, match="invalid host"):
        SipUri("bad host")
    with pytest.raises(ValueError, match="invalid Via transport"):
        Via("U D P", "h")
    with pytest.raises(SipParseError, match="expected a sip: or sips: URI"):
        parse_sip_uri("tel:+1")
