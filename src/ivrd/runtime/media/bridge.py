"""B2BUA media relay: what one leg receives is sent on the other, as the other's own stream.

Each direction is a :class:`Relay`. A relayed packet leaves with the target leg's SSRC and
next sequence number, and a timestamp shifted by a constant offset chosen on the first packet
(and again whenever the source's SSRC changes) so that it continues the target's own clock;
that packet also carries the marker bit. Packets of one telephone-event share a timestamp
(RFC 4733 §2.5.1.2) and keep sharing it after the shift. Audio is re-encoded only when the two
legs negotiated different laws — a 256-byte ``bytes.translate`` table, no per-packet numpy.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ivrd.rtp import g711
from ivrd.runtime.media.stream import TIMESTAMP_MASK, RtpStream, split_rtp

__all__ = ["Relay", "transcode_table"]

Send = Callable[[bytes], bool]

_ALL_CODES = np.arange(256, dtype=np.uint8).tobytes()
_TABLES = {
    (g711.PT_PCMU, g711.PT_PCMA): g711.alaw_encode(g711.ulaw_decode(_ALL_CODES)),
    (g711.PT_PCMA, g711.PT_PCMU): g711.ulaw_encode(g711.alaw_decode(_ALL_CODES)),
}


def transcode_table(source_law: int, target_law: int) -> bytes | None:
    """The ``bytes.translate`` table between two G.711 laws (by static payload type: 0 μ-law,
    8 A-law); None when they are the same."""
    if source_law == target_law:
        return None
    try:
        return _TABLES[source_law, target_law]
    except KeyError:
        raise ValueError(f"cannot relay payload type {source_law} as {target_law}") from None


class Relay:
    """One direction of a bridge: feed it the source leg's packets.

    ``stream`` is the target's: its payload type is the one on the target's wire (it may be a
    dynamic number the peer chose for PCMU/PCMA), ``target_law`` the G.711 law behind it.
    """

    __slots__ = ("_dtmf_pt", "_offset", "_send", "_source_ssrc", "_stream", "_table", "dropped")

    def __init__(
        self, source_law: int, target_law: int, stream: RtpStream, dtmf_pt: int | None, send: Send
    ) -> None:
        self._table = transcode_table(source_law, target_law)
        self._stream = stream
        self._dtmf_pt = dtmf_pt  # the target's telephone-event type; None: not negotiated
        self._send = send
        self._source_ssrc: int | None = None
        self._offset = 0
        self.dropped = 0

    def audio(self, data: bytes) -> None:
        parts = split_rtp(data)
        if parts is None:
            self.dropped += 1
            return
        timestamp, ssrc, marker, payload = parts
        if self._table is not None:
            payload = payload.translate(self._table)
        self._forward(self._stream.payload_type, timestamp, ssrc, marker, payload)

    def event(self, data: bytes) -> None:
        parts = split_rtp(data)
        if parts is None or self._dtmf_pt is None:
            self.dropped += 1
            return
        timestamp, ssrc, marker, payload = parts
        self._forward(self._dtmf_pt, timestamp, ssrc, marker, payload)

    def _forward(self, pt: int, timestamp: int, ssrc: int, marker: bool, payload: bytes) -> None:
        stream = self._stream
        if ssrc != self._source_ssrc:
            self._source_ssrc = ssrc
            self._offset = stream.timestamp - timestamp
            marker = True
        out_timestamp = (timestamp + self._offset) & TIMESTAMP_MASK
        stream.talking = True
        self._send(stream.header(pt, out_timestamp, marker) + payload)
