from __future__ import annotations

import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ivrd.rtp.packet import RtpError, RtpPacket, is_rtp, pack_rtp

# A PCMU packet as a real phone sends it: V=2, M=1, PT=0, seq 0x1234, ts 0x11223344, SSRC 0xdeadbeef
PLAIN = bytes.fromhex("8080123411223344deadbeef") + b"\xff" * 160


def test_parse_fixed_header() -> None:
    packet = RtpPacket.parse(PLAIN)
    assert packet == RtpPacket(
        payload_type=0,
        sequence_number=0x1234,
        timestamp=0x11223344,
        ssrc=0xDEADBEEF,
        payload=b"\xff" * 160,
        marker=True,
    )
    assert packet.csrc == ()
    assert packet.extension_profile is None


def test_serialize_fixed_header_matches_the_wire() -> None:
    assert RtpPacket.parse(PLAIN).serialize() == PLAIN


def test_csrc_extension_and_padding() -> None:
    header = bytes([0x80 | 0x20 | 0x10 | 2, 101]) + struct.pack("!HII", 7, 1000, 42)
    csrcs = struct.pack("!II", 1, 2)
    extension = struct.pack("!HH", 0xBEDE, 2) + b"abcdefgh"
    payload = b"\x01\x8a\x00\xa0"
    padding = b"\x00\x00\x03"
    packet = RtpPacket.parse(header + csrcs + extension + payload + padding)
    assert packet.payload_type == 101
    assert packet.marker is False
    assert packet.csrc == (1, 2)
    assert packet.extension_profile == 0xBEDE
    assert packet.extension == b"abcdefgh"
    assert packet.payload == payload
    assert packet.serialize(padding=3) == header + csrcs + extension + payload + padding


def test_padding_may_take_the_whole_payload() -> None:
    data = bytes([0xA0, 0]) + bytes(10) + b"\x00\x00\x00\x04"
    assert RtpPacket.parse(data).payload == b""


def test_empty_extension() -> None:
    data = bytes([0x90, 8]) + bytes(10) + struct.pack("!HH", 0x1000, 0) + b"xy"
    packet = RtpPacket.parse(data)
    assert (packet.extension_profile, packet.extension, packet.payload) == (0x1000, b"", b"xy")
    assert packet.serialize() == data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "RTP packet too short: 0 bytes, the header needs 12"),
        (PLAIN[:11], "RTP packet too short: 11 bytes, the header needs 12"),
        (b"\x00" * 12, "not an RTP packet: version 0, expected 2"),
        (b"\x40" + PLAIN[1:], "not an RTP packet: version 1, expected 2"),
        (b"\xc0" + PLAIN[1:], "not an RTP packet: version 3, expected 2"),
        (b"\x83" + PLAIN[1:12] + bytes(8), "RTP packet truncated: 3 CSRCs need 24 bytes, got 20"),
        (
            b"\x90" + PLAIN[1:12] + b"\x00\x01",
            ("RTP packet truncated: the extension header needs 16 bytes, got 14"),
        ),
        (
            b"\x90" + PLAIN[1:12] + b"\x00\x01\x00\x02" + bytes(7),
            ("RTP packet truncated: the 2-word extension needs 24 bytes, got 23"),
        ),
        (b"\xa0" + PLAIN[1:12] + b"\x01\x00", "RTP padding count is 0, must be at least 1"),
        (
            b"\xa0" + PLAIN[1:12] + b"\x01\x05",
            ("RTP padding count 5 exceeds the 2 bytes after the header"),
        ),
        (b"\xa0" + PLAIN[1:12], "RTP padding count 239 exceeds the 0 bytes after the header"),
    ],
)
def test_malformed_datagrams(data: bytes, message: str) -> None:
    with pytest.raises(RtpError) as info:
        RtpPacket.parse(data)
    assert str(info.value) == message
    assert isinstance(info.value, ValueError)


def test_every_truncation_of_a_full_packet_fails_or_parses_shorter() -> None:
    full = RtpPacket(101, 1, 2, 3, b"payload!", True, (9,), 0xBEDE, b"1234").serialize()
    for size in range(len(full)):
        if size < 12 + 4 + 4 + 4:  # header, CSRC, extension header, extension data
            with pytest.raises(RtpError):
                RtpPacket.parse(full[:size])
        else:
            assert RtpPacket.parse(full[:size]).payload == b"payload!"[: size - 24]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"payload_type": 128}, "RTP payload type 128 is not in 0..127"),
        ({"sequence_number": -1}, "RTP sequence number -1 is not in 0..65535"),
        ({"timestamp": 2**32}, "RTP timestamp 4294967296 is not a 32-bit unsigned value"),
        ({"ssrc": -5}, "RTP SSRC -5 is not a 32-bit unsigned value"),
        ({"csrc": tuple(range(16))}, "RTP packet has 16 CSRCs, at most 15 fit"),
        ({"csrc": (2**32,)}, "RTP CSRC 4294967296 is not a 32-bit unsigned value"),
        ({"extension": b"abcd"}, "RTP extension data given without an extension profile"),
        (
            {"extension_profile": 1, "extension": b"abc"},
            ("RTP extension data is 3 bytes, not a multiple of 4"),
        ),
        ({"extension_profile": 65536}, "RTP extension profile 65536 is not in 0..65535"),
    ],
)
def test_constructor_validates(fields: dict[str, object], message: str) -> None:
    base: dict[str, object] = {"payload_type": 0, "sequence_number": 0, "timestamp": 0, "ssrc": 0}
    with pytest.raises(ValueError) as info:
        RtpPacket(**(base | fields))  # type: ignore[arg-type]
    assert str(info.value) == message


def test_serialize_rejects_bad_padding() -> None:
    with pytest.raises(ValueError, match=r"^RTP padding 256 is not in 0\.\.255$"):
        RtpPacket(0, 0, 0, 0).serialize(padding=256)


def test_is_rtp() -> None:
    assert is_rtp(PLAIN)
    assert is_rtp(PLAIN[:12])
    assert not is_rtp(PLAIN[:11])
    assert not is_rtp(b"\r\n\r\n")  # SIP keepalive
    assert not is_rtp(b"\x00\x01\x00\x00" + bytes(16))  # STUN binding request
    assert not is_rtp(b"")


def test_pack_rtp_matches_serialize_and_wraps_counters() -> None:
    assert pack_rtp(0, 0x1234, 0x11223344, 0xDEADBEEF, b"\xff" * 160, marker=True) == PLAIN
    wrapped = RtpPacket.parse(pack_rtp(8, 65536 + 5, 2**32 + 7, 1, b"x"))
    assert (wrapped.payload_type, wrapped.sequence_number, wrapped.timestamp) == (8, 5, 7)


packets = st.builds(
    RtpPacket,
    payload_type=st.integers(0, 127),
    sequence_number=st.integers(0, 0xFFFF),
    timestamp=st.integers(0, 0xFFFFFFFF),
    ssrc=st.integers(0, 0xFFFFFFFF),
    payload=st.binary(max_size=64),
    marker=st.booleans(),
    csrc=st.lists(st.integers(0, 0xFFFFFFFF), max_size=15).map(tuple),
    extension_profile=st.none() | st.integers(0, 0xFFFF),
    extension=st.just(b""),
)


@settings(max_examples=200)
@given(packet=packets, padding=st.integers(0, 255), words=st.integers(0, 3))
def test_round_trip(packet: RtpPacket, padding: int, words: int) -> None:
    if packet.extension_profile is not None:
        packet = packet._replace(extension=bytes(range(4 * words)))
    data = packet.serialize(padding=padding)
    assert RtpPacket.parse(data) == packet
    assert is_rtp(data)


@settings(max_examples=300)
@given(data=st.binary(max_size=80))
def test_arbitrary_bytes_parse_or_raise_rtp_error(data: bytes) -> None:
    try:
        packet = RtpPacket.parse(data)
    except RtpError:
        return
    assert is_rtp(data)
    assert len(packet.payload) <= len(data) - 12
