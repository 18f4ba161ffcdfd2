"""The stored form of a sound, and loading it back pre-encoded for playback.

Every sound is kept as one 8 kHz mono 16-bit PCM WAV file (the download serves it as is).
Playback needs G.711: :func:`read_stored` encodes both laws once when a sound is loaded (a
table lookup, ~1 ms per minute of audio), so sending is slicing 160-byte frames.
"""

from __future__ import annotations

import io
import os
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

from ivrd.media.decode import SAMPLE_RATE, duration_ms
from ivrd.media.errors import SoundError
from ivrd.rtp import g711

__all__ = ["FRAME_BYTES", "StoredAudio", "read_stored", "wav_bytes", "write_stored"]

FRAME_MS = 20  # RFC 3551 §4.5: default packetisation for PCMU/PCMA
FRAME_BYTES = SAMPLE_RATE * FRAME_MS // 1000  # 160 G.711 bytes (one per sample) per frame


@dataclass(frozen=True, slots=True)
class StoredAudio:
    """A stored sound as playback and download need it."""

    pcm: bytes  # 8 kHz mono signed 16-bit little-endian
    ulaw: bytes
    alaw: bytes

    def __post_init__(self) -> None:
        if not len(self.pcm) == 2 * len(self.ulaw) == 2 * len(self.alaw):
            raise ValueError("stored audio: PCM, μ-law and A-law lengths do not agree")

    @classmethod
    def from_pcm(cls, pcm: bytes) -> StoredAudio:
        return cls(pcm, g711.ulaw_encode(pcm), g711.alaw_encode(pcm))

    @property
    def duration_ms(self) -> int:
        return duration_ms(len(self.ulaw), SAMPLE_RATE)

    def payload(self, payload_type: int) -> bytes:
        """The whole sound encoded for a G.711 payload type (0 PCMU, 8 PCMA)."""
        if payload_type == g711.PT_PCMU:
            return self.ulaw
        if payload_type == g711.PT_PCMA:
            return self.alaw
        raise ValueError(f"payload type {payload_type} is not G.711 (0 PCMU or 8 PCMA)")


def wav_bytes(pcm: bytes) -> bytes:
    """A complete 8 kHz mono 16-bit WAV file holding ``pcm``."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm)
    return buffer.getvalue()


def write_stored(path: Path, pcm: bytes) -> None:
    """Write the stored WAV atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(wav_bytes(pcm))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_stored(path: Path) -> StoredAudio:
    """Load a stored sound; :class:`SoundError` if the file is not in the stored form."""
    try:
        with wave.open(str(path), "rb") as stored:
            shape = (stored.getnchannels(), stored.getsampwidth(), stored.getframerate())
            pcm = stored.readframes(stored.getnframes())
    except (wave.Error, EOFError) as exc:
        raise SoundError(f"stored sound {path}: not a readable WAV file ({exc})") from exc
    if shape != (1, 2, SAMPLE_RATE):
        channels, width, rate = shape
        raise SoundError(
            f"stored sound {path}: {channels} channel(s), {8 * width}-bit, {rate} Hz;"
            " expected mono 16-bit 8000 Hz"
        )
    return StoredAudio.from_pcm(pcm)
