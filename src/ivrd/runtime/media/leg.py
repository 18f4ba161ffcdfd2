"""One call leg's media: a UDP socket, what it sends (prompts, silence, a bridged peer's
audio) and what it does with what it receives (key presses, recording, relaying).

The call driver holds one :class:`Leg` per SIP dialog. Every callback it registers (``on_done``
of a play, ``on_digit``) runs later on the event loop through ``call_soon``, never inside a
scheduler tick or a socket drain, so it may freely play, stop, bridge or close. Every queued
play gets exactly one :class:`~ivrd.runtime.media.playout.PlaybackFinished`, including the ones
cut short by :meth:`Leg.stop_playback`, :meth:`Leg.close` or a bridge.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ivrd.media.stored import StoredAudio
from ivrd.rtp import g711
from ivrd.runtime.media.bridge import Relay, transcode_table
from ivrd.runtime.media.errors import LegClosed, MediaError
from ivrd.runtime.media.playout import OnDone, PlaybackFinished, Playout
from ivrd.runtime.media.polling import SocketPoller
from ivrd.runtime.media.receiver import Receiver
from ivrd.runtime.media.recorder import DEFAULT_MAX_MS, Recorder, RecordingSaved
from ivrd.runtime.media.stream import (
    SAMPLES_PER_FRAME,
    TIMESTAMP_MASK,
    Address,
    RtpStream,
    split_rtp,
)

__all__ = ["Leg", "LegStats", "NegotiatedAudio"]

CODEC_LAW = {"PCMU": g711.PT_PCMU, "PCMA": g711.PT_PCMA}  # RFC 3551 §6 table 4
UNSPECIFIED_ADDRESS = "0.0.0.0"  # RFC 3264 §8.4: the RFC 2543 way of putting a call on hold

DigitCallback = Callable[[str], None]
Sink = Callable[[bytes], None]


class NegotiatedAudio(Protocol):
    """What an SDP negotiation settled (``ivrd.sip.offer_answer.AudioSession`` has it)."""

    @property
    def remote_address(self) -> str: ...
    @property
    def remote_port(self) -> int: ...
    @property
    def codec(self) -> str: ...
    @property
    def payload_type(self) -> int: ...
    @property
    def telephone_event_pt(self) -> int | None: ...
    @property
    def can_send(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class LegStats:
    """A snapshot of one leg's counters."""

    local_port: int
    remote: Address | None
    packets_sent: int
    send_errors: int
    audio_received: int
    events_received: int
    digits: int
    dropped_non_rtp: int
    dropped_foreign: int
    dropped_other_pt: int
    lost: int  # packets of the peer's stream that never arrived (RFC 3550 §6.4.1)


class Leg:
    """The media of one call leg; made by :meth:`MediaEngine.open_leg`."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        sock: socket.socket,
        codec_pt: int,
        dtmf_pt: int | None,
        release: Callable[[Leg, socket.socket], None],
        poller: SocketPoller,
    ) -> None:
        _check_payload_types(codec_pt, codec_pt, dtmf_pt)
        self.codec_pt = codec_pt  # the G.711 law, by its static payload type: 0 or 8
        self.dtmf_pt = dtmf_pt
        self.local_address: Address = sock.getsockname()[:2]
        self.on_digit: DigitCallback | None = None
        self.partner: Leg | None = None
        self.recording_saved: asyncio.Future[RecordingSaved] | None = None
        self.packets_sent = 0
        self.send_errors = 0
        self._loop = loop
        self._sock = sock
        self._release = release
        self._stream = RtpStream(codec_pt)
        self._playout = Playout(codec_pt, self._notify)
        self._receiver = Receiver(poller, sock, self._stream, dtmf_pt, self._digit)
        self._recorder: Recorder | None = None
        self._relay: Relay | None = None
        self._held = False
        self.closed = False

    @property
    def local_port(self) -> int:
        """The port to put in the SDP ``m=audio`` line."""
        return self.local_address[1]

    @property
    def remote(self) -> Address | None:
        """Where frames go: the SDP address, or the latched source of the peer's RTP."""
        return self._stream.remote

    @property
    def last_received_at(self) -> float | None:
        """``time.monotonic()`` when the peer's RTP last arrived (None: never). A call whose
        peer vanished without a BYE shows up here: hang up after a minute or so of nothing."""
        return self._receiver.last_packet_at

    @property
    def payload_type(self) -> int:
        """The codec's payload type on the wire (a dynamic number if the peer mapped one)."""
        return self._stream.payload_type

    @property
    def playing(self) -> bool:
        return self._playout.busy

    def set_format(
        self, codec_pt: int, dtmf_pt: int | None = None, payload_type: int | None = None
    ) -> None:
        """The negotiated codec (0 PCMU or 8 PCMA), telephone-event type and, when the peer
        mapped the codec to a dynamic number, that ``payload_type``. Takes effect at once,
        also for queued prompts and an active bridge (a re-INVITE may change it)."""
        wire_pt = codec_pt if payload_type is None else payload_type
        _check_payload_types(codec_pt, wire_pt, dtmf_pt)
        self.codec_pt, self.dtmf_pt = codec_pt, dtmf_pt
        self._stream.payload_type = wire_pt
        self._playout.set_codec(codec_pt)
        self._receiver.set_payload_types(wire_pt, dtmf_pt)
        if self.partner is not None:
            _connect(self, self.partner)
            _connect(self.partner, self)
        self._update_sinks()

    def apply(self, session: NegotiatedAudio) -> None:
        """Take an SDP negotiation's result (``sip.offer_answer.AudioSession``) in one call:
        format, remote address, and hold when the peer does not want our audio."""
        codec_pt = CODEC_LAW.get(session.codec.upper())
        if codec_pt is None:
            raise ValueError(f"codec {session.codec!r} is not PCMU or PCMA")
        self.set_format(codec_pt, session.telephone_event_pt, session.payload_type)
        if session.remote_port and session.remote_address != UNSPECIFIED_ADDRESS:
            self.set_remote((session.remote_address, session.remote_port))
        self.hold(not session.can_send)

    def set_remote(self, address: Address | None) -> None:
        """The peer's RTP address from its SDP (an IP literal); None stops sending."""
        if address is not None:
            host, port = address
            if not 0 < port < 65536:
                raise ValueError(f"remote RTP port {port} is not in 1..65535")
            try:
                address = (str(ipaddress.ip_address(host)), port)
            except ValueError:
                raise ValueError(f"remote RTP host {host!r} is not an IP address") from None
        self._stream.set_remote(address)

    def hold(self, held: bool) -> None:
        """Stop (True) or resume sending; queued audio keeps running on its clock meanwhile."""
        self._held = held

    def play(self, audio: StoredAudio | bytes, play_id: str, on_done: OnDone | None = None) -> None:
        """Queue a stored sound, or 8 kHz 16-bit PCM (encoded once here, e.g. digit clips)."""
        self._check_open()
        if not isinstance(audio, StoredAudio):
            audio = StoredAudio.from_pcm(audio)
        self._playout.add_audio(audio, play_id, on_done)

    def play_silence(self, ms: int, play_id: str, on_done: OnDone | None = None) -> None:
        """Queue ``ms`` of silence (rounded up to 20 ms frames), sent as encoded silence."""
        self._check_open()
        self._playout.add_silence(ms, play_id, on_done)

    def stop_playback(self) -> int:
        """Barge-in: drop the current and queued items (reported interrupted); how many."""
        return self._playout.stop()

    def start_recording(self, path: Path, max_ms: int = DEFAULT_MAX_MS) -> None:
        """Collect what the peer sends until :meth:`stop_recording` (or close)."""
        self._check_open()
        if self._recorder is not None:
            raise MediaError(f"leg {self.local_port} is already recording to {self._recorder.path}")
        self._recorder = Recorder(path, self.codec_pt, max_ms)
        self._update_sinks()

    def stop_recording(self) -> asyncio.Future[RecordingSaved] | None:
        """Finish the recording; the WAV is written in a thread. None if not recording."""
        recorder, self._recorder = self._recorder, None
        if recorder is None:
            return None
        self._update_sinks()
        self.recording_saved = self._loop.run_in_executor(None, _finish, recorder)
        return self.recording_saved

    def stats(self) -> LegStats:
        received = self._receiver.counters
        return LegStats(
            self.local_port, self.remote, self.packets_sent, self.send_errors,
            received.audio, received.events, received.digits,
            received.non_rtp, received.foreign, received.other_pt, self._receiver.loss.lost,
        )  # fmt: skip

    def close(self) -> None:
        """Stop everything and free the port; a recording in progress is still saved."""
        if self.closed:
            return
        if self.partner is not None:
            self.unbridge()
        self.closed = True
        self._playout.stop()
        self.stop_recording()
        self._receiver.close()
        self._release(self, self._sock)
        # the playout and receiver call back into this leg, and on_digit into the call: break
        # those cycles so a finished call is freed at once, not by a full collection later
        self._playout.detach()
        self.on_digit = None

    # -- bridging (see MediaEngine.bridge) --

    def bridge(self, other: Leg) -> None:
        """Relay RTP both ways between this leg and ``other`` until :meth:`unbridge`."""
        for leg in (self, other):
            leg._check_open()
            if leg.partner is not None:
                raise MediaError(f"leg {leg.local_port} is already bridged")
        if other is self:
            raise MediaError("cannot bridge a leg to itself")
        for leg, peer in ((self, other), (other, self)):
            leg._playout.stop()
            leg.partner = peer
            _connect(leg, peer)

    def unbridge(self) -> None:
        """End the relay in both directions; each leg resumes its own playout."""
        peer = self.partner
        if peer is None:
            return
        for leg in (self, peer):
            leg.partner = None
            leg._relay = None
            leg._stream.talking = False
            leg._update_sinks()

    # -- called by the scheduler every 20 ms --

    def tick(self, now: float) -> bool:
        stream = self._stream
        timestamp = stream.timestamp
        stream.timestamp = (timestamp + SAMPLES_PER_FRAME) & TIMESTAMP_MASK
        deadline = self._receiver.dtmf_deadline
        if deadline is not None and now >= deadline:
            self._receiver.poll(now)
        if self.partner is not None:
            return False  # the partner's relay feeds this stream
        payload = self._playout.next_frame()
        if payload is None:
            stream.talking = False
            return False
        if stream.remote is None or self._held:
            return False
        marker = not stream.talking
        stream.talking = True
        return self._send(stream.header(stream.payload_type, timestamp, marker) + payload)

    def _send(self, packet: bytes) -> bool:
        remote = self._stream.remote
        if remote is None or self._held:
            return False
        try:
            self._sock.sendto(packet, remote)
        except OSError:
            self.send_errors += 1
            return False
        self.packets_sent += 1
        return True

    def _update_sinks(self) -> None:
        relay, recorder = self._relay, self._recorder
        receiver = self._receiver
        receiver.event_sink = None if relay is None else relay.event
        if recorder is None:
            receiver.audio_sink = None if relay is None else relay.audio
            return
        record = _record_into(recorder, transcode_table(self.codec_pt, recorder.payload_type))
        receiver.audio_sink = record if relay is None else _both(relay.audio, record)

    def _notify(self, event: PlaybackFinished, on_done: OnDone | None) -> None:
        if on_done is not None:
            self._loop.call_soon(on_done, event)

    def _digit(self, digit: str) -> None:
        self._loop.call_soon(self._deliver_digit, digit)

    def _deliver_digit(self, digit: str) -> None:
        if not self.closed and self.on_digit is not None:
            self.on_digit(digit)

    def _check_open(self) -> None:
        if self.closed:
            raise LegClosed(f"leg {self.local_port} is closed")


def _finish(recorder: Recorder) -> RecordingSaved:
    return recorder.save(recorder.pcm())


def _connect(leg: Leg, peer: Leg) -> None:
    """Relay what ``leg`` receives onto ``peer``'s stream, with the current formats."""
    leg._relay = Relay(leg.codec_pt, peer.codec_pt, peer._stream, peer.dtmf_pt, peer._send)
    leg._update_sinks()


def _record_into(recorder: Recorder, table: bytes | None) -> Sink:
    """The recorder keeps the law it started with, even if a re-INVITE changes the leg's."""

    def record(data: bytes) -> None:
        parts = split_rtp(data)
        if parts is not None:
            payload = parts[3] if table is None else parts[3].translate(table)
            recorder.add(parts[0], parts[1], payload)

    return record


def _both(first: Sink, second: Sink) -> Sink:
    def both(data: bytes) -> None:
        first(data)
        second(data)

    return both


def _check_payload_types(codec_pt: int, wire_pt: int, dtmf_pt: int | None) -> None:
    if codec_pt not in CODEC_LAW.values():
        raise ValueError(f"codec payload type {codec_pt} is not G.711 (0 PCMU or 8 PCMA)")
    if not 0 <= wire_pt <= 127:
        raise ValueError(f"codec payload type {wire_pt} is not in 0..127")
    if dtmf_pt is not None and not (0 <= dtmf_pt <= 127 and dtmf_pt != wire_pt):
        raise ValueError(
            f"telephone-event payload type {dtmf_pt} is not in 0..127 or equals the codec's"
        )
