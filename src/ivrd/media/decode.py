"""Decode an uploaded sound once into the form every call plays: 8 kHz mono 16-bit PCM.

Uploads are WAV (integer PCM 8/16/24/32-bit, or G.711, plain or WAVE_FORMAT_EXTENSIBLE, any
rate, mono or stereo) or MP3, at most 10 MiB. libsndfile (through ``soundfile``, ≥ 1.1 reads
MP3) does the decoding; the container is recognised from its first bytes first, so a wrong
extension or a headerless file gets a precise refusal instead of a libsndfile guess. Audio is
read in blocks, mixed to mono, resampled with soxr (HQ) and rounded to int16, so memory stays
proportional to the 8 kHz result, never to the decoded source.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr
from numpy.typing import NDArray

from ivrd.media.errors import SoundError

__all__ = [
    "MAX_DURATION_S",
    "MAX_UPLOAD_BYTES",
    "SAMPLE_RATE",
    "DecodedSound",
    "SoundError",
    "SourceFormat",
    "decode_file",
    "decode_sound",
    "duration_ms",
    "sniff_container",
]

SAMPLE_RATE = 8000  # RFC 3551 §4.5.14: PCMU/PCMA clock rate
MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # platform.md: "at most 10 MB"
MAX_DURATION_S = 3600  # a 10 MB low-bitrate MP3 can hold hours; 1 h bounds memory (~58 MB)
BLOCK_FRAMES = 65536
WAV_INTEGER = {"PCM_U8", "PCM_16", "PCM_24", "PCM_32", "ULAW", "ALAW"}
WAV_FLOAT = {"FLOAT", "DOUBLE"}


@dataclass(frozen=True, slots=True)
class SourceFormat:
    """What the upload was, for the record and for messages."""

    container: str  # "WAV" or "MP3"
    encoding: str  # libsndfile subtype: "PCM_16", "PCM_24", "ULAW", "MPEG_LAYER_III", ...
    sample_rate: int
    channels: int
    duration_ms: int


@dataclass(frozen=True, slots=True)
class DecodedSound:
    """An upload decoded to 8 kHz mono signed 16-bit little-endian PCM."""

    pcm: bytes
    source: SourceFormat

    def __post_init__(self) -> None:
        if len(self.pcm) % 2:
            raise ValueError(f"16-bit PCM must have an even number of bytes, got {len(self.pcm)}")

    @property
    def samples(self) -> int:
        return len(self.pcm) // 2

    @property
    def duration_ms(self) -> int:
        return duration_ms(self.samples, SAMPLE_RATE)


def decode_file(path: Path, field: str = "file") -> DecodedSound:
    """:func:`decode_sound` for a file on disk, checking its size before reading it."""
    size = path.stat().st_size
    if size > MAX_UPLOAD_BYTES:
        raise SoundError(f"{field}: larger than 10 MB ({size} bytes)")
    return decode_sound(path.read_bytes(), field)


def decode_sound(data: bytes, field: str = "file") -> DecodedSound:
    """Decode an upload; raise :class:`SoundError` saying why when it is refused.

    ``field`` names the form field in messages ("file: float WAV ... is not supported").
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise SoundError(f"{field}: larger than 10 MB ({len(data)} bytes)")
    if not data:
        raise SoundError(f"{field}: empty file")
    container = sniff_container(data, field)
    try:
        with sf.SoundFile(io.BytesIO(data)) as audio:
            source = _source_format(audio, container, field)
            pcm = _to_telephony_pcm(audio, field)
    except sf.LibsndfileError as exc:
        raise SoundError(f"{field}: damaged {container} file ({_reason(exc, container)})") from exc
    if not pcm:
        raise SoundError(f"{field}: contains no audio")
    return DecodedSound(pcm, source)


def sniff_container(data: bytes, field: str = "file") -> str:
    """ "WAV" or "MP3" from the first bytes, or the refusal for anything else."""
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        _check_wav_chunks(data, field)
        return "WAV"
    if data[:3] == b"ID3" or _is_mpeg_frame(data):
        return "MP3"
    raise SoundError(f"{field}: not a WAV or MP3 file")


def _is_mpeg_frame(data: bytes) -> bool:
    """An MPEG audio frame header (ISO 11172-3 §2.4.2.3): 11-bit sync, a layer that is not
    reserved, and a bitrate and sample-rate index that are not "bad" / reserved."""
    if len(data) < 4 or data[0] != 0xFF or data[1] & 0xE0 != 0xE0:
        return False
    layer, bitrate, rate = (data[1] >> 1) & 0x03, data[2] >> 4, (data[2] >> 2) & 0x03
    return layer != 0 and bitrate != 0x0F and rate != 0x03


def _check_wav_chunks(data: bytes, field: str) -> None:
    """Refuse a RIFF/WAVE file without a ``fmt `` chunk: nothing says how to read its samples."""
    offset = 12
    while offset + 8 <= len(data):
        if data[offset : offset + 4] == b"fmt ":
            return
        size = int.from_bytes(data[offset + 4 : offset + 8], "little")
        offset += 8 + size + (size & 1)  # chunks are padded to an even size
    raise SoundError(f"{field}: WAV file without a format (fmt) header")


def _source_format(audio: sf.SoundFile, container: str, field: str) -> SourceFormat:
    encoding = str(audio.subtype)
    if container == "WAV" and encoding in WAV_FLOAT:
        raise SoundError(f"{field}: float WAV (IEEE float) is not supported; export 16-bit PCM")
    if container == "WAV" and encoding not in WAV_INTEGER:
        raise SoundError(f"{field}: WAV encoding {encoding} is not supported; export 16-bit PCM")
    if audio.channels not in (1, 2):
        raise SoundError(f"{field}: {audio.channels} channels; only mono or stereo are accepted")
    if audio.samplerate <= 0:
        raise SoundError(f"{field}: invalid sample rate {audio.samplerate}")
    if audio.frames > MAX_DURATION_S * audio.samplerate:
        raise SoundError(f"{field}: longer than {MAX_DURATION_S // 60} minutes")
    rate, channels = int(audio.samplerate), int(audio.channels)
    return SourceFormat(container, encoding, rate, channels, duration_ms(audio.frames, rate))


def _to_telephony_pcm(audio: sf.SoundFile, field: str) -> bytes:
    parts: list[bytes] = []
    total = 0
    for block in _resampled_blocks(audio):
        parts.append(_to_int16(block).tobytes())
        total += len(block)
        if total > MAX_DURATION_S * SAMPLE_RATE:
            raise SoundError(f"{field}: longer than {MAX_DURATION_S // 60} minutes")
    return b"".join(parts)


def _resampled_blocks(audio: sf.SoundFile) -> Iterator[NDArray[np.float32]]:
    """Mono float blocks at 8 kHz; 8 kHz sources pass through untouched (bit-exact for 16-bit)."""
    resampler = None
    if audio.samplerate != SAMPLE_RATE:
        resampler = soxr.ResampleStream(audio.samplerate, SAMPLE_RATE, 1, "float32", "HQ")
    while True:  # not SoundFile.blocks(): it trusts the header's frame count, which may lie
        block = audio.read(BLOCK_FRAMES, dtype="float32", always_2d=True)
        if not len(block):
            break
        mono = block.mean(axis=1, dtype=np.float32) if block.shape[1] > 1 else block[:, 0]
        yield mono if resampler is None else resampler.resample_chunk(mono)
    if resampler is not None:
        yield resampler.resample_chunk(np.zeros(0, dtype=np.float32), last=True)


def _to_int16(samples: NDArray[np.float32]) -> NDArray[np.int16]:
    finite = np.nan_to_num(samples.astype(np.float64), nan=0.0, posinf=1.0, neginf=-1.0)
    scaled = np.rint(finite * 32768.0)
    return np.clip(scaled, -32768, 32767).astype("<i2")


def duration_ms(frames: int, rate: int) -> int:
    """Frames at ``rate`` Hz in whole milliseconds, rounded half up."""
    return (frames * 1000 * 2 + rate) // (2 * rate)


def _reason(exc: sf.LibsndfileError, container: str) -> str:
    if container == "MP3":  # libsndfile's MP3 errors are generic ("File does not exist ...")
        return "no decodable MPEG audio frames"
    return str(exc.error_string).rstrip(".")
