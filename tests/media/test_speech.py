"""Text to speech with the real espeak-ng: what Call Interactive's greetings sound like."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from ivrd.media.errors import SoundError
from ivrd.media.speech import MAX_TEXT, Speaker

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="no espeak-ng")


def seconds(pcm: bytes) -> float:
    return len(pcm) / 2 / 8000


def loudness(pcm: bytes) -> float:
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    return float(np.sqrt(np.mean(samples**2)))


@needs_espeak
def test_a_russian_greeting_becomes_telephony_speech() -> None:
    pcm = Speaker().speak("Здравствуйте, Иван Петрович! Ваш заказ готов к выдаче.")
    assert 2.0 < seconds(pcm) < 8.0
    assert loudness(pcm) > 500  # speech, not silence
    longer = Speaker().speak("Здравствуйте, Иван Петрович! Ваш заказ готов к выдаче. " * 3)
    assert seconds(longer) > 2.5 * seconds(pcm)


@needs_espeak
def test_known_voices_are_used_and_provider_voices_fall_back_to_russian() -> None:
    speaker = Speaker()
    assert {"ru", "en-us"} <= speaker.voices
    assert speaker.voice_for("en-us") == "en-us"
    assert speaker.voice_for("alena") == "ru"  # a provider voice espeak-ng does not have
    assert speaker.voice_for(None) == "ru"
    english = speaker.speak("one two three", "en-us")
    russian = speaker.speak("one two three", "alena")
    assert english != russian  # spelled out by another language's rules


@needs_espeak
def test_a_text_that_looks_like_an_option_is_spoken_not_obeyed() -> None:
    pcm = Speaker().speak("-w /tmp/ivrd-should-not-exist.wav hello")
    assert seconds(pcm) > 1.0


@needs_espeak
def test_bad_texts_are_refused_with_a_reason() -> None:
    speaker = Speaker()
    with pytest.raises(SoundError, match="the text is empty"):
        speaker.speak(" \n\t ")
    with pytest.raises(SoundError, match=f"longer than {MAX_TEXT} characters"):
        speaker.speak("а" * (MAX_TEXT + 1))


def test_without_espeak_the_error_names_it() -> None:
    speaker = Speaker(executable="/nonexistent/espeak-ng")
    with pytest.raises(SoundError, match="cannot run espeak-ng"):
        speaker.speak("hello")
