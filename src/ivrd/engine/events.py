"""What the outside world tells a call session.

The runtime (real calls) and the simulator (virtual time) translate what happens on the line
into these events and feed them to ``CallSession.handle``. Each event validates itself on
construction, so a session never has to guess what a malformed event meant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DIGITS = frozenset("0123456789*#")
DIGIT_SOURCES = frozenset({"rfc4733", "info", "inband", "sim"})
TRANSFER_STATUSES = frozenset({"answered", "busy", "no_answer", "failed"})

DigitSource = Literal["rfc4733", "info", "inband", "sim"]
TransferStatus = Literal["answered", "busy", "no_answer", "failed"]


def _check_id(name: str, value: int) -> None:
    if type(value) is not int or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")


@dataclass(frozen=True, slots=True)
class CallEntered:
    """The call was answered and its media is up: the menu may start.

    ``CallSession.start`` is the usual way in; this event exists for drivers that prefer to
    feed everything through ``handle``.
    """


@dataclass(frozen=True, slots=True)
class Digit:
    """The caller pressed a key (DTMF), from whichever transport carried it."""

    digit: str
    source: DigitSource = "rfc4733"

    def __post_init__(self) -> None:
        if self.digit not in DIGITS or len(self.digit) != 1:
            raise ValueError(f"digit must be one of 0-9, *, #, got {self.digit!r}")
        if self.source not in DIGIT_SOURCES:
            raise ValueError(
                f"digit source must be one of {sorted(DIGIT_SOURCES)}, got {self.source!r}"
            )


@dataclass(frozen=True, slots=True)
class PromptFinished:
    """A prompt (sound, silence, spoken digits or text) played to its end."""

    play_id: int

    def __post_init__(self) -> None:
        if type(self.play_id) is not int or self.play_id < 1:  # inline: on every call's hot path
            _check_id("play_id", self.play_id)


@dataclass(frozen=True, slots=True)
class TimerFired:
    """A timer the session started has expired."""

    timer_id: int

    def __post_init__(self) -> None:
        if type(self.timer_id) is not int or self.timer_id < 1:  # inline: on every call's hot path
            _check_id("timer_id", self.timer_id)


@dataclass(frozen=True, slots=True)
class TransferEnded:
    """The outcome of a transfer's ringing: answered, busy, no answer or failed."""

    transfer_id: int
    status: TransferStatus

    def __post_init__(self) -> None:
        _check_id("transfer_id", self.transfer_id)
        if self.status not in TRANSFER_STATUSES:
            raise ValueError(
                f"transfer status must be one of {sorted(TRANSFER_STATUSES)}, got {self.status!r}"
            )


@dataclass(frozen=True, slots=True)
class BridgeEnded:
    """The call an answered transfer bridged the caller to has ended (the caller is still on)."""

    transfer_id: int

    def __post_init__(self) -> None:
        _check_id("transfer_id", self.transfer_id)


@dataclass(frozen=True, slots=True)
class HttpAnswered:
    """A Call Interactive request got an HTTP answer (any status)."""

    request_id: int
    status: int
    body: bytes

    def __post_init__(self) -> None:
        _check_id("request_id", self.request_id)
        if type(self.status) is not int or not 100 <= self.status <= 599:
            raise ValueError(f"HTTP status must be an int in 100..599, got {self.status!r}")
        if not isinstance(self.body, bytes):
            raise ValueError(f"HTTP body must be bytes, got {type(self.body).__name__}")


@dataclass(frozen=True, slots=True)
class HttpFailed:
    """A Call Interactive request got no HTTP answer (connection error, timeout...)."""

    request_id: int
    reason: str

    def __post_init__(self) -> None:
        _check_id("request_id", self.request_id)
        if not isinstance(self.reason, str):
            raise ValueError(f"reason must be a str, got {type(self.reason).__name__}")


@dataclass(frozen=True, slots=True)
class SpeechRecognised:
    """A speech recogniser's transcript, partial (``final=False``) or final."""

    text: str
    final: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise ValueError(f"text must be a str, got {type(self.text).__name__}")
        if not isinstance(self.final, bool):
            raise ValueError(f"final must be a bool, got {self.final!r}")


@dataclass(frozen=True, slots=True)
class RecognitionUnavailable:
    """Speech recognition cannot run for this call (disabled for the client, no recogniser)."""


@dataclass(frozen=True, slots=True)
class CallerHungUp:
    """The caller hung up: the session ends, whatever it was doing."""


Event = (
    CallEntered
    | Digit
    | PromptFinished
    | TimerFired
    | TransferEnded
    | BridgeEnded
    | HttpAnswered
    | HttpFailed
    | SpeechRecognised
    | RecognitionUnavailable
    | CallerHungUp
)
