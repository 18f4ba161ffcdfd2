"""Text to speech for Call Interactive's ``<TextToSpeech>`` greetings, with espeak-ng.

The provider synthesises the text of a ``text_to_speech`` answer and keeps the result for
``play_sound_from_variable`` rules; ivrd does the same with espeak-ng, the synthesiser the
digit voice pack already uses (Debian package ``espeak-ng``): 22.05 kHz WAV on stdout, decoded
to 8 kHz telephony PCM like an uploaded sound. The text goes in on stdin, so a text starting
with ``-`` is never read as an option.

Voices: the provider names its own (``alena``, ``filipp``, ...) which espeak-ng does not have.
A requested voice that espeak-ng knows (a language such as ``en-us`` or a voice file such as
``gmw/en-US``) is used; any other falls back to the node's default language, Russian, the
language of the provider's menus — a greeting in an unexpected voice beats silence.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cached_property

from ivrd.media.decode import decode_sound
from ivrd.media.errors import SoundError

__all__ = ["DEFAULT_VOICE", "MAX_TEXT", "Speaker"]

ESPEAK = "espeak-ng"
DEFAULT_VOICE = "ru"
SPEED_WPM = 150  # as the voice pack: a little slower than espeak's 175, for the phone
MAX_TEXT = 4000  # characters, as Call Interactive's <TextToSpeech> accepts
TIMEOUT_S = 20


class Speaker:
    """Synthesises texts; blocking (run it in a worker thread)."""

    def __init__(self, default_voice: str = DEFAULT_VOICE, executable: str | None = None) -> None:
        self.default_voice = default_voice
        self._executable = executable

    @cached_property
    def espeak(self) -> str:
        found = self._executable or shutil.which(ESPEAK)
        if found is None:
            raise SoundError("text to speech: espeak-ng is not installed (Debian: espeak-ng)")
        return found

    @cached_property
    def voices(self) -> frozenset[str]:
        """Languages and voice files espeak-ng has, as ``-v`` accepts them."""
        listing = self._run(["--voices"], b"").decode(errors="replace").splitlines()
        names: set[str] = set()
        for line in listing[1:]:  # Pty Language Age/Gender VoiceName File Other Languages
            columns = line.split()
            if len(columns) >= 5:
                names.update((columns[1], columns[4]))
        return frozenset(names)

    def voice_for(self, requested: str | None) -> str:
        """The espeak-ng voice to use for ``requested`` (the default when it has none such)."""
        if requested and requested in self.voices:
            return requested
        return self.default_voice

    def speak(self, text: str, voice: str | None = None) -> bytes:
        """8 kHz 16-bit PCM of ``text``; :class:`SoundError` when it cannot be made."""
        text = " ".join(text.split())
        if not text:
            raise SoundError("text to speech: the text is empty")
        if len(text) > MAX_TEXT:
            raise SoundError(f"text to speech: the text is longer than {MAX_TEXT} characters")
        arguments = ["-v", self.voice_for(voice), "-s", str(SPEED_WPM), "--stdin", "--stdout"]
        wav = self._run(arguments, text.encode())
        return decode_sound(wav, field="text to speech").pcm

    def _run(self, arguments: list[str], stdin: bytes) -> bytes:
        try:
            done = subprocess.run(
                [self.espeak, *arguments],
                input=stdin,
                capture_output=True,
                check=True,
                timeout=TIMEOUT_S,
            )
        except subprocess.CalledProcessError as exc:
            reason = exc.stderr.decode(errors="replace").strip() or f"exit status {exc.returncode}"
            raise SoundError(f"text to speech: espeak-ng failed: {reason}") from exc
        except subprocess.TimeoutExpired as exc:
            raise SoundError(f"text to speech: espeak-ng took over {TIMEOUT_S} s") from exc
        except OSError as exc:
            raise SoundError(f"text to speech: cannot run espeak-ng: {exc}") from exc
        return done.stdout
