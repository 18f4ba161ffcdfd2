from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from ivrd.media.decode import decode_sound
from ivrd.media.errors import SoundError
from ivrd.media.stored import FRAME_BYTES, StoredAudio, read_stored, wav_bytes, write_stored
from ivrd.rtp import g711


def pcm_of(seconds: float) -> bytes:
    t = np.arange(round(8000 * seconds)) / 8000
    return (np.sin(2 * np.pi * 440 * t) * 16000).astype("<i2").tobytes()


def test_write_then_read(tmp_path: Path) -> None:
    pcm = pcm_of(1.25)
    path = tmp_path / "sounds" / "1" / "abc.wav"
    write_stored(path, pcm)
    with wave.open(str(path), "rb") as stored:  # the plain WAV any player and `wave` accept
        assert (stored.getnchannels(), stored.getsampwidth(), stored.getframerate()) == (1, 2, 8000)
        assert stored.getnframes() == 10000
    audio = read_stored(path)
    assert audio.pcm == pcm
    assert audio.duration_ms == 1250
    assert audio.ulaw == g711.ulaw_encode(pcm)
    assert audio.alaw == g711.alaw_encode(pcm)
    assert audio.payload(0) is audio.ulaw
    assert audio.payload(8) is audio.alaw
    assert len(audio.ulaw) // FRAME_BYTES == 62  # 20 ms frames of 160 bytes
    assert [p.name for p in path.parent.iterdir()] == ["abc.wav"]  # no temporary left behind


def test_upload_to_playback(tmp_path: Path) -> None:
    t = np.arange(22050) / 44100
    upload = tmp_path / "upload.wav"
    sf.write(upload, np.stack([np.sin(2 * np.pi * 300 * t)] * 2, axis=1) * 0.4, 44100, "PCM_24")
    sound = decode_sound(upload.read_bytes())
    write_stored(tmp_path / "s.wav", sound.pcm)
    audio = read_stored(tmp_path / "s.wav")
    assert audio.duration_ms == sound.duration_ms == 500
    assert sf.info(str(tmp_path / "s.wav")).subtype == "PCM_16"


def test_wav_bytes_is_a_whole_file() -> None:
    data = wav_bytes(pcm_of(0.1))
    assert data[:4] == b"RIFF"
    assert data[8:16] == b"WAVEfmt "
    assert len(data) == 44 + 1600


def test_wrong_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.wav"
    sf.write(path, np.zeros((80, 2)), 16000, "PCM_16")
    with pytest.raises(SoundError) as info:
        read_stored(path)
    assert str(info.value) == (
        f"stored sound {path}: 2 channel(s), 16-bit, 16000 Hz; expected mono 16-bit 8000 Hz"
    )


def test_not_a_wav(tmp_path: Path) -> None:
    path = tmp_path / "x.wav"
    path.write_bytes(b"nothing here")
    with pytest.raises(SoundError, match=r"^stored sound .*x\.wav: not a readable WAV file \("):
        read_stored(path)


def test_missing_file_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_stored(tmp_path / "gone.wav")


def test_stored_audio_validation() -> None:
    with pytest.raises(ValueError, match=r"^stored audio: PCM, μ-law and A-law lengths do not"):
        StoredAudio(b"\x00\x00", b"", b"")
    with pytest.raises(ValueError, match=r"^payload type 3 is not G\.711"):
        StoredAudio.from_pcm(b"").payload(3)
