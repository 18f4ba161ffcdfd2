"""The rule actions of the documented API, one typed value per action.

Field names are the API's, so ``config/compile.py`` maps a stored rule onto its action without
renaming. Which actions route the call and which are media or data is decided in
``session.py`` (see ``docs/semantics.md``); these values only carry the configuration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ivrd.engine.commands import PLAY_MODES, SAY_METHODS

SoundType = Literal["background", "foreground"]
PlayDigitsMethod = Literal["pronounced", "iterated"]
InteractiveMethod = Literal["GET", "POST"]


def _check_method(method: str) -> None:
    if method not in SAY_METHODS:
        raise ValueError(f"play_digits_method must be pronounced or iterated, got {method!r}")


def _check_positive(name: str, value: int | None) -> None:
    if value is not None and (type(value) is not int or value < 0):
        raise ValueError(f"{name} must be a non-negative int or None, got {value!r}")


@dataclass(frozen=True, slots=True)
class Transfer:
    """Ring the space-separated numbers of ``transfer_dst`` together (at most 10)."""

    transfer_dst: str
    transfer_timeout: int | None = None

    def __post_init__(self) -> None:
        _check_positive("transfer_timeout", self.transfer_timeout)


@dataclass(frozen=True, slots=True)
class SimpleTransfer:
    """Like ``Transfer`` but the targets' incoming-call rules are not applied."""

    transfer_dst: str
    transfer_timeout: int | None = None

    def __post_init__(self) -> None:
        _check_positive("transfer_timeout", self.transfer_timeout)


@dataclass(frozen=True, slots=True)
class TransferFromVariable:
    """Transfer to the number(s) held in a variable; nothing happens if it is unset."""

    transfer_variable: str
    transfer_timeout: int | None = None

    def __post_init__(self) -> None:
        _check_positive("transfer_timeout", self.transfer_timeout)


@dataclass(frozen=True, slots=True)
class Hangup:
    """End the call (``hangup_cause`` is legacy and only reported)."""

    hangup_cause: str = "normal"


@dataclass(frozen=True, slots=True)
class PlaySound:
    """Play a stored sound, or the Call Interactive TTS greeting if asked and present."""

    sound: int
    sound_type: SoundType = "background"
    play_sound_from_variable: bool = False

    def __post_init__(self) -> None:
        if self.sound_type not in PLAY_MODES:
            raise ValueError(
                f"sound_type must be background or foreground, got {self.sound_type!r}"
            )


@dataclass(frozen=True, slots=True)
class PlaySilence:
    """Silence of ``silence_time`` ms, in background mode."""

    silence_time: int

    def __post_init__(self) -> None:
        _check_positive("silence_time", self.silence_time)


@dataclass(frozen=True, slots=True)
class JumpToContext:
    """Go to ``context``'s ``context_option`` (``start`` when unset)."""

    context: int
    context_option: str | None = None


@dataclass(frozen=True, slots=True)
class PlayDigits:
    """Speak ``digits``."""

    digits: str
    play_digits_method: PlayDigitsMethod = "iterated"

    def __post_init__(self) -> None:
        _check_method(self.play_digits_method)


@dataclass(frozen=True, slots=True)
class PlayDigitsFromVariable:
    """Speak the digits held in a variable; nothing happens if it is unset."""

    play_digits_variable: str
    play_digits_method: PlayDigitsMethod = "iterated"

    def __post_init__(self) -> None:
        _check_method(self.play_digits_method)


@dataclass(frozen=True, slots=True)
class RecordDigits:
    """Collect up to ``record_digits_max`` digits into a variable (after an optional prompt)."""

    record_digits_variable: str
    record_digits_max: int | None = None
    record_digits_sound: int | None = None
    record_digits_timeout: int | None = None

    def __post_init__(self) -> None:
        _check_positive("record_digits_max", self.record_digits_max)
        _check_positive("record_digits_timeout", self.record_digits_timeout)


@dataclass(frozen=True, slots=True)
class SetVariable:
    """Set an IVR variable; ``${name}`` in the value is substituted."""

    set_variable_name: str
    set_variable_value: str


@dataclass(frozen=True, slots=True)
class CallInteractive:
    """Ask an HTTP service what to do next (Call Interactive)."""

    call_interactive_url: str
    call_interactive_method: InteractiveMethod = "GET"
    call_interactive_timeout: int | None = None

    def __post_init__(self) -> None:
        if self.call_interactive_method not in ("GET", "POST"):
            raise ValueError(
                f"call_interactive_method must be GET or POST, got {self.call_interactive_method!r}"
            )
        _check_positive("call_interactive_timeout", self.call_interactive_timeout)


@dataclass(frozen=True, slots=True)
class SetCallerIdNumber:
    """Caller number shown on further transfers; ``${name}`` is substituted."""

    caller_id_number: str


@dataclass(frozen=True, slots=True)
class SetCallerIdName:
    """Caller name shown on further transfers; ``${name}`` is substituted."""

    caller_id_name: str


@dataclass(frozen=True, slots=True)
class QualityRate:
    """Ask the caller to rate the call with one digit 1..``max_rate``."""

    sound: int | None = None
    max_rate: int = 5
    play_sound_from_variable: bool = False

    def __post_init__(self) -> None:
        if type(self.max_rate) is not int or not 1 <= self.max_rate <= 9:
            raise ValueError(f"max_rate must be an int in 1..9, got {self.max_rate!r}")


@dataclass(frozen=True, slots=True)
class VoiceHelperRule:
    """Speech → option: any ``|``-separated alternative found in the transcript selects it."""

    to_option: str
    transcription: str
    alternatives: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        alts = tuple(a.strip().casefold() for a in self.transcription.split("|") if a.strip())
        if not alts:
            raise ValueError(f"transcription has no alternative: {self.transcription!r}")
        object.__setattr__(self, "alternatives", alts)

    def matches(self, text: str) -> bool:
        """Whether the (case-folded) transcript contains one of the alternatives."""
        return any(alt in text for alt in self.alternatives)


@dataclass(frozen=True, slots=True)
class VoiceHelper:
    """Play a prompt while recognising speech; the transcript selects an option."""

    sound: int | None = None
    voice_helper_rules: tuple[VoiceHelperRule, ...] = ()
    voice_helper_timeout: int | None = None
    voice_helper_digits_max: int | None = None
    voice_helper_final_count: int | None = None
    voice_helper_classic_term: bool = True
    play_sound_from_variable: bool = False

    def __post_init__(self) -> None:
        _check_positive("voice_helper_timeout", self.voice_helper_timeout)
        _check_positive("voice_helper_digits_max", self.voice_helper_digits_max)
        _check_positive("voice_helper_final_count", self.voice_helper_final_count)


@dataclass(frozen=True, slots=True)
class StartRecord:
    """Start recording the caller."""


Action = (
    Transfer
    | SimpleTransfer
    | TransferFromVariable
    | Hangup
    | PlaySound
    | PlaySilence
    | JumpToContext
    | PlayDigits
    | PlayDigitsFromVariable
    | RecordDigits
    | SetVariable
    | CallInteractive
    | SetCallerIdNumber
    | SetCallerIdName
    | QualityRate
    | VoiceHelper
    | StartRecord
)
