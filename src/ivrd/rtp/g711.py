"""G.711 μ-law (PCMU) and A-law (PCMA) by table lookup, for prompts and recordings.

Encoding is one numpy ``take`` over a 65 536-entry table indexed by the 16-bit sample, so a
whole prompt is encoded at upload (or load) time in microseconds and playback only slices
160-byte frames. The tables are built once at import from the ITU-T G.711 segment rules in the
form of the classic reference code: μ-law takes a 14-bit magnitude (sample >> 2), clipped at
8159 and biased by 33; A-law takes a 13-bit input (sample >> 3). Decoding is a 256-entry table.
PCM is signed 16-bit little-endian, mono, as ``bytes`` or an ``int16`` array.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "PT_PCMA",
    "PT_PCMU",
    "alaw_decode",
    "alaw_encode",
    "decode",
    "encode",
    "pcm_from_bytes",
    "ulaw_decode",
    "ulaw_encode",
]

PT_PCMU = 0  # RFC 3551 §6 table 4: PCMU, 8000 Hz
PT_PCMA = 8  # RFC 3551 §6 table 4: PCMA, 8000 Hz
ULAW_BIAS = 0x21  # G.711 μ-law bias on the 14-bit magnitude (0x84 >> 2)
ULAW_CLIP = 8159  # largest 14-bit magnitude kept; + bias = 8192, the top of segment 7
ULAW_SILENCE = 0xFF  # encoding of 0
ALAW_SILENCE = 0xD5  # encoding of 0 (even bits inverted, 0x55 ^ 0x80)

Int16Array = NDArray[np.int16]
CodeArray = NDArray[np.uint8]


def _segment(magnitude: NDArray[np.int32], first_top: int) -> NDArray[np.int32]:
    """Index of the first of 8 doubling segments ``[0, first_top], ..`` holding each value."""
    tops = ((first_top + 1) << np.arange(8)) - 1
    return np.searchsorted(tops, magnitude, side="left").astype(np.int32)


def _build_ulaw_encode() -> CodeArray:
    sample = np.arange(-32768, 32768, dtype=np.int32) >> 2
    mask = np.where(sample < 0, 0x7F, 0xFF)
    magnitude = np.minimum(np.abs(sample), ULAW_CLIP) + ULAW_BIAS
    segment = _segment(magnitude, 0x3F)
    code = (segment << 4) | ((magnitude >> (segment + 1)) & 0x0F)
    code = np.where(segment >= 8, 0x7F, code)
    return _by_unsigned_index((code ^ mask).astype(np.uint8))


def _build_alaw_encode() -> CodeArray:
    sample = np.arange(-32768, 32768, dtype=np.int32) >> 3
    mask = np.where(sample < 0, 0x55, 0xD5)
    magnitude = np.where(sample < 0, -sample - 1, sample)
    segment = _segment(magnitude, 0x1F)
    shift = np.maximum(segment, 1)
    code = (segment << 4) | ((magnitude >> shift) & 0x0F)
    code = np.where(segment >= 8, 0x7F, code)
    return _by_unsigned_index((code ^ mask).astype(np.uint8))


def _by_unsigned_index(codes: CodeArray) -> CodeArray:
    """Reorder a table built for -32768..32767 so it is indexed by the sample's uint16 view."""
    return np.roll(codes, -32768)


def _build_ulaw_decode() -> Int16Array:
    code = ~np.arange(256, dtype=np.int32) & 0xFF
    segment = (code >> 4) & 0x07
    value = (((code & 0x0F) << 3) + 0x84) << segment
    return np.where(code & 0x80, 0x84 - value, value - 0x84).astype(np.int16)


def _build_alaw_decode() -> Int16Array:
    code = np.arange(256, dtype=np.int32) ^ 0x55
    segment = (code >> 4) & 0x07
    value = ((code & 0x0F) << 4) + np.where(segment == 0, 8, 0x108)
    value = np.where(segment > 1, value << np.maximum(segment - 1, 0), value)
    return np.where(code & 0x80, value, -value).astype(np.int16)


ULAW_ENCODE = _build_ulaw_encode()
ALAW_ENCODE = _build_alaw_encode()
ULAW_DECODE = _build_ulaw_decode()
ALAW_DECODE = _build_alaw_decode()
for _table in (ULAW_ENCODE, ALAW_ENCODE, ULAW_DECODE, ALAW_DECODE):
    _table.flags.writeable = False


def pcm_from_bytes(pcm: bytes) -> Int16Array:
    """View 16-bit little-endian PCM bytes as samples (no copy)."""
    if len(pcm) % 2:
        raise ValueError(f"16-bit PCM must have an even number of bytes, got {len(pcm)}")
    return np.frombuffer(pcm, dtype="<i2").astype(np.int16, copy=False)


def ulaw_encode(pcm: bytes | Int16Array) -> bytes:
    """Encode 16-bit PCM to μ-law, one byte per sample."""
    return _encode(ULAW_ENCODE, pcm)


def alaw_encode(pcm: bytes | Int16Array) -> bytes:
    """Encode 16-bit PCM to A-law, one byte per sample."""
    return _encode(ALAW_ENCODE, pcm)


def ulaw_decode(data: bytes) -> Int16Array:
    """Decode μ-law bytes to 16-bit samples."""
    return ULAW_DECODE[np.frombuffer(data, dtype=np.uint8)]


def alaw_decode(data: bytes) -> Int16Array:
    """Decode A-law bytes to 16-bit samples."""
    return ALAW_DECODE[np.frombuffer(data, dtype=np.uint8)]


def encode(pcm: bytes | Int16Array, payload_type: int) -> bytes:
    """Encode for the negotiated static payload type (0 = PCMU, 8 = PCMA)."""
    if payload_type == PT_PCMU:
        return ulaw_encode(pcm)
    if payload_type == PT_PCMA:
        return alaw_encode(pcm)
    raise ValueError(f"payload type {payload_type} is not G.711 (0 PCMU or 8 PCMA)")


def decode(data: bytes, payload_type: int) -> Int16Array:
    """Decode a G.711 payload of the given static payload type (0 = PCMU, 8 = PCMA)."""
    if payload_type == PT_PCMU:
        return ulaw_decode(data)
    if payload_type == PT_PCMA:
        return alaw_decode(data)
    raise ValueError(f"payload type {payload_type} is not G.711 (0 PCMU or 8 PCMA)")


def _encode(table: CodeArray, pcm: bytes | Int16Array) -> bytes:
    samples = pcm_from_bytes(pcm) if isinstance(pcm, bytes | bytearray | memoryview) else pcm
    if samples.dtype != np.int16:
        raise ValueError(f"PCM samples must be int16, got {samples.dtype}")
    return table[samples.view(np.uint16)].tobytes()
