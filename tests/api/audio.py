"""Real audio files for API tests, made with numpy and libsndfile."""

from __future__ import annotations

import io

import numpy as np
import soundfile as sf


def tone(
    seconds: float = 0.5,
    rate: int = 44100,
    channels: int = 1,
    subtype: str = "PCM_16",
    fmt: str = "WAV",
) -> bytes:
    t = np.arange(int(rate * seconds)) / rate
    mono = 0.4 * np.sin(2 * np.pi * 440.0 * t)
    audio = np.stack([mono] * channels, axis=1) if channels > 1 else mono
    buffer = io.BytesIO()
    sf.write(buffer, audio, rate, subtype=subtype, format=fmt)
    return buffer.getvalue()
