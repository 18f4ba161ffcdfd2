"""Audio the node plays: stored prompts (cached, pre-encoded) and the digit voice pack."""

from __future__ import annotations

import logging
from collections import OrderedDict
from pathlib import Path

from ivrd.media.errors import SoundError
from ivrd.media.stored import StoredAudio, read_stored
from ivrd.media.voicepack import VoicePack, ensure_voice_pack, voice_pack_dir

log = logging.getLogger("ivrd.runtime.audio")
CACHE_SIZE = 256


class AudioLibrary:
    """Loads stored sounds once (by their immutable stored name) and keeps the recent ones."""

    def __init__(self, sound_dir: Path, data_dir: Path) -> None:
        self.sound_dir = sound_dir
        self.data_dir = data_dir
        self._cache: OrderedDict[str, StoredAudio] = OrderedDict()
        self._voice: VoicePack | None = None

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
