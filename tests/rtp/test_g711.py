from __future__ import annotations

import importlib
import shutil
import subprocess
import warnings
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
import soundfile as sf

from ivrd.rtp import g711

ALL_SAMPLES = np.arange(-32768, 32768, dtype=np.int16)
ALL_CODES = bytes(range(256))
SOX = shutil.which("sox")


def _audioop() -> ModuleType | None:
    """CPython's C G.711 (deprecated in 3.11, gone in 3.13): a byte-exact oracle while it lasts."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            return importlib.import_module("audioop")
        except ImportError:
            return None


AUDIOOP = _audioop()


@pytest.mark.parametrize(
    ("sample", "ulaw", "alaw"),
    [
        (0, 0xFF, 0xD5),
        (-1, 0x7E, 0x55),  # -1 >> 2 is -1: μ-law's negative zero 0x7F is never produced
        (32767, 0x80, 0xAA),
        (-32768, 0x00, 0x2A),
        (1000, 0xCE, 0xFA),
        (-1000, 0x4E, 0x7A),
    ],
)
def test_reference_values(sample: int, ulaw: int, alaw: int) -> None:
    pcm = np.array([sample], dtype=np.int16)
    assert g711.ulaw_encode(pcm) == bytes([ulaw])
    assert g711.alaw_encode(pcm) == bytes([alaw])


def test_decode_reference_values() -> None:
    assert g711.ulaw_decode(b"\xff\x7f\x80\x00").tolist() == [0, 0, 32124, -32124]
    assert g711.alaw_decode(b"\xd5\x55\xaa\x2a").tolist() == [8, -8, 32256, -32256]


def test_bytes_and_arrays_agree() -> None:
    pcm = ALL_SAMPLES.astype("<i2").tobytes()
    assert g711.ulaw_encode(pcm) == g711.ulaw_encode(ALL_SAMPLES)
    assert g711.alaw_encode(pcm) == g711.alaw_encode(ALL_SAMPLES)


@pytest.mark.parametrize("payload_type", [g711.PT_PCMU, g711.PT_PCMA])
def test_round_trip_error_is_within_half_a_segment_step(payload_type: int) -> None:
    decoded = g711.decode(g711.encode(ALL_SAMPLES, payload_type), payload_type).astype(np.int32)
    error = np.abs(decoded - ALL_SAMPLES.astype(np.int32))
    inside = np.abs(ALL_SAMPLES.astype(np.int32)) < 32000  # beyond, the top code clips
    # Steps double per segment: relative error stays under 1/32 plus the smallest step.
    assert np.all(error[inside] <= np.abs(ALL_SAMPLES[inside].astype(np.int32)) / 32 + 8)
    assert int(error.max()) <= 1024


@pytest.mark.parametrize(("payload_type", "skip"), [(g711.PT_PCMU, {0x7F}), (g711.PT_PCMA, set())])
def test_every_code_survives_decode_then_encode(payload_type: int, skip: set[int]) -> None:
    again = g711.encode(g711.decode(ALL_CODES, payload_type), payload_type)
    for code in range(256):
        if code not in skip:  # μ-law 0x7F (-0) decodes to 0, which encodes as 0xFF (+0)
            assert again[code] == code


def test_encode_is_monotonic() -> None:
    decoded = g711.ulaw_decode(g711.ulaw_encode(ALL_SAMPLES)).astype(np.int32)
    assert np.all(np.diff(decoded) >= 0)
    decoded = g711.alaw_decode(g711.alaw_encode(ALL_SAMPLES)).astype(np.int32)
    assert np.all(np.diff(decoded) >= 0)


@pytest.mark.skipif(AUDIOOP is None, reason="audioop is gone from this Python (3.13+)")
def test_matches_cpython_audioop_over_every_input() -> None:
    assert AUDIOOP is not None
    pcm = ALL_SAMPLES.astype("<i2").tobytes()
    assert g711.ulaw_encode(pcm) == AUDIOOP.lin2ulaw(pcm, 2)
    assert g711.alaw_encode(pcm) == AUDIOOP.lin2alaw(pcm, 2)
    assert g711.ulaw_decode(ALL_CODES).astype("<i2").tobytes() == AUDIOOP.ulaw2lin(ALL_CODES, 2)
    assert g711.alaw_decode(ALL_CODES).astype("<i2").tobytes() == AUDIOOP.alaw2lin(ALL_CODES, 2)


def _sox(*args: str) -> None:
    assert SOX is not None
    subprocess.run([SOX, "-D", *args], check=True, capture_output=True, timeout=30)


@pytest.mark.skipif(SOX is None, reason="sox is not installed (Debian package sox)")
def test_sine_agrees_with_sox(tmp_path: Path) -> None:
    t = np.arange(8000) / 8000
    sine = (np.sin(2 * np.pi * 440 * t) * 20000).astype(np.int16)
    source = tmp_path / "sine.wav"
    sf.write(source, sine, 8000, subtype="PCM_16")
    for sox_name, encode, decode in (
        ("u-law", g711.ulaw_encode, g711.ulaw_decode),
        ("a-law", g711.alaw_encode, g711.alaw_decode),
    ):
        raw = tmp_path / f"sine.{sox_name}"
        _sox(str(source), "-t", "raw", "-e", sox_name, "-b", "8", str(raw))
        theirs = np.frombuffer(raw.read_bytes(), dtype=np.uint8).astype(np.int16)
        ours = np.frombuffer(encode(sine), dtype=np.uint8).astype(np.int16)
        assert len(theirs) == len(ours) == 8000
        # sox's μ-law rounds a few inputs on segment decision levels one code the other way
        assert np.mean(theirs == ours) > 0.97
        assert np.all(np.abs(theirs - ours) <= 1)
        back = tmp_path / f"{sox_name}.wav"
        _sox("-t", "raw", "-e", sox_name, "-b", "8", "-r", "8000", "-c", "1", str(raw),
             "-e", "signed", "-b", "16", str(back))  # fmt: skip
        decoded, _ = sf.read(back, dtype="int16")
        assert np.array_equal(decoded, decode(raw.read_bytes()))
    assert g711.alaw_encode(sine) == (tmp_path / "sine.a-law").read_bytes()


def test_payload_type_dispatch() -> None:
    pcm = np.array([0, 1000, -1000], dtype=np.int16)
    assert g711.encode(pcm, g711.PT_PCMU) == g711.ulaw_encode(pcm)
    assert g711.encode(pcm, g711.PT_PCMA) == g711.alaw_encode(pcm)
    assert g711.decode(b"\xff", 0).tolist() == [0]
    assert g711.decode(b"\xd5", 8).tolist() == [8]
    with pytest.raises(ValueError, match=r"^payload type 9 is not G\.711 \(0 PCMU or 8 PCMA\)$"):
        g711.encode(pcm, 9)
    with pytest.raises(ValueError, match=r"^payload type 101 is not G\.711"):
        g711.decode(b"", 101)


def test_odd_pcm_and_wrong_dtype_are_refused() -> None:
    with pytest.raises(ValueError, match=r"^16-bit PCM must have an even number of bytes, got 3$"):
        g711.ulaw_encode(b"abc")
    with pytest.raises(ValueError, match=r"^PCM samples must be int16, got float64$"):
        g711.alaw_encode(np.zeros(4))  # type: ignore[arg-type]


def test_tables_are_read_only() -> None:
    with pytest.raises(ValueError, match="read-only"):
        g711.ULAW_ENCODE[0] = 1
