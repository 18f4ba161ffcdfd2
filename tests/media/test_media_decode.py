from __future__ import annotations

import io
import shutil
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from hypothesis import given, settings
from hypothesis import strategies as st

from ivrd.media.decode import (
    MAX_UPLOAD_BYTES,
    DecodedSound,
    SoundError,
    SourceFormat,
    decode_file,
    decode_sound,
    sniff_container,
)

SOX = shutil.which("sox")


def sine(rate: int, seconds: float = 0.5, freq: float = 440.0, amp: float = 0.5) -> np.ndarray:
    t = np.arange(round(rate * seconds)) / rate
    return amp * np.sin(2 * np.pi * freq * t)


def encode(audio: np.ndarray, rate: int, subtype: str, fmt: str = "WAV") -> bytes:
    buffer = io.BytesIO()
    sf.write(buffer, audio, rate, format=fmt, subtype=subtype)
    return buffer.getvalue()


def samples(sound: DecodedSound) -> np.ndarray:
    return np.frombuffer(sound.pcm, dtype="<i2").astype(np.float64) / 32768


def dominant_hz(pcm: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(pcm * np.hanning(len(pcm))))
    return float(np.argmax(spectrum) * 8000 / len(pcm))


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(x**2)))


@pytest.mark.parametrize(
    ("subtype", "fmt", "rate", "channels"),
    [
        ("PCM_16", "WAV", 44100, 1),
        ("PCM_16", "WAV", 48000, 2),
        ("PCM_24", "WAV", 48000, 1),
        ("PCM_24", "WAVEX", 44100, 2),  # WAVE_FORMAT_EXTENSIBLE, which stdlib wave cannot read
        ("PCM_32", "WAV", 16000, 1),
        ("PCM_U8", "WAV", 11025, 1),
        ("PCM_16", "WAVEX", 8000, 2),
        ("ULAW", "WAV", 8000, 1),
        ("ALAW", "WAV", 8000, 1),
    ],
)
def test_wav_variants(subtype: str, fmt: str, rate: int, channels: int) -> None:
    mono = sine(rate)
    audio = np.stack([mono, mono], axis=1) if channels == 2 else mono
    sound = decode_sound(encode(audio, rate, subtype, fmt))
    assert sound.source == SourceFormat("WAV", subtype, rate, channels, 500)
    assert sound.samples == 4000
    assert sound.duration_ms == 500
    pcm = samples(sound)
    assert dominant_hz(pcm) == pytest.approx(440, abs=2)
    assert rms(pcm[200:-200]) == pytest.approx(0.5 / np.sqrt(2), rel=0.03)


def test_8khz_mono_16bit_passes_through_bit_exact() -> None:
    pcm = (sine(8000) * 32767).astype("<i2")
    assert decode_sound(encode(pcm, 8000, "PCM_16")).pcm == pcm.tobytes()


def test_stereo_is_mixed_to_mono() -> None:
    left, right = sine(8000, amp=0.6), sine(8000, freq=1000, amp=0.2)
    pcm = samples(decode_sound(encode(np.stack([left, right], axis=1), 8000, "PCM_16")))
    assert np.allclose(pcm, (left + right) / 2, atol=2 / 32768)


def test_full_scale_is_clipped_not_wrapped() -> None:
    step = np.concatenate([np.full(22050, -1.0), np.full(22050, 32767 / 32768)])
    pcm = np.frombuffer(decode_sound(encode(step, 44100, "PCM_16")).pcm, dtype="<i2")
    # the resampler rings past full scale next to the step: clipped, never wrapped around
    assert pcm.max() == 32767
    assert pcm.min() == -32768
    assert pcm[4000:].min() > 0
    assert pcm[:4000].max() < 0


def test_mp3() -> None:
    data = encode(np.stack([sine(44100, 1.0)] * 2, axis=1), 44100, "MPEG_LAYER_III", "MP3")
    sound = decode_sound(data)
    assert sound.source.container == "MP3"
    assert sound.source.encoding == "MPEG_LAYER_III"
    assert (sound.source.sample_rate, sound.source.channels) == (44100, 2)
    assert abs(sound.duration_ms - 1000) <= 60
    pcm = samples(sound)
    assert dominant_hz(pcm) == pytest.approx(440, abs=2)
    assert rms(pcm[800:-800]) == pytest.approx(0.5 / np.sqrt(2), rel=0.1)


def test_mp3_with_id3_tag() -> None:
    mp3 = encode(sine(22050, 0.5), 22050, "MPEG_LAYER_III", "MP3")
    tag = b"ID3\x03\x00\x00" + bytes([0, 0, 0, 20]) + b"TIT2" + struct.pack(">I", 10) + bytes(12)
    sound = decode_sound(tag + mp3)
    assert sound.source.container == "MP3"
    assert abs(sound.duration_ms - 500) <= 60


@pytest.mark.skipif(SOX is None, reason="sox is not installed (Debian package sox)")
def test_resampling_agrees_with_sox(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    audio = sine(44100, 1.0, freq=300) + sine(44100, 1.0, freq=2100, amp=0.2)
    audio = np.stack([audio, audio + rng.normal(0, 0.01, len(audio))], axis=1) * 0.7
    source = tmp_path / "in.wav"
    source.write_bytes(encode(audio, 44100, "PCM_24"))
    target = tmp_path / "sox.wav"
    assert SOX is not None
    subprocess.run(
        [SOX, "-D", str(source), "-r", "8000", "-c", "1", "-b", "16", str(target)],
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    theirs, rate = sf.read(target)
    ours = samples(decode_sound(source.read_bytes()))
    assert rate == 8000
    assert len(ours) == len(theirs) == 8000
    inner = slice(100, -100)  # the filters' edges differ
    noise = rms(ours[inner] - theirs[inner])
    snr_db = 20 * np.log10(rms(theirs[inner]) / noise)
    assert snr_db > 40


def test_decode_file(tmp_path: Path) -> None:
    path = tmp_path / "a.wav"
    path.write_bytes(encode(sine(8000), 8000, "PCM_16"))
    assert decode_file(path).duration_ms == 500


def refusal(data: bytes) -> str:
    with pytest.raises(SoundError) as info:
        decode_sound(data)
    assert isinstance(info.value, ValueError)
    return str(info.value)


@pytest.mark.parametrize("subtype", ["FLOAT", "DOUBLE"])
@pytest.mark.parametrize("fmt", ["WAV", "WAVEX"])
def test_float_wav_is_refused(subtype: str, fmt: str) -> None:
    assert refusal(encode(sine(8000), 8000, subtype, fmt)) == (
        "file: float WAV (IEEE float) is not supported; export 16-bit PCM"
    )


@pytest.mark.parametrize("subtype", ["IMA_ADPCM", "MS_ADPCM", "GSM610"])
def test_compressed_wav_is_refused(subtype: str) -> None:
    assert refusal(encode(sine(8000), 8000, subtype)) == (
        f"file: WAV encoding {subtype} is not supported; export 16-bit PCM"
    )


@pytest.mark.parametrize(
    "data",
    [
        (sine(8000) * 32767).astype("<i2").tobytes(),  # headerless PCM
        b"%PDF-1.7\n" + bytes(100),
        b"\x89PNG\r\n\x1a\n" + bytes(100),
        b"fLaC" + bytes(100),
        b"OggS" + bytes(100),
        b"RIFF\x00\x00\x00\x00AVI LIST",
        b"\xff\xf1\x50\x80" + bytes(100),  # AAC ADTS: MPEG sync with layer 0
        b"\xff\xfb\xf0\x00" + bytes(100),  # MPEG sync with the "bad" bitrate index
        b"\xff\xff" * 100,  # headerless PCM full of -1
        b"hello",
    ],
)
def test_non_audio_and_headerless_files_are_refused(data: bytes) -> None:
    assert refusal(data) == "file: not a WAV or MP3 file"


def test_wav_without_format_header() -> None:
    body = b"data" + struct.pack("<I", 8) + bytes(8)
    assert refusal(b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WAVE" + body) == (
        "file: WAV file without a format (fmt) header"
    )
    assert refusal(b"RIFF\x04\x00\x00\x00WAVE") == "file: WAV file without a format (fmt) header"


def test_damaged_files() -> None:
    wav = encode(sine(8000), 8000, "PCM_16")
    message = refusal(wav[:30])
    assert message.startswith("file: damaged WAV file (")
    assert refusal(b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"garbage" * 20) == (
        "file: damaged MP3 file (no decodable MPEG audio frames)"
    )
    message = refusal(wav[:8] + b"WAVEfmt " + bytes(20))  # a zero-length fmt chunk
    # the reason is libsndfile's wording (today "... Short 'fmt ' chunk")
    assert message.startswith("file: damaged WAV file (")
    assert "'fmt ' chunk" in message


def test_empty_inputs() -> None:
    assert refusal(b"") == "file: empty file"
    assert refusal(encode(np.zeros(0), 8000, "PCM_16")) == "file: contains no audio"


def test_more_than_two_channels() -> None:
    audio = np.zeros((800, 3))
    assert refusal(encode(audio, 8000, "PCM_16")) == (
        "file: 3 channels; only mono or stereo are accepted"
    )


def test_too_large(tmp_path: Path) -> None:
    data = encode(sine(8000), 8000, "PCM_16")
    big = data + bytes(MAX_UPLOAD_BYTES + 1 - len(data))
    assert refusal(big) == f"file: larger than 10 MB ({MAX_UPLOAD_BYTES + 1} bytes)"
    path = tmp_path / "big.wav"
    path.write_bytes(big)
    with pytest.raises(SoundError, match=r"^file: larger than 10 MB \(10485761 bytes\)$"):
        decode_file(path)
    assert len(decode_sound(data + bytes(MAX_UPLOAD_BYTES - len(data))).pcm) > 0


def test_too_long() -> None:
    data = encode(np.zeros(3601 * 1000, dtype=np.int16), 1000, "PCM_U8")
    assert len(data) < MAX_UPLOAD_BYTES
    assert refusal(data) == "file: longer than 60 minutes"


def test_field_name_in_messages() -> None:
    with pytest.raises(SoundError, match=r"^upload: not a WAV or MP3 file$"):
        decode_sound(b"nope", field="upload")


def test_sniff_container() -> None:
    assert sniff_container(encode(sine(8000), 8000, "PCM_16")) == "WAV"
    assert sniff_container(encode(sine(8000), 8000, "MPEG_LAYER_III", "MP3")) == "MP3"


SEEDS = [
    encode(sine(8000, 0.05), 8000, "PCM_16"),
    encode(np.stack([sine(44100, 0.05)] * 2, axis=1), 44100, "PCM_24", "WAVEX"),
    encode(sine(22050, 0.1), 22050, "MPEG_LAYER_III", "MP3"),
]


@settings(max_examples=200, deadline=None)
@given(
    seed=st.sampled_from(SEEDS),
    edits=st.lists(st.tuples(st.integers(0, 99), st.integers(0, 255)), min_size=1, max_size=6),
    cut=st.none() | st.integers(0, 400),
)
def test_damaged_headers_only_ever_raise_sound_error(
    seed: bytes, edits: list[tuple[int, int]], cut: int | None
) -> None:
    data = bytearray(seed)
    for position, value in edits:
        data[position] = value
    try:
        sound = decode_sound(bytes(data[:cut] if cut is not None else data))
    except SoundError:
        return
    assert sound.samples > 0
