"""A call session's states, the events each state accepts, and the engine's errors.

The table ``MOVES`` is the whole contract with the driver (runtime or simulator): which event
types each state accepts (``ACCEPTS``, derived from it) and which states each may lead to (the
property tests check every move against it). An event of a type a state does not accept is
either a legitimate race — something we asked for earlier and no longer care about (a timer we
cancelled, a prompt we stopped, an HTTP answer after its timeout, speech after recognition
stopped, anything after the call ended) — which the session ignores with a trace, or a driver
bug, which raises ``SessionError`` and leaves the session in ``ERROR`` for good (as h11 does).
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

    # Members are singletons: identity hashing keeps the per-event table lookup cheap.
    __hash__ = object.__hash__


_S = State
# Where running rules can leave the session (they may also end the call).
_RUNS = frozenset(
    {_S.PLAYING, _S.WAITING, _S.COLLECTING, _S.TRANSFERRING, _S.REQUESTING, _S.VOICEMAIL, _S.ENDED}
)
_LIFETIME = frozenset({_S.TRANSFERRING, _S.ENDED})  # what the lifetime's expiry does

# The legal moves: (state, event type) -> the states the session may be in afterwards.
_MOVES: dict[tuple[State, type[Event]], frozenset[State]] = {
    (_S.IDLE, CallEntered): _RUNS | {_S.SLEEPING},
    (_S.SLEEPING, TimerFired): _RUNS | {_S.SLEEPING},
    (_S.SLEEPING, Digit): frozenset({_S.SLEEPING}),
    **{
        (_S.PLAYING, e): _RUNS
        for e in (PromptFinished, Digit, TimerFired, SpeechRecognised, RecognitionUnavailable)
    },
    **{
        (s, e): _RUNS
        for s in (_S.WAITING, _S.COLLECTING)
        for e in (Digit, TimerFired, SpeechRecognised, RecognitionUnavailable)
    },
    (_S.TRANSFERRING, TransferEnded): _RUNS | {_S.BRIDGED},
    (_S.TRANSFERRING, TimerFired): _LIFETIME,
    (_S.TRANSFERRING, Digit): frozenset({_S.TRANSFERRING}),
    (_S.BRIDGED, BridgeEnded): _RUNS,
    (_S.BRIDGED, TimerFired): frozenset({_S.BRIDGED}),
    (_S.BRIDGED, Digit): frozenset({_S.BRIDGED}),
    (_S.REQUESTING, HttpAnswered): _RUNS,
    (_S.REQUESTING, HttpFailed): _RUNS,
    (_S.REQUESTING, TimerFired): _RUNS,
    (_S.REQUESTING, Digit): frozenset({_S.REQUESTING}),
    (_S.VOICEMAIL, PromptFinished): frozenset({_S.VOICEMAIL}),
    (_S.VOICEMAIL, TimerFired): _LIFETIME | {_S.VOICEMAIL},
    (_S.VOICEMAIL, Digit): frozenset({_S.VOICEMAIL}),
    **{
        (s, CallerHungUp): frozenset({_S.ENDED})
        for s in State
        if s not in (_S.IDLE, _S.ENDED, _S.ERROR)
    },
}

# An event naming an id the session no longer waits for (or speech while it does not listen)
# is ignored: the state stays as it was.
_MAY_BE_STALE = frozenset(
    {
        PromptFinished,
        TimerFired,
        TransferEnded,
        BridgeEnded,
        HttpAnswered,
        HttpFailed,
        SpeechRecognised,
        RecognitionUnavailable,
    }
)
MOVES: Mapping[tuple[State, type[Event]], frozenset[State]] = {
    (state, event): after | {state} if event in _MAY_BE_STALE else after
    for (state, event), after in _MOVES.items()
}

# The event types each state accepts (derived from MOVES).
ACCEPTS: Mapping[State, frozenset[type[Event]]] = {
    state: frozenset(e for (s, e) in MOVES if s is state) for state in State
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
