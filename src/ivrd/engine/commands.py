"""What a call session asks the outside world to do.

``CallSession`` returns these; the runtime performs them on a real call and the simulator
performs them in virtual time. ``Trace`` carries no side effect: it records each decision the
engine made (which rule ran or was skipped and why), so a call can be explained afterwards.

Ids (play, timer, transfer, request) are allocated by the session from one counter; an event
that answers a command names the same id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

PlayMode = Literal["background", "foreground"]
SayMethod = Literal["pronounced", "iterated"]
HttpMethod = Literal["GET", "POST"]
TraceValue = str | int | float | bool | None

PLAY_MODES = frozenset({"background", "foreground"})
SAY_METHODS = frozenset({"pronounced", "iterated"})
HTTP_METHODS = frozenset({"GET", "POST"})


def _check_id(name: str, value: int) -> None:
    if type(value) is not int or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")


def _check_ms(name: str, value: int) -> None:
    if type(value) is not int or value < 0:
        raise ValueError(f"{name} must be a non-negative int, got {value!r}")


def _check_play(play_id: int, duration_ms: int, mode: str | None = None) -> None:
    """What every prompt-like command checks: its id, its length and, if given, its mode."""
    _check_id("play_id", play_id)
    _check_ms("duration_ms", duration_ms)
    if mode is not None and mode not in PLAY_MODES:
        raise ValueError(f"play mode must be background or foreground, got {mode!r}")


@dataclass(frozen=True, slots=True)
class PlaySound:
    """Play a stored sound; ``duration_ms`` is its known length (the simulator uses it)."""

    KIND: ClassVar[str] = "play"
    play_id: int
    sound_id: int
    mode: PlayMode
    duration_ms: int

    def __post_init__(self) -> None:
        _check_play(self.play_id, self.duration_ms, self.mode)


@dataclass(frozen=True, slots=True)
class PlayText:
    """Speak a text synthesised by the runtime (Call Interactive's text-to-speech greeting).

    ``duration_ms`` is an estimate for the simulator; the runtime reports the real end.
    """

    KIND: ClassVar[str] = "say_text"
    play_id: int
    text: str
    voice: str | None
    mode: PlayMode
    duration_ms: int

    def __post_init__(self) -> None:
        _check_play(self.play_id, self.duration_ms, self.mode)


@dataclass(frozen=True, slots=True)
class PlaySilence:
    """Play silence (always background: a digit interrupts it)."""

    KIND: ClassVar[str] = "silence"
    play_id: int
    duration_ms: int

    def __post_init__(self) -> None:
        _check_play(self.play_id, self.duration_ms)


@dataclass(frozen=True, slots=True)
class SayDigits:
    """Speak digits, as one number (``pronounced``) or one by one (``iterated``)."""

    KIND: ClassVar[str] = "say_digits"
    play_id: int
    digits: str
    method: SayMethod
    duration_ms: int

    def __post_init__(self) -> None:
        _check_play(self.play_id, self.duration_ms)
        if self.method not in SAY_METHODS:
            raise ValueError(f"say method must be pronounced or iterated, got {self.method!r}")


@dataclass(frozen=True, slots=True)
class StopPlayback:
    """Stop a prompt early (a digit interrupted it, or the call is leaving the menu)."""

    KIND: ClassVar[str] = "stop"
    play_id: int

    def __post_init__(self) -> None:
        _check_id("play_id", self.play_id)


@dataclass(frozen=True, slots=True)
class StartTimer:
    """Fire ``TimerFired(timer_id)`` after ``delay_ms``; ``purpose`` is for humans."""

    KIND: ClassVar[str] = "timer"
    timer_id: int
    delay_ms: int
    purpose: str

    def __post_init__(self) -> None:
        if type(self.timer_id) is not int or self.timer_id < 1:  # inline: on every call's hot path
            _check_id("timer_id", self.timer_id)
        _check_ms("delay_ms", self.delay_ms)


@dataclass(frozen=True, slots=True)
class CancelTimer:
    """Forget a timer; if it fires anyway (a race), the session ignores it."""

    KIND: ClassVar[str] = "cancel_timer"
    timer_id: int

    def __post_init__(self) -> None:
        if type(self.timer_id) is not int or self.timer_id < 1:  # inline: on every call's hot path
            _check_id("timer_id", self.timer_id)


@dataclass(frozen=True, slots=True)
class Transfer:
    """Ring ``destinations`` together for at most ``timeout_s``; report with ``TransferEnded``.

    ``simple`` skips the targets' own incoming-call rules. ``final`` tells the runtime the
    caller will not come back to the menu once the transfer is answered (it may hand the call
    off completely); with ``final=False`` it must report ``BridgeEnded`` and keep the caller.
    ``caller_id_*`` of None mean "the caller's own".
    """

    KIND: ClassVar[str] = "transfer"
    transfer_id: int
    destinations: tuple[str, ...]
    simple: bool
    timeout_s: int
    final: bool
    caller_id_number: str | None = None
    caller_id_name: str | None = None

    def __post_init__(self) -> None:
        _check_id("transfer_id", self.transfer_id)
        if not self.destinations or not all(isinstance(d, str) and d for d in self.destinations):
            raise ValueError(f"destinations must be non-empty strings, got {self.destinations!r}")
        if type(self.timeout_s) is not int or self.timeout_s < 1:
            raise ValueError(f"timeout_s must be a positive int, got {self.timeout_s!r}")


@dataclass(frozen=True, slots=True)
class CancelTransfer:
    """Stop ringing a transfer (the menu's lifetime expired while it rang)."""

    KIND: ClassVar[str] = "cancel_transfer"
    transfer_id: int

    def __post_init__(self) -> None:
        _check_id("transfer_id", self.transfer_id)


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """A Call Interactive request; answer with ``HttpAnswered`` or ``HttpFailed``.

    ``params`` go in the query string (GET) or a form-encoded body (POST). The session runs its
    own timer of ``timeout_s``; the runtime may use it to bound the request too.
    """

    KIND: ClassVar[str] = "http"
    request_id: int
    method: HttpMethod
    url: str
    params: tuple[tuple[str, str], ...]
    timeout_s: int

    def __post_init__(self) -> None:
        _check_id("request_id", self.request_id)
        if self.method not in HTTP_METHODS:
            raise ValueError(f"HTTP method must be GET or POST, got {self.method!r}")
        if not self.url.startswith(("http://", "https://")):
            raise ValueError(f"URL must start with http:// or https://, got {self.url!r}")
        if type(self.timeout_s) is not int or self.timeout_s < 1:
            raise ValueError(f"timeout_s must be a positive int, got {self.timeout_s!r}")


@dataclass(frozen=True, slots=True)
class StartRecording:
    """Record the caller from now on (the ``start_record`` action)."""

    KIND: ClassVar[str] = "record"


@dataclass(frozen=True, slots=True)
class RecordVoicemail:
    """Record a voicemail message from now until hang-up or ``max_ms``, then store it.

    The greeting has already been played by the session (``greeting_sound_id`` is kept for the
    stored message's metadata). E-mail ``mailto`` (comma-separated), attaching the file if
    ``attach``.
    """

    KIND: ClassVar[str] = "voicemail"
    greeting_sound_id: int | None
    mailto: str
    attach: bool
    max_ms: int

    def __post_init__(self) -> None:
        _check_ms("max_ms", self.max_ms)


@dataclass(frozen=True, slots=True)
class SaveRating:
    """Store the caller's call-quality rating (``quality_rate``)."""

    KIND: ClassVar[str] = "rating"
    rating: int
    max_rate: int

    def __post_init__(self) -> None:
        if not 1 <= self.rating <= self.max_rate:
            raise ValueError(f"rating must be in 1..{self.max_rate}, got {self.rating!r}")


@dataclass(frozen=True, slots=True)
class StartRecognition:
    """Recognise the caller's speech; report with ``SpeechRecognised`` or
    ``RecognitionUnavailable``."""

    KIND: ClassVar[str] = "recognise"
    final_count: int

    def __post_init__(self) -> None:
        if type(self.final_count) is not int or self.final_count < 1:
            raise ValueError(f"final_count must be a positive int, got {self.final_count!r}")


@dataclass(frozen=True, slots=True)
class StopRecognition:
    """Stop recognising speech."""

    KIND: ClassVar[str] = "stop_recognition"


@dataclass(frozen=True, slots=True)
class HangUp:
    """End the call. The runtime drops the session's timers, prompts and recognition too."""

    KIND: ClassVar[str] = "hangup"
    cause: str = "normal"


@dataclass(frozen=True, slots=True)
class Trace:
    """One decision of the engine, for the call's timeline. No side effect.

    ``fields`` are (name, value) pairs, kept as a tuple so a trace is immutable and cheap.
    """

    KIND: ClassVar[str] = "trace"
    kind: str
    fields: tuple[tuple[str, TraceValue], ...] = ()

    def __post_init__(self) -> None:
        if not self.kind:
            raise ValueError("trace kind must not be empty")

    def as_dict(self) -> dict[str, TraceValue]:
        """The trace as a JSON-ready dict: ``{"kind": ..., <fields>}``."""
        out: dict[str, TraceValue] = {"kind": self.kind}
        out.update(self.fields)
        return out


Command = (
    PlaySound
    | PlayText
    | PlaySilence
    | SayDigits
    | StopPlayback
    | StartTimer
    | CancelTimer
    | Transfer
    | CancelTransfer
    | HttpRequest
    | StartRecording
    | RecordVoicemail
    | SaveRating
    | StartRecognition
    | StopRecognition
    | HangUp
    | Trace
)
