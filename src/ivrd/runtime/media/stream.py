"""One leg's RTP stream state: what we stamp on packets we send, and where they go.

Outgoing counters start at random values (RFC 3550 §5.1) and the timestamp advances by one
frame every 20 ms whether or not a frame is sent, so it always follows the wall clock; the
first frame after a pause carries the marker bit (RFC 3551 §4.1, start of a talkspurt).

The destination comes from the peer's SDP and is then corrected by symmetric RTP
(RFC 4961): the first RTP packet that arrives *latches* the stream to its source address,
which is where a phone behind NAT can actually be reached. After that, packets from any other
address are dropped, until a new SDP address (a re-INVITE) re-opens the latch.
"""

from __future__ import annotations

import secrets
import struct

from ivrd.rtp.packet import RtpError, RtpPacket

__all__ = ["HEADER", "SAMPLES_PER_FRAME", "Address", "RtpStream", "split_rtp"]

SAMPLES_PER_FRAME = 160  # RFC 3551 §4.5: 20 ms at 8000 Hz
HEADER = struct.Struct("!BBHII")  # RFC 3550 §5.1 fixed header, V=2 and no CSRC/extension
PLAIN_FIRST_BYTE = 0x80  # V=2, P=0, X=0, CC=0
MARKER = 0x80  # RFC 3550 §5.1: M is the top bit of the second byte
TIMESTAMP_MASK = 0xFFFFFFFF

Address = tuple[str, int]


class RtpStream:
    """Counters and destination of one leg; the leg's socket does the sending."""

    __slots__ = (
        "_sdp_remote",
        "latched",
        "payload_type",
        "remote",
        "sequence",
        "ssrc",
        "talking",
        "timestamp",
    )

    def __init__(self, payload_type: int) -> None:
        if not 0 <= payload_type <= 127:
            raise ValueError(f"RTP payload type {payload_type} is not in 0..127")
        self.payload_type = payload_type
        self.ssrc = secrets.randbits(32)
        self.sequence = secrets.randbits(16)
        self.timestamp = secrets.randbits(32)
        self.talking = False  # False until a frame is sent; False again after a pause
        self.remote: Address | None = None
        self.latched = False
        self._sdp_remote: Address | None = None

    def set_remote(self, address: Address | None) -> None:
        """Take the address from (new) SDP; an unchanged address keeps a latched source."""
        if address != self._sdp_remote:
            self._sdp_remote = address
            self.remote = address
            self.latched = False

    def accept(self, source: Address) -> bool:
        """Whether a packet from ``source`` belongs to this stream, latching on the first one."""
        if self.latched:
            return source == self.remote
        self.remote = source
        self.latched = True
        return True

    def header(self, payload_type: int, timestamp: int, marker: bool) -> bytes:
        """The next packet's header: takes a sequence number."""
        sequence = self.sequence = (self.sequence + 1) & 0xFFFF
        second = payload_type | MARKER if marker else payload_type
        return HEADER.pack(PLAIN_FIRST_BYTE, second, sequence, timestamp, self.ssrc)


def split_rtp(data: bytes) -> tuple[int, int, bool, bytes] | None:
    """(timestamp, SSRC, marker, payload) of a received packet; None if it is malformed.

    Plain packets (the common case) cost one unpack and a slice; packets with CSRCs, an
    extension or padding go through the full parser.
    """
    if data[0] == PLAIN_FIRST_BYTE:
        _, second, _, timestamp, ssrc = HEADER.unpack_from(data)
        return timestamp, ssrc, bool(second & MARKER), data[12:]
    try:
        packet = RtpPacket.parse(data)
    except RtpError:
        return None
    return packet.timestamp, packet.ssrc, packet.marker, packet.payload
