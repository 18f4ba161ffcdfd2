"""A call session's states, the events each state accepts, and the engine's errors.

The table ``ACCEPTS`` is the whole contract with the driver (runtime or simulator): an event
of a type a state does not accept is either a legitimate race — something we asked for earlier
and no longer care about (a timer we cancelled, a prompt we stopped, an HTTP answer after its
timeout, speech after recognition stopped, anything after the call ended) — which the session
ignores with a trace, or a driver bug, which raises ``SessionError`` and leaves the session in
``ERROR`` for good (as h11 does).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from ivrd.engine.events import (
    BridgeEnded,
    CallEntered,
    CallerHungUp,
    Digit,
    Event,
    HttpAnswered,
    HttpFailed,
    PromptFinished,
    RecognitionUnavailable,
    SpeechRecognised,
    TimerFired,
    TransferEnded,
)


class State(enum.Enum):
    IDLE = "idle"  # created, not started
    SLEEPING = "sleeping"  # waiting the IVR's sleep_time before the entry context
    PLAYING = "playing"  # a rule's (or verb's) prompt is playing
    WAITING = "waiting"  # waiting for a first digit, speech or a rating
    COLLECTING = "collecting"  # digits are coming in
    TRANSFERRING = "transferring"  # a transfer is ringing
    BRIDGED = "bridged"  # an answered transfer is talking
    REQUESTING = "requesting"  # a Call Interactive request is out
    VOICEMAIL = "voicemail"  # greeting or recording a voicemail message
    ENDED = "ended"  # the call is over
    ERROR = "error"  # the driver broke the contract; nothing more is accepted


_LIVE = frozenset({Digit, CallerHungUp, TimerFired})
_RECOGNITION = frozenset({SpeechRecognised, RecognitionUnavailable})

ACCEPTS: Mapping[State, frozenset[type[Event]]] = {
    State.IDLE: frozenset({CallEntered}),
    State.SLEEPING: _LIVE,
    State.PLAYING: _LIVE | {PromptFinished} | _RECOGNITION,
    State.WAITING: _LIVE | _RECOGNITION,
    State.COLLECTING: _LIVE | _RECOGNITION,
    State.TRANSFERRING: _LIVE | {TransferEnded},
    State.BRIDGED: _LIVE | {BridgeEnded},
    State.REQUESTING: _LIVE | {HttpAnswered, HttpFailed},
    State.VOICEMAIL: _LIVE | {PromptFinished},
    State.ENDED: frozenset(),
    State.ERROR: frozenset(),
}

# Events that may arrive late without anyone being at fault (see the module docstring).
RACY: frozenset[type[Event]] = frozenset(
    {
        Digit,
        CallerHungUp,
        TimerFired,
        PromptFinished,
        TransferEnded,
        BridgeEnded,
        HttpAnswered,
        HttpFailed,
        SpeechRecognised,
        RecognitionUnavailable,
    }
)

# States in which the session may still issue commands other than traces.
ACTIVE = frozenset(ACCEPTS) - {State.ENDED, State.ERROR}


class EngineError(Exception):
    """Base error of the engine."""


class SessionError(EngineError):
    """The driver fed an event the session cannot accept (a bug in the driver)."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a call left the menu: ``transfer``, ``hangup``, ``voicemail``, ``caller_hangup``,
    ``error``; ``destinations`` for a transfer; ``reason`` in words."""

    action: str
    reason: str
    destinations: tuple[str, ...] = ()
