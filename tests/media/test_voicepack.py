from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from ivrd.media.errors import SoundError
from ivrd.media.numbers_ru import VOCABULARY
from ivrd.media.stored import read_stored, write_stored
from ivrd.media.voicepack import (
    VoicePack,
    assemble,
    ensure_voice_pack,
    generate_voice_pack,
    trim_silence,
    voice_pack_dir,
)

ESPEAK = shutil.which("espeak-ng")
needs_espeak = pytest.mark.skipif(ESPEAK is None, reason="espeak-ng is not installed")


def tone(ms: int, amp: int = 8000) -> bytes:
    t = np.arange(8 * ms) / 8000
    return (np.sin(2 * np.pi * 500 * t) * amp).astype("<i2").tobytes()


def synthetic_pack(directory: Path) -> None:
    """A pack of tones standing in for words: clip i is (i + 1) * 10 ms long."""
    for i, word in enumerate(VOCABULARY):
        write_stored(directory / f"{word}.wav", tone(10 * (i + 1)))


def test_assemble_puts_gaps_between_clips() -> None:
    pcm = assemble([tone(100), tone(50)], gap_ms=60)
    assert len(pcm) == 2 * 8 * (100 + 60 + 50)
    middle = np.frombuffer(pcm, dtype="<i2")[800:1280]
    assert not middle.any()
    assert assemble([], 60) == b""
    assert assemble([tone(10)], 60) == tone(10)
    with pytest.raises(ValueError, match=r"^gap_ms must not be negative, got -1$"):
        assemble([tone(10)], -1)


def test_trim_silence() -> None:
    pcm = bytes(1600) + tone(200) + bytes(3200)
    trimmed = trim_silence(pcm)
    assert 2 * 8 * 200 <= len(trimmed) <= 2 * 8 * (200 + 2 * 10) + 2
    assert trim_silence(bytes(800)) == b""


def test_load_and_say_with_a_synthetic_pack(tmp_path: Path) -> None:
    synthetic_pack(tmp_path)
    pack = VoicePack.load(tmp_path)
    assert set(pack.clips) == set(VOCABULARY)
    length = {w: 10 * (i + 1) for i, w in enumerate(VOCABULARY)}
    said = pack.say_number(21000)  # двадцать одна тысяча
    expected_ms = length["двадцать"] + length["одна"] + length["тысяча"] + 2 * 60
    assert len(said) == 2 * 8 * expected_ms
    said = pack.say_digits("5*")
    assert len(said) == 2 * 8 * (length["пять"] + length["звёздочка"] + 60)


def test_missing_clips_are_named(tmp_path: Path) -> None:
    synthetic_pack(tmp_path)
    (tmp_path / "тысячи.wav").unlink()
    (tmp_path / "ноль.wav").unlink()
    with pytest.raises(SoundError) as info:
        VoicePack.load(tmp_path)
    assert str(info.value) == f"voice pack {tmp_path}: missing clips ноль, тысячи"


def test_unknown_word(tmp_path: Path) -> None:
    synthetic_pack(tmp_path)
    with pytest.raises(SoundError, match=r"^voice pack has no clip 'сорокпять'$"):
        VoicePack.load(tmp_path).assemble(["сорок", "сорокпять"])


def test_pack_directory() -> None:
    assert voice_pack_dir(Path("/var/lib/ivrd")) == Path("/var/lib/ivrd/voice/ru")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = voice_pack_dir(tmp_path_factory.mktemp("data"))
    written = generate_voice_pack(directory)
    assert sorted(written) == sorted(directory / f"{w}.wav" for w in VOCABULARY)
    return directory


@needs_espeak
def test_generated_clips_are_plausible_speech(generated: Path) -> None:
    for word in VOCABULARY:
        audio = read_stored(generated / f"{word}.wav")
        # one to five syllables at 150 words a minute, trimmed: 0.15 to 1.2 s
        assert 150 <= audio.duration_ms <= 1200, word
        samples = np.frombuffer(audio.pcm, dtype="<i2").astype(np.float64)
        assert np.sqrt(np.mean(samples**2)) > 500, word  # not silence


@needs_espeak
def test_generated_pack_says_numbers(generated: Path) -> None:
    pack = VoicePack.load(generated)
    one = pack.say_number(1)
    big = pack.say_number(999_999_999)  # 11 words
    assert 0.15 < len(one) / 16000 < 1.2
    assert 5.0 < len(big) / 16000 < 12.0
    assert len(pack.say_digits("123*#")) > len(pack.say_number(123))


@needs_espeak
def test_ensure_fills_in_missing_clips_only(generated: Path, tmp_path: Path) -> None:
    directory = tmp_path / "voice"
    shutil.copytree(generated, directory)
    (directory / "две.wav").unlink()
    before = (directory / "один.wav").stat().st_mtime_ns
    pack = ensure_voice_pack(directory)
    assert (directory / "две.wav").is_file()
    assert (directory / "один.wav").stat().st_mtime_ns == before
    assert pack.clips["две"]


def test_generation_without_espeak(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(SoundError) as info:
        generate_voice_pack(tmp_path / "voice", ["один"])
    assert str(info.value) == "voice pack: espeak-ng is not installed (Debian package espeak-ng)"
