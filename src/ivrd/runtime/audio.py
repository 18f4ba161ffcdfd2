"""Audio the node plays: stored prompts (cached, pre-encoded), the digit voice pack and
texts spoken by espeak-ng (Call Interactive greetings, cached: a greeting is often the same)."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from pathlib import Path

from ivrd.media.errors import SoundError
from ivrd.media.speech import Speaker
from ivrd.media.stored import StoredAudio, read_stored
from ivrd.media.voicepack import VoicePack, ensure_voice_pack, voice_pack_dir

log = logging.getLogger("ivrd.runtime.audio")
CACHE_SIZE = 256
SPEECH_CACHE_SIZE = 64


class AudioLibrary:
    """Loads stored sounds once (by their immutable stored name) and keeps the recent ones."""

    def __init__(self, sound_dir: Path, data_dir: Path) -> None:
        self.sound_dir = sound_dir
        self.data_dir = data_dir
        self._cache: OrderedDict[str, StoredAudio] = OrderedDict()
        self._voice: VoicePack | None = None
        self._speaker = Speaker()
        self._spoken: OrderedDict[tuple[str, str], StoredAudio] = OrderedDict()
        self._spoken_lock = threading.Lock()  # speech() runs in worker threads

    def sound(self, stored_name: str) -> StoredAudio | None:
        """The prompt, or None when its file is missing or unreadable (the call goes on)."""
        audio = self._cache.get(stored_name)
        if audio is not None:
            self._cache.move_to_end(stored_name)
            return audio
        try:
            audio = read_stored(self.sound_dir / stored_name)
        except (OSError, SoundError) as exc:
            log.warning("sound %s cannot be played: %s", stored_name, exc)
            return None
        self._cache[stored_name] = audio
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return audio

    def voice(self) -> VoicePack | None:
        """The digit voice pack, generated on first use (needs espeak-ng once)."""
        if self._voice is None:
            try:
                self._voice = ensure_voice_pack(voice_pack_dir(self.data_dir))
            except (OSError, SoundError, RuntimeError) as exc:
                log.warning("voice pack unavailable: %s", exc)
                return None
        return self._voice

    def digits(self, digits: str, method: str) -> StoredAudio | None:
        voice = self.voice()
        if voice is None:
            return None
        try:
            if method == "pronounced" and digits.isdigit() and len(digits) <= 9:
                pcm = voice.say_number(int(digits))
            else:
                pcm = voice.say_digits("".join(d for d in digits if d in "0123456789*#"))
        except (ValueError, SoundError) as exc:
            log.warning("cannot say %r: %s", digits, exc)
            return None
        return StoredAudio.from_pcm(pcm)

    def speech(self, text: str, voice: str | None) -> StoredAudio | None:
        """``text`` spoken (blocking: call it in a worker thread), or None when it cannot be
        (no espeak-ng, empty or too long a text): the call goes on as after the prompt."""
        key = (text, voice or "")
        with self._spoken_lock:
            audio = self._spoken.get(key)
            if audio is not None:
                self._spoken.move_to_end(key)
                return audio
        try:
            audio = StoredAudio.from_pcm(self._speaker.speak(text, voice))
        except SoundError as exc:
            log.warning("cannot speak %r: %s", text[:60], exc)
            return None
        with self._spoken_lock:
            self._spoken[key] = audio
            if len(self._spoken) > SPEECH_CACHE_SIZE:
                self._spoken.popitem(last=False)
        return audio
