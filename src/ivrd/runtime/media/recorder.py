"""Recording what the peer says (``start_record``, voicemail) into a stored WAV.

Receiving only keeps each packet's payload with its timestamp; the PCM is laid out once at
the end, by timestamp, so reordered packets land in place and lost ones become silence. A
new SSRC (the peer's stream restarted, e.g. after a re-INVITE) continues right after what was
already recorded. A cap bounds memory against a peer that never stops.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ivrd.media.stored import write_stored
from ivrd.rtp import g711

__all__ = ["DEFAULT_MAX_MS", "Recorder", "RecordingSaved"]

SAMPLE_RATE = 8000  # RFC 3551 §4.5.14: PCMU/PCMA clock rate
DEFAULT_MAX_MS = 60 * 60 * 1000  # one hour
HALF_RANGE = 1 << 31  # RFC 3550 §5.1 timestamps wrap: a difference above this is "before"


@dataclass(frozen=True, slots=True)
class RecordingSaved:
    """A finished recording on disk."""

    path: Path
    duration_ms: int

    def __post_init__(self) -> None:
        if self.duration_ms < 0:
            raise ValueError(f"recording duration must not be negative, got {self.duration_ms}")


class Recorder:
    """Collects one leg's received G.711 payloads."""

    __slots__ = ("_base", "_chunks", "_end", "_limit", "_ssrc", "path", "payload_type")

    def __init__(self, path: Path, payload_type: int, max_ms: int = DEFAULT_MAX_MS) -> None:
        if payload_type not in (g711.PT_PCMU, g711.PT_PCMA):
            raise ValueError(f"cannot record payload type {payload_type}: not G.711")
        if max_ms <= 0:
            raise ValueError(f"max_ms must be positive, got {max_ms}")
        self.path = path
        self.payload_type = payload_type
        self._limit = SAMPLE_RATE * max_ms // 1000  # samples
        self._chunks: list[tuple[int, bytes]] = []  # (sample offset, payload)
        self._ssrc: int | None = None
        self._base = 0
        self._end = 0  # one past the last sample recorded

    def add(self, timestamp: int, ssrc: int, payload: bytes) -> None:
        if ssrc != self._ssrc:
            self._ssrc = ssrc
            self._base = timestamp - self._end  # continue after what we have
        offset = (timestamp - self._base) & 0xFFFFFFFF
        if offset >= HALF_RANGE or offset + len(payload) > self._limit:
            return  # older than the start, or past the cap
        self._chunks.append((offset, payload))
        self._end = max(self._end, offset + len(payload))

    def pcm(self) -> bytes:
        """The recording as 8 kHz 16-bit PCM, gaps filled with silence."""
        silence = g711.ULAW_SILENCE if self.payload_type == g711.PT_PCMU else g711.ALAW_SILENCE
        codes = bytearray((silence,)) * self._end
        for offset, payload in self._chunks:
            codes[offset : offset + len(payload)] = payload
        return g711.decode(bytes(codes), self.payload_type).tobytes()

    def save(self, pcm: bytes) -> RecordingSaved:
        """Write the WAV (blocking: run it in a thread)."""
        write_stored(self.path, pcm)
        return RecordingSaved(self.path, 1000 * (len(pcm) // 2) // SAMPLE_RATE)
