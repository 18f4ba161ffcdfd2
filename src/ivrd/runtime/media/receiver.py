"""The receive side of a leg: drain its socket, keep what is the peer's RTP, find key presses.

The socket sits in the engine's :class:`~ivrd.runtime.media.polling.SocketPoller`, which the
wheel reads after every tick; each time the socket has data the receiver takes one datagram
with ``recvfrom(2048)`` (about five times the packet rate of ``create_datagram_endpoint``,
which allocates a 256 KiB buffer per read, docs/media-plane.md). One read per call and no
draining to ``BlockingIOError``: at a phone's 50 packets a second the final, empty read and
its exception cost as much again, and the poll reports a socket with data left anyway.

Each datagram goes through cheap checks in order: RTP version (STUN, keepalives and garbage
are dropped), the stream's latched source, then the payload type. Audio of the negotiated
codec goes to ``audio_sink`` (bridge relay and/or recorder), RFC 4733 packets go through the
leg's :class:`~ivrd.rtp.dtmf.DtmfDetector` and to ``event_sink``; anything else is counted
and dropped. Every packet of the peer's stream feeds the loss count (one sequence space).
"""

from __future__ import annotations

import socket
from collections.abc import Callable

from ivrd.rtp.dtmf import DtmfDetector
from ivrd.rtp.errors import RtpError
from ivrd.rtp.packet import RtpPacket
from ivrd.runtime.media.loss import LossCounter
from ivrd.runtime.media.polling import SocketPoller
from ivrd.runtime.media.stream import RtpStream

__all__ = ["MAX_DATAGRAM", "ReceiveCounters", "Receiver"]

MAX_DATAGRAM = 2048  # G.711 20 ms packets are 172 bytes; anything bigger is not ours
RTP_MIN_SIZE = 12  # RFC 3550 §5.1 fixed header
RTP_VERSION_BITS = 0x80  # RFC 3550 §5.1 V=2 in the top two bits

Sink = Callable[[bytes], None]
DigitSink = Callable[[str], None]


def _ignore(digit: str) -> None:
    """The digit callback of a closed receiver."""


class ReceiveCounters:
    """What arrived on one leg, for stats and tests."""

    __slots__ = ("audio", "bad_events", "digits", "events", "foreign", "non_rtp", "other_pt")

    def __init__(self) -> None:
        self.audio = 0  # packets of the negotiated codec
        self.events = 0  # telephone-event packets
        self.digits = 0
        self.non_rtp = 0  # not RTP version 2, or shorter than a header
        self.foreign = 0  # RTP from an address other than the latched peer
        self.other_pt = 0  # RTP of a payload type not negotiated (CN, RTCP, ...)
        self.bad_events = 0  # malformed telephone-event payloads


class Receiver:
    """Reads one leg's socket for as long as it is open."""

    __slots__ = (
        "_codec_pt",
        "_detector",
        "_dtmf_pt",
        "_fd",
        "_on_digit",
        "_poller",
        "_sock",
        "_stream",
        "audio_sink",
        "counters",
        "dtmf_deadline",
        "event_sink",
        "last_packet_at",
        "loss",
    )

    def __init__(
        self,
        poller: SocketPoller,
        sock: socket.socket,
        stream: RtpStream,
        dtmf_pt: int | None,
        on_digit: DigitSink,
    ) -> None:
        self._poller = poller
        self._sock = sock
        self._stream = stream
        self._codec_pt = stream.payload_type
        self._dtmf_pt = -1 if dtmf_pt is None else dtmf_pt
        self._detector = DtmfDetector()
        self._on_digit = on_digit
        self.audio_sink: Sink | None = None
        self.event_sink: Sink | None = None
        self.counters = ReceiveCounters()
        self.loss = LossCounter()
        # when an unterminated key press must be polled for (monotonic seconds), or None;
        # a plain attribute because the wheel reads it every 20 ms for every leg
        self.dtmf_deadline: float | None = None
        self.last_packet_at: float | None = None  # monotonic time of the peer's last RTP
        self._fd = sock.fileno()
        poller.watch(self._fd, self._read)

    def set_payload_types(self, codec_pt: int, dtmf_pt: int | None) -> None:
        """The peer's payload types after (re)negotiation."""
        self._codec_pt = codec_pt
        self._dtmf_pt = -1 if dtmf_pt is None else dtmf_pt

    def poll(self, now: float) -> None:
        """Report a key press whose end packets were all lost, once its timeout has passed."""
        digits = self._detector.poll(now)
        self.dtmf_deadline = self._detector.deadline
        for digit in digits:
            self._report(digit.digit)

    def close(self) -> None:
        """Stop reading, and drop the callbacks into the leg (a reference cycle otherwise)."""
        if self._fd != -1:
            self._poller.unwatch(self._fd)
            self._fd = -1
        self._on_digit = _ignore
        self.audio_sink = self.event_sink = None

    def _read(self, now: float) -> None:
        """Take one datagram (the poller calls again while the socket has more); ``now`` is
        the poll's time, so the hot path reads no clock of its own."""
        try:
            data, source = self._sock.recvfrom(MAX_DATAGRAM)
        except OSError:  # nothing after all, or an ICMP error reported on the socket
            return
        stream = self._stream
        if len(data) < RTP_MIN_SIZE or data[0] & 0xC0 != RTP_VERSION_BITS:
            self.counters.non_rtp += 1
        elif not (source == stream.remote and stream.latched) and not stream.accept(source):
            self.counters.foreign += 1
        else:
            self.last_packet_at = now
            self.loss.add(data[2] << 8 | data[3])
            self._dispatch(data, data[1] & 0x7F, now)

    def _dispatch(self, data: bytes, payload_type: int, now: float) -> None:
        if payload_type == self._codec_pt:
            self.counters.audio += 1
            if self.audio_sink is not None:
                self.audio_sink(data)
        elif payload_type == self._dtmf_pt:
            self.counters.events += 1
            self._event(data, now)
        else:
            self.counters.other_pt += 1

    def _event(self, data: bytes, now: float) -> None:
        try:
            digits = self._detector.feed(RtpPacket.parse(data), now)
        except RtpError:
            self.counters.bad_events += 1
            return
        self.dtmf_deadline = self._detector.deadline
        if self.event_sink is not None:
            self.event_sink(data)
        for digit in digits:
            self._report(digit.digit)

    def _report(self, digit: str) -> None:
        self.counters.digits += 1
        self._on_digit(digit)
