"""The default voice pack: recorded Russian words that ``play_digits`` strings together.

Generated once at install (or first start) by espeak-ng through ``media/speech.py``, one clip
per word of :data:`~ivrd.media.numbers_ru.VOCABULARY` (digits, numerals, scale words,
"звёздочка", "решётка"). Each clip goes through the same decoder as an upload, has its
leading and trailing silence trimmed, and is stored as ``<word>.wav`` (8 kHz mono 16-bit) in
the pack directory, by default ``<data dir>/voice/ru/``. A call loads the pack once and says
a number by concatenating clips with a short pause between words.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ivrd.media.decode import SAMPLE_RATE
from ivrd.media.errors import SoundError
from ivrd.media.numbers_ru import VOCABULARY, digit_clips, number_words_ru
from ivrd.media.speech import ESPEAK, Speaker
from ivrd.media.stored import read_stored, write_stored

__all__ = [
    "VoicePack",
    "assemble",
    "digit_clips",
    "ensure_voice_pack",
    "generate_voice_pack",
    "number_words_ru",
    "voice_pack_dir",
]

GAP_MS = 60  # pause between words when assembling
TRIM_THRESHOLD = 300  # |sample| below this (-40 dBFS) at the ends counts as silence
TRIM_MARGIN_MS = 10  # kept on each side of the trimmed word


def voice_pack_dir(data_dir: Path, language: str = "ru") -> Path:
    """Where the pack for ``language`` lives under the data directory."""
    return data_dir / "voice" / language


@dataclass(frozen=True, slots=True)
class VoicePack:
    """Loaded clips by word: 8 kHz mono 16-bit PCM each."""

    clips: Mapping[str, bytes]

    @classmethod
    def load(cls, directory: Path) -> VoicePack:
        """Read every clip of the vocabulary; :class:`SoundError` naming any that is missing."""
        missing = [word for word in VOCABULARY if not (directory / f"{word}.wav").is_file()]
        if missing:
            raise SoundError(f"voice pack {directory}: missing clips {', '.join(missing)}")
        return cls({word: read_stored(directory / f"{word}.wav").pcm for word in VOCABULARY})

    def assemble(self, words: Iterable[str], gap_ms: int = GAP_MS) -> bytes:
        """The PCM for the words in order, with ``gap_ms`` of silence between them."""
        try:
            return assemble([self.clips[word] for word in words], gap_ms)
        except KeyError as exc:
            raise SoundError(f"voice pack has no clip {exc.args[0]!r}") from exc

    def say_number(self, n: int) -> bytes:
        """``play_digits`` with ``pronounced``: the number as one (0..999 999 999)."""
        return self.assemble(number_words_ru(n))

    def say_digits(self, digits: str) -> bytes:
        """``play_digits`` with ``iterated``: one by one ('0'-'9', '*', '#')."""
        return self.assemble(digit_clips(digits))


def assemble(clips: Sequence[bytes], gap_ms: int = GAP_MS) -> bytes:
    """Concatenate 8 kHz 16-bit PCM clips with ``gap_ms`` of silence between consecutive ones."""
    if gap_ms < 0:
        raise ValueError(f"gap_ms must not be negative, got {gap_ms}")
    gap = bytes(2 * SAMPLE_RATE * gap_ms // 1000)
    return gap.join(clips)


def ensure_voice_pack(directory: Path) -> VoicePack:
    """Load the pack, generating the missing clips first (needs espeak-ng only then)."""
    missing = [word for word in VOCABULARY if not (directory / f"{word}.wav").is_file()]
    if missing:
        generate_voice_pack(directory, missing)
    return VoicePack.load(directory)


def generate_voice_pack(directory: Path, words: Iterable[str] = VOCABULARY) -> list[Path]:
    """Synthesise ``words`` with espeak-ng into ``directory``; return the files written."""
    espeak = shutil.which(ESPEAK)
    if espeak is None:
        raise SoundError("voice pack: espeak-ng is not installed (Debian package espeak-ng)")
    speaker = Speaker("ru", espeak)
    written = []
    for word in words:
        try:
            pcm = speaker.speak(word)
        except SoundError as exc:
            raise SoundError(f"voice pack: {word!r}: {exc}") from exc
        path = directory / f"{word}.wav"
        write_stored(path, trim_silence(pcm))
        written.append(path)
    return written


def trim_silence(pcm: bytes) -> bytes:
    """Cut leading and trailing silence, keeping a short margin; all-silent input becomes empty."""
    samples = np.frombuffer(pcm, dtype="<i2")
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) >= TRIM_THRESHOLD)
    if not len(loud):
        return b""
    margin = SAMPLE_RATE * TRIM_MARGIN_MS // 1000
    start = max(int(loud[0]) - margin, 0)
    end = min(int(loud[-1]) + 1 + margin, len(samples))
    return samples[start:end].tobytes()
