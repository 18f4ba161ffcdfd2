"""RTP packets (RFC 3550 §5.1): parse what the peer sends, build what we send.

The media plane handles ~50 packets a second per call in each direction, so parsing is one
``struct`` unpack and a few slices. Datagrams that are not RTP (keepalives, STUN, truncated
packets) raise :class:`~ivrd.rtp.errors.RtpError`; :func:`is_rtp` is the cheap pre-check the
receive loop can use to drop them without the cost of an exception.
"""

from __future__ import annotations

import struct
from typing import NamedTuple

from ivrd.rtp.errors import RtpError

__all__ = ["RTP_HEADER_SIZE", "RTP_VERSION", "RtpError", "RtpPacket", "is_rtp", "pack_rtp"]

RTP_VERSION = 2  # RFC 3550 §5.1 "version (V): 2 bits ... The version defined by this spec is two"
RTP_HEADER_SIZE = 12  # RFC 3550 §5.1 fixed header, before CSRCs and extension
EXTENSION_HEADER_SIZE = 4  # RFC 3550 §5.3.1: 16-bit profile field + 16-bit length in words
MAX_CSRC = 15  # RFC 3550 §5.1 CC is 4 bits
MAX_PAYLOAD_TYPE = 127  # RFC 3550 §5.1 PT is 7 bits

_HEADER = struct.Struct("!BBHII")
_EXTENSION = struct.Struct("!HH")


class _RtpFields(NamedTuple):
    payload_type: int
    sequence_number: int
    timestamp: int
    ssrc: int
    payload: bytes = b""
    marker: bool = False
    csrc: tuple[int, ...] = ()
    extension_profile: int | None = None
    extension: bytes = b""


class RtpPacket(_RtpFields):
    """One RTP packet with its header fields decoded; padding already removed from ``payload``.

    ``extension_profile`` is None when the packet has no header extension (X bit clear);
    ``extension`` holds the extension's data words, without its 4-byte header.

    An immutable named tuple rather than a frozen dataclass: on the receive path it is built
    ~25 000 times a second per 500 calls, and the dataclass's constructor alone cost three times
    this whole parse (docs/media.md). Constructing one validates every field; :meth:`parse`
    fills it straight from the wire, where every field is in range by construction.
    """

    __slots__ = ()

    def __new__(
        cls,
        payload_type: int,
        sequence_number: int,
        timestamp: int,
        ssrc: int,
        payload: bytes = b"",
        marker: bool = False,
        csrc: tuple[int, ...] = (),
        extension_profile: int | None = None,
        extension: bytes = b"",
    ) -> RtpPacket:
        if not 0 <= payload_type <= MAX_PAYLOAD_TYPE:
            raise ValueError(f"RTP payload type {payload_type} is not in 0..127")
        if not 0 <= sequence_number <= 0xFFFF:
            raise ValueError(f"RTP sequence number {sequence_number} is not in 0..65535")
        _check_u32("timestamp", timestamp)
        _check_u32("SSRC", ssrc)
        if len(csrc) > MAX_CSRC:
            raise ValueError(f"RTP packet has {len(csrc)} CSRCs, at most 15 fit")
        for value in csrc:
            _check_u32("CSRC", value)
        _check_extension(extension_profile, extension)
        return super().__new__(
            cls, payload_type, sequence_number, timestamp, ssrc, bytes(payload), bool(marker),
            tuple(csrc), extension_profile, bytes(extension),
        )  # fmt: skip

    @classmethod
    def parse(cls, data: bytes) -> RtpPacket:
        """Decode one datagram; raise :class:`RtpError` if it is not a well-formed RTP packet."""
        size = len(data)
        if size < RTP_HEADER_SIZE:
            raise RtpError(f"RTP packet too short: {size} bytes, the header needs 12")
        first, second, seq, timestamp, ssrc = _HEADER.unpack_from(data)
        version = first >> 6
        if version != RTP_VERSION:
            raise RtpError(f"not an RTP packet: version {version}, expected 2")
        csrc: tuple[int, ...] = ()
        offset = RTP_HEADER_SIZE
        if first & 0x0F:
            csrc, offset = _parse_csrc(data, first & 0x0F)
        profile: int | None = None
        extension = b""
        if first & 0x10:
            profile, extension, offset = _parse_extension(data, offset)
        end = size - _padding_size(data, offset) if first & 0x20 else size
        fields = (
            second & 0x7F, seq, timestamp, ssrc, data[offset:end], bool(second & 0x80),
            csrc, profile, extension,
        )  # fmt: skip
        return tuple.__new__(cls, fields)

    def serialize(self, padding: int = 0) -> bytes:
        """Encode the packet; ``padding`` > 0 appends that many bytes (the last one the count)."""
        if not 0 <= padding <= 255:
            raise ValueError(f"RTP padding {padding} is not in 0..255")
        first = RTP_VERSION << 6 | len(self.csrc)
        if padding:
            first |= 0x20
        if self.extension_profile is not None:
            first |= 0x10
        second = self.payload_type | (0x80 if self.marker else 0)
        parts = [_HEADER.pack(first, second, self.sequence_number, self.timestamp, self.ssrc)]
        if self.csrc:
            parts.append(struct.pack(f"!{len(self.csrc)}I", *self.csrc))
        if self.extension_profile is not None:
            parts.append(_EXTENSION.pack(self.extension_profile, len(self.extension) // 4))
            parts.append(self.extension)
        parts.append(self.payload)
        if padding:
            parts.append(bytes(padding - 1) + bytes((padding,)))
        return b"".join(parts)


def is_rtp(data: bytes) -> bool:
    """Cheap check the receive loop runs first: long enough for a header and version 2."""
    return len(data) >= RTP_HEADER_SIZE and data[0] >> 6 == RTP_VERSION


def pack_rtp(
    payload_type: int,
    sequence_number: int,
    timestamp: int,
    ssrc: int,
    payload: bytes,
    marker: bool = False,
) -> bytes:
    """Build a plain packet (no CSRC, extension or padding) for the send path, without validation.

    The sender owns these counters; they are reduced modulo their field size here so the
    caller can simply keep incrementing them.
    """
    second = (payload_type & 0x7F) | (0x80 if marker else 0)
    header = _HEADER.pack(
        0x80, second, sequence_number & 0xFFFF, timestamp & 0xFFFFFFFF, ssrc & 0xFFFFFFFF
    )
    return header + payload


def _parse_csrc(data: bytes, count: int) -> tuple[tuple[int, ...], int]:
    end = RTP_HEADER_SIZE + 4 * count
    if len(data) < end:
        raise RtpError(f"RTP packet truncated: {count} CSRCs need {end} bytes, got {len(data)}")
    return struct.unpack_from(f"!{count}I", data, RTP_HEADER_SIZE), end


def _parse_extension(data: bytes, offset: int) -> tuple[int, bytes, int]:
    size = len(data)
    if size < offset + EXTENSION_HEADER_SIZE:
        raise RtpError(
            f"RTP packet truncated: the extension header needs {offset + 4} bytes, got {size}"
        )
    profile, words = _EXTENSION.unpack_from(data, offset)
    start = offset + EXTENSION_HEADER_SIZE
    end = start + 4 * words
    if size < end:
        raise RtpError(
            f"RTP packet truncated: the {words}-word extension needs {end} bytes, got {size}"
        )
    return profile, data[start:end], end


def _padding_size(data: bytes, payload_start: int) -> int:
    count = data[-1]
    available = len(data) - payload_start
    if count == 0:
        raise RtpError("RTP padding count is 0, must be at least 1")
    if count > available:
        raise RtpError(f"RTP padding count {count} exceeds the {available} bytes after the header")
    return count


def _check_u32(name: str, value: int) -> None:
    if not 0 <= value <= 0xFFFFFFFF:
        raise ValueError(f"RTP {name} {value} is not a 32-bit unsigned value")


def _check_extension(profile: int | None, data: bytes) -> None:
    if profile is None:
        if data:
            raise ValueError("RTP extension data given without an extension profile")
        return
    if not 0 <= profile <= 0xFFFF:
        raise ValueError(f"RTP extension profile {profile} is not in 0..65535")
    if len(data) % 4:
        raise ValueError(f"RTP extension data is {len(data)} bytes, not a multiple of 4")
    if len(data) > 0xFFFF * 4:
        raise ValueError(f"RTP extension data is {len(data)} bytes, more than 65535 words")
