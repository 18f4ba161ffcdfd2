"""RFC 4733 telephone-events: turn a stream's event packets into each key press, exactly once.

A key press is sent as a run of packets sharing one RTP timestamp (the event's start), with a
growing duration, then the end packet (E bit) usually three times. Any of them may be lost. A
:class:`DtmfDetector` lives per call stream (sipp replays identical SSRC and timestamps in every
call, so no state may be shared) and reports a press:

- on the first packet carrying the E bit — also when the start packets were lost;
- if every end packet is lost: when a packet of a new event (another timestamp) arrives, or
  when :meth:`DtmfDetector.poll` is called ``end_timeout`` seconds after the last packet.

Each event is reported once, keyed by (SSRC, timestamp); later copies are ignored. Time is
passed in as ``now`` (seconds, any monotonic origin); the detector never reads a clock.
"""

from __future__ import annotations

import struct
from collections import OrderedDict
from dataclasses import dataclass

from ivrd.rtp.errors import RtpError
from ivrd.rtp.packet import RtpPacket

__all__ = ["DTMF_EVENTS", "DtmfDetector", "DtmfDigit", "TelephoneEvent"]

EVENT_PAYLOAD_SIZE = 4  # RFC 4733 §2.3: event (8) | E R volume (1+1+6) | duration (16)
END_BIT = 0x80  # RFC 4733 §2.3.3 "E: ... the end of the event"
VOLUME_MASK = 0x3F  # RFC 4733 §2.3.4, 0..63 meaning -0..-63 dBm0
DTMF_EVENTS = "0123456789*#ABCD"  # RFC 4733 §3.2 table 7: events 0-9, 10 *, 11 #, 12-15 A-D
DEFAULT_END_TIMEOUT = 0.25  # seconds without packets before an unterminated event counts as ended
REMEMBERED_EVENTS = 16  # reported (SSRC, timestamp) keys kept for de-duplication

_EVENT = struct.Struct("!BBH")


@dataclass(frozen=True, slots=True)
class TelephoneEvent:
    """The payload of one RFC 4733 packet."""

    event: int
    end: bool
    volume: int
    duration: int

    def __post_init__(self) -> None:
        if not 0 <= self.event <= 255:
            raise ValueError(f"telephone-event {self.event} is not in 0..255")
        if not 0 <= self.volume <= VOLUME_MASK:
            raise ValueError(f"telephone-event volume {self.volume} is not in 0..63")
        if not 0 <= self.duration <= 0xFFFF:
            raise ValueError(f"telephone-event duration {self.duration} is not in 0..65535")

    @classmethod
    def parse(cls, payload: bytes) -> TelephoneEvent:
        """Decode the first event block; trailing bytes (redundancy, padding) are ignored."""
        if len(payload) < EVENT_PAYLOAD_SIZE:
            raise RtpError(f"telephone-event payload too short: {len(payload)} bytes, need 4")
        event, flags, duration = _EVENT.unpack_from(payload)
        return cls(event, bool(flags & END_BIT), flags & VOLUME_MASK, duration)

    def serialize(self) -> bytes:
        return _EVENT.pack(self.event, (END_BIT if self.end else 0) | self.volume, self.duration)

    @property
    def digit(self) -> str | None:
        """The DTMF key, or None for other events (flash, tones)."""
        return DTMF_EVENTS[self.event] if self.event < len(DTMF_EVENTS) else None


@dataclass(frozen=True, slots=True)
class DtmfDigit:
    """A key press, reported once. ``duration`` is in timestamp units of the last packet seen."""

    digit: str
    timestamp: int
    duration: int
    ended: bool  # False when reported without having seen an end packet

    def __post_init__(self) -> None:
        if len(self.digit) != 1 or self.digit not in DTMF_EVENTS:
            raise ValueError(f"DTMF digit {self.digit!r} is not one of {DTMF_EVENTS}")


@dataclass(slots=True)
class _Pending:
    key: tuple[int, int]
    digit: str
    duration: int
    last_seen: float


class DtmfDetector:
    """Per-stream RFC 4733 state: feed it the stream's telephone-event packets."""

    def __init__(self, end_timeout: float = DEFAULT_END_TIMEOUT) -> None:
        if end_timeout <= 0:
            raise ValueError(f"end_timeout must be positive, got {end_timeout}")
        self.end_timeout = end_timeout
        self._pending: _Pending | None = None
        self._reported: OrderedDict[tuple[int, int], None] = OrderedDict()

    def feed(self, packet: RtpPacket, now: float) -> list[DtmfDigit]:
        """Take one telephone-event packet; return the presses it completes (0, 1 or 2).

        Two when it starts a new event whose end is already here while the previous event's
        end packets were all lost. Raises :class:`RtpError` for a malformed payload.
        """
        event = TelephoneEvent.parse(packet.payload)
        key = (packet.ssrc, packet.timestamp)
        if key in self._reported:
            return []  # a repeated end packet, or a late copy of a finished event
        found: list[DtmfDigit] = []
        pending = self._pending
        if pending is not None and pending.key != key:
            found.append(self._report(pending, ended=False))
        digit = event.digit
        if digit is None:
            return found
        if event.end:
            found.append(self._report(_Pending(key, digit, event.duration, now), ended=True))
        else:
            self._pending = _Pending(key, digit, event.duration, now)
        return found

    def poll(self, now: float) -> list[DtmfDigit]:
        """Report an event whose end packets never came, once ``end_timeout`` has passed."""
        pending = self._pending
        if pending is None or now - pending.last_seen < self.end_timeout:
            return []
        return [self._report(pending, ended=False)]

    @property
    def deadline(self) -> float | None:
        """When :meth:`poll` would report the pending event, for the caller's timer; or None."""
        return None if self._pending is None else self._pending.last_seen + self.end_timeout

    def _report(self, pending: _Pending, ended: bool) -> DtmfDigit:
        self._pending = None
        self._reported[pending.key] = None
        if len(self._reported) > REMEMBERED_EVENTS:
            self._reported.popitem(last=False)
        return DtmfDigit(pending.digit, pending.key[1], pending.duration, ended)
