"""Mangled datagrams never crash the parsers: they parse (and re-render stably) or fail cleanly."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ivrd.sip.errors import SipParseError
from ivrd.sip.message import parse_message
from ivrd.sip.sdp import parse_sdp
from ivrd.sip.uas import reply_to_unparsable
from tests.sip.test_message import INVITE, SDP
from tests.sip.test_torture import WSINV

SEEDS = [INVITE, WSINV]
SDP_SEED = SDP + b"m=audio 4000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n"


def _mangle(data: bytes, position: int, length: int, insert: bytes) -> bytes:
    position %= len(data) + 1
    return data[:position] + insert + data[position + length :]


def _check(data: bytes) -> None:
    try:
        message = parse_message(data)
    except SipParseError as exc:
        reply_to_unparsable(data, exc)  # must not raise either
        return
    rendered = bytes(message)
    assert parse_message(rendered) == parse_message(bytes(parse_message(rendered)))


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(SEEDS),
    st.integers(min_value=0, max_value=2000),
    st.integers(min_value=0, max_value=8),
    st.binary(max_size=6)
    | st.sampled_from([b";", b",", b"<", b">", b'"', b":", b"\r\n", b" ", b"%"]),
)
def test_mangled_messages_parse_or_fail_cleanly(
    seed: bytes, position: int, length: int, insert: bytes
) -> None:
    _check(_mangle(seed, position, length, insert))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_parse_or_fail_cleanly(data: bytes) -> None:
    _check(data)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=200), st.integers(0, 5), st.binary(max_size=4))
def test_mangled_sdp_parses_or_fails_cleanly(position: int, length: int, insert: bytes) -> None:
    data = _mangle(SDP_SEED, position, length, insert)
    try:
        description = parse_sdp(data)
    except SipParseError:
        return
    assert parse_sdp(bytes(description)) == description
