"""The receive side of a leg: drain its socket, keep what is the peer's RTP, find key presses.

The socket is watched through the engine's :class:`~ivrd.runtime.media.readiness.Readiness`
(one epoll set for every leg) and drained with ``recvfrom(2048)`` — about five times the packet
rate of ``create_datagram_endpoint``, which allocates a 256 KiB buffer per read
(docs/media-plane.md). One wake-up reads at most ``max_reads`` datagrams so a flooded socket
cannot starve the pacing wheel; readiness is level-triggered and reports the socket again on
the next loop pass for the rest. ``max_reads=1`` skips the final, empty ``recvfrom`` and its
exception: at one packet per wake-up — a phone's 50 packets a second — that halved the receive
CPU in a measurement here.

Each datagram goes through cheap checks in order: RTP version (STUN, keepalives and garbage
are dropped), the stream's latched source, then the payload type. Audio of the negotiated
codec goes to ``audio_sink`` (bridge relay and/or recorder), RFC 4733 packets go through the
leg's :class:`~ivrd.rtp.dtmf.DtmfDetector` and to ``event_sink``; anything else is counted
and dropped. Every packet of the peer's stream feeds the loss count (one sequence space).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

from ivrd.rtp.dtmf import DtmfDetector
from ivrd.rtp.errors import RtpError
from ivrd.rtp.packet import RtpPacket
from ivrd.runtime.media.loss import LossCounter
from ivrd.runtime.media.readiness import Readiness
from ivrd.runtime.media.stream import RtpStream

__all__ = ["MAX_DATAGRAM", "MAX_PER_WAKEUP", "ReceiveCounters", "Receiver"]

MAX_DATAGRAM = 2048  # G.711 20 ms packets are 172 bytes; anything bigger is not ours
MAX_PER_WAKEUP = 256
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
        "_max_reads",
        "_on_digit",
        "_readiness",
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
        readiness: Readiness,
        sock: socket.socket,
        stream: RtpStream,
        dtmf_pt: int | None,
        on_digit: DigitSink,
        max_reads: int = MAX_PER_WAKEUP,
    ) -> None:
        if max_reads < 1:
            raise ValueError(f"max_reads must be at least 1, got {max_reads}")
        self._max_reads = max_reads
        self._readiness = readiness
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
        readiness.watch(self._fd, self._drain)

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
            self._readiness.unwatch(self._fd)
            self._fd = -1
        self._on_digit = _ignore
        self.audio_sink = self.event_sink = None

    def _drain(self) -> None:
        if self._read_batch():
            self.last_packet_at = time.monotonic()

    def _read_batch(self) -> int:
        """Read until the socket is empty (or the cap); return how many packets were the peer's."""
        recvfrom = self._sock.recvfrom
        counters = self.counters
        stream = self._stream
        accepted = 0
        for _ in range(self._max_reads):
            try:
                data, source = recvfrom(MAX_DATAGRAM)
            except OSError:  # BlockingIOError: drained; others (ICMP errors): nothing to read
                break
            if len(data) < RTP_MIN_SIZE or data[0] & 0xC0 != RTP_VERSION_BITS:
                counters.non_rtp += 1
            elif not (source == stream.remote and stream.latched) and not stream.accept(source):
                counters.foreign += 1
            else:
                accepted += 1
                self.loss.add(data[2] << 8 | data[3])
                self._dispatch(data, data[1] & 0x7F)
        return accepted

    def _dispatch(self, data: bytes, payload_type: int) -> None:
        if payload_type == self._codec_pt:
            self.counters.audio += 1
            if self.audio_sink is not None:
                self.audio_sink(data)
        elif payload_type == self._dtmf_pt:
            self.counters.events += 1
            self._event(data)
        else:
            self.counters.other_pt += 1

    def _event(self, data: bytes) -> None:
        try:
            digits = self._detector.feed(RtpPacket.parse(data), time.monotonic())
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
