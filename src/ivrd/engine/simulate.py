"""Run one call through a menu in virtual time, against a script of what the caller does.

The same ``CallSession`` that runs real calls runs here; this driver plays the runtime's part:
prompts last their known duration, timers fire, transfers ring and answer as the ``transfers``
map says (unlisted numbers answer), Call Interactive answers come from canned replies, and the
caller presses digits, speaks or hangs up as scripted. Everything returned is plain data
(JSON-ready). The run always ends: at the call's end, or at ``max_ms`` of virtual time, or after
``MAX_EVENTS`` events, whichever comes first. ``Simulation`` is the resumable form, for live
Call Interactive requests performed by the caller (e.g. with an async HTTP client).

Script items (plain dicts, as the API receives them), run one after another::

    {"after_ms": 3000, "digits": "1"}        # 3 s after the previous item (or the call start)
    {"when_playing": 51, "digits": "12"}     # when sound 51 (next) starts playing
    {"when_playing": 51, "after_ms": 500, "speech": "sales please"}
    {"after_ms": 200, "speech": "sal", "final": false}   # a partial transcript
    {"after_ms": 1000, "hangup": true}
"""

from __future__ import annotations

import dataclasses
import datetime
import heapq
import operator
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ivrd.engine.commands import (
    CancelTimer,
    CancelTransfer,
    Command,
    HttpRequest,
    PlaySilence,
    PlaySound,
    PlayText,
    SayDigits,
    StartRecognition,
    StartTimer,
    StopPlayback,
    Trace,
    Transfer,
)
from ivrd.engine.events import (
    BridgeEnded,
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
from ivrd.engine.menu import CallInfo, Menu
from ivrd.engine.script import ScriptItem, parse_script
from ivrd.engine.session import CallSession
from ivrd.engine.state import State

RING_MS = 3000  # an answering destination picks up after this
REJECT_MS = 500  # busy / failed come back after this
HTTP_MS = 100  # a canned Call Interactive answer takes this
DEFAULT_TALK_MS = 60_000
DEFAULT_MAX_MS = 4 * 3600 * 1000
MAX_EVENTS = 100_000
TRANSFER_OUTCOMES = frozenset({"answer", "answered", "busy", "no_answer", "failed"})

JSON = dict[str, Any]
HttpReply = tuple[int, bytes | str] | None
Interactive = (
    Callable[[str, str, tuple[tuple[str, str], ...]], HttpReply] | Mapping[str, Any] | str | None
)


def simulate(
    menu: Menu,
    call: CallInfo,
    script: Iterable[Mapping[str, Any]] = (),
    *,
    at: datetime.datetime | float = 0.0,
    transfers: Mapping[str, str] | None = None,
    talk_ms: int = DEFAULT_TALK_MS,
    call_interactive: Interactive = None,
    speech_available: bool = True,
    max_ms: int = DEFAULT_MAX_MS,
    verbose: bool = False,
) -> JSON:
    """Run the call; ``{"trace": [...], "outcome": {...}, "variables": {...}}``."""
    sim = Simulation(
        menu,
        call,
        script,
        at=at,
        transfers=transfers,
        talk_ms=talk_ms,
        call_interactive=call_interactive,
        speech_available=speech_available,
        max_ms=max_ms,
        verbose=verbose,
    )
    sim.run()
    return sim.result()


class Simulation:
    """One simulated call, resumable for live Call Interactive requests.

    With ``call_interactive="live"``, ``run()`` stops at each request and returns it; the
    caller performs it (asynchronously if it likes) and reports with ``answer`` or ``fail``,
    then calls ``run()`` again. ``run()`` returns None once the call is over; ``result()``
    gives the plain-data result. The answer arrives ``HTTP_MS`` later in virtual time.
    """

    def __init__(
        self,
        menu: Menu,
        call: CallInfo,
        script: Iterable[Mapping[str, Any]] = (),
        *,
        at: datetime.datetime | float = 0.0,
        transfers: Mapping[str, str] | None = None,
        talk_ms: int = DEFAULT_TALK_MS,
        call_interactive: Interactive | str = None,
        speech_available: bool = True,
        max_ms: int = DEFAULT_MAX_MS,
        verbose: bool = False,
    ) -> None:
        for number, result in (transfers or {}).items():
            if result not in TRANSFER_OUTCOMES:
                raise ValueError(
                    f"transfers[{number!r}] must be one of "
                    f"{sorted(TRANSFER_OUTCOMES)}, got {result!r}"
                )
        if isinstance(call_interactive, str) and call_interactive != "live":
            raise ValueError(
                f"call_interactive must be 'live', a mapping or a callable, "
                f"got {call_interactive!r}"
            )
        self.session = CallSession(menu, call)
        self.script, self.next_item = parse_script(script), 0
        self.start = at.timestamp() if isinstance(at, datetime.datetime) else float(at)
        self.transfers, self.talk_ms = transfers or {}, talk_ms
        self.interactive, self.speech, self.max_ms = call_interactive, speech_available, max_ms
        self.verbose = verbose
        # (t_ms, seq, factory, payload): payload is a ready event or script item when factory
        # is None, else the id to build ``factory(id)`` from when it is due (most timers and
        # prompts are cancelled or stopped: their events are never built).
        self.queue: list[tuple[int, int, type | None, Any]] = []
        self.seq = 0
        self.now_ms = 0
        self.events = 0
        self.started = False
        self.pending: HttpRequest | None = None
        self.dropped: set[tuple[type, int]] = set()
        self.playing: dict[int, tuple[int, int]] = {}  # play_id -> (sound_id, started t_ms)
        self.log: list[tuple[int, Command]] = []
        self.outcome_ms = 0
        self.waiting: ScriptItem | None = None

    def run(self) -> HttpRequest | None:
        """Run until the call is over (None) or a live request needs an answer (it)."""
        session = self.session
        if not self.started:
            self.started = True
            self._arm()
            self._apply(session.start(self.start))
        queue, dropped, pop = self.queue, self.dropped, heapq.heappop
        handle, start, max_ms, apply = session.handle, self.start, self.max_ms, self._apply
        while self.pending is None and queue and self.events < MAX_EVENTS:
            if session.state in _DONE:
                break
            t, _, factory, item = pop(queue)
            if t > max_ms:
                queue.clear()
                break
            self.now_ms = t
            self.events += 1
            if factory is not None:
                if (factory, item) in dropped:
                    continue
                if factory is PromptFinished:
                    self.playing.pop(item, None)
                item = factory(item)
            elif type(item) is ScriptItem:
                self._perform(item)
                continue
            else:
                attr = _KEY_ATTR.get(type(item))
                if attr is not None and (type(item), getattr(item, attr)) in dropped:
                    continue
            apply(handle(item, start + t / 1000))
        return self.pending

    def answer(self, status: int, body: bytes | str) -> None:
        """The live answer to the pending request."""
        request = self._take_pending()
        data = body.encode() if isinstance(body, str) else body
        self._at(self.now_ms + HTTP_MS, HttpAnswered(request.request_id, status, data))

    def fail(self, reason: str) -> None:
        """The pending live request got no answer."""
        request = self._take_pending()
        self._at(self.now_ms + HTTP_MS, HttpFailed(request.request_id, reason))

    def _take_pending(self) -> HttpRequest:
        if self.pending is None:
            raise RuntimeError("no live Call Interactive request is pending")
        request, self.pending = self.pending, None
        return request

    # what the caller does ----------------------------------------------------------------

    def _arm(self) -> None:
        """Schedule the next script item (now, or when its sound starts)."""
        if self.next_item >= len(self.script):
            return
        item = self.script[self.next_item]
        if item.when_playing is None:
            self._at(self.now_ms + item.after_ms, item)
            return
        for sound, started in self.playing.values():
            if sound == item.when_playing:
                self._at(max(self.now_ms, started + item.after_ms), item)
                return
        self.waiting = item

    def _perform(self, item: ScriptItem) -> None:
        self.next_item += 1
        now = self.start + self.now_ms / 1000
        if item.digits is not None:
            for digit in item.digits:
                if self.session.ended:
                    break
                self._apply(self.session.handle(Digit(digit, "sim"), now))
        elif item.speech is not None:
            self._apply(self.session.handle(SpeechRecognised(item.speech, item.final), now))
        else:
            self._apply(self.session.handle(CallerHungUp(), now))
        self._arm()

    # what the runtime does ---------------------------------------------------------------

    def _apply(self, commands: list[Command]) -> None:
        log, perform, now_ms = self.log, _PERFORM, self.now_ms
        for cmd in commands:
            log.append((now_ms, cmd))
            act = perform.get(type(cmd))
            if act is not None:
                act(self, cmd)
        if not self.outcome_ms and self.session.outcome is not None:
            self.outcome_ms = now_ms or 1

    def _prompt(self, cmd: PlaySound | PlayText | PlaySilence | SayDigits) -> None:
        self._at_id(self.now_ms + cmd.duration_ms, PromptFinished, cmd.play_id)

    def _sound(self, cmd: PlaySound) -> None:
        self._prompt(cmd)
        self.playing[cmd.play_id] = (cmd.sound_id, self.now_ms)
        item = self.waiting
        if item is not None and item.when_playing == cmd.sound_id:
            self.waiting = None
            self._at(self.now_ms + item.after_ms, item)

    def _stop(self, cmd: StopPlayback) -> None:
        self.dropped.add((PromptFinished, cmd.play_id))
        self.playing.pop(cmd.play_id, None)

    def _timer(self, cmd: StartTimer) -> None:
        self._at_id(self.now_ms + cmd.delay_ms, TimerFired, cmd.timer_id)

    def _cancel_timer(self, cmd: CancelTimer) -> None:
        self.dropped.add((TimerFired, cmd.timer_id))

    def _cancel_transfer(self, cmd: CancelTransfer) -> None:
        self.dropped.add((TransferEnded, cmd.transfer_id))
        self.dropped.add((BridgeEnded, cmd.transfer_id))

    def _recognise(self, cmd: StartRecognition) -> None:
        if not self.speech:
            self._at(self.now_ms, RecognitionUnavailable())

    def _ring(self, cmd: Transfer) -> None:
        results = [self.transfers.get(d, "answer") for d in cmd.destinations]
        timeout_ms = cmd.timeout_s * 1000
        tid = cmd.transfer_id
        if "answer" in results or "answered" in results:
            if timeout_ms >= RING_MS:
                self._at(self.now_ms + RING_MS, TransferEnded(tid, "answered"))
                self._at(self.now_ms + RING_MS + self.talk_ms, BridgeEnded(tid))
                return
            self._at(self.now_ms + timeout_ms, TransferEnded(tid, "no_answer"))
        elif "no_answer" in results:
            self._at(self.now_ms + timeout_ms, TransferEnded(tid, "no_answer"))
        else:
            if "busy" in results:
                self._at(self.now_ms + REJECT_MS, TransferEnded(tid, "busy"))
            else:
                self._at(self.now_ms + REJECT_MS, TransferEnded(tid, "failed"))

    def _http(self, cmd: HttpRequest) -> None:
        if self.interactive == "live":
            self.pending = cmd
            return
        reply = self._canned(cmd)
        rid = cmd.request_id
        if reply is None:
            self._at(self.now_ms + HTTP_MS, HttpFailed(rid, "no answer"))
            return
        status, body, delay_ms = reply
        data = body.encode() if isinstance(body, str) else body
        self._at(self.now_ms + delay_ms, HttpAnswered(rid, status, data))

    def _canned(self, cmd: HttpRequest) -> tuple[int, bytes | str, int] | None:
        """The canned answer: (status, body, delay); a mapping's value may give
        ``{"status", "body", "delay_ms"}`` or ``(status, body)``."""
        source = self.interactive
        if source is None or isinstance(source, str):
            return None
        if callable(source):
            answer = source(cmd.method, cmd.url, cmd.params)
            return None if answer is None else (answer[0], answer[1], HTTP_MS)
        reply = source.get(cmd.url, source.get(cmd.url.split("?", 1)[0]))
        if reply is None:
            return None
        if isinstance(reply, Mapping):
            return (
                int(reply.get("status", 200)),
                reply.get("body", ""),
                int(reply.get("delay_ms", HTTP_MS)),
            )
        status, body = reply
        return int(status), body, HTTP_MS

    # bookkeeping -------------------------------------------------------------------------

    def _at(self, t_ms: int, item: Event | ScriptItem) -> None:
        self.seq += 1
        heapq.heappush(self.queue, (t_ms, self.seq, None, item))

    def _at_id(self, t_ms: int, factory: type[PromptFinished | TimerFired], ident: int) -> None:
        self.seq += 1
        heapq.heappush(self.queue, (t_ms, self.seq, factory, ident))

    def _trace_entries(self) -> list[JSON]:
        """The log as plain dicts (built once, at the end: the run itself stays lean)."""
        entries: list[JSON] = []
        add, quiet, fields = entries.append, () if self.verbose else _QUIET, _FIELDS
        for t_ms, cmd in self.log:
            kind = type(cmd)
            if kind is Trace:
                entry: JSON = {"t_ms": t_ms, "kind": cmd.kind}  # type: ignore[union-attr]
                entry.update(cmd.fields)  # type: ignore[union-attr]
            elif kind in quiet:
                continue
            else:
                keys, values = fields[kind]
                entry = {"t_ms": t_ms, "kind": cmd.KIND}
                entry.update(zip(keys, values(cmd), strict=True))
                if kind in _LISTS:
                    for key in _LISTS[kind]:
                        entry[key] = [list(v) if type(v) is tuple else v for v in entry[key]]
            add(entry)
        return entries

    def result(self) -> JSON:
        """``{"trace", "outcome", "variables"}`` (ends the call first if it is still on)."""
        if not self.started:
            self.run()
        session = self.session
        if not session.ended:
            self.now_ms = min(self.now_ms, self.max_ms)
            self._apply(session.handle(CallerHungUp(), self.start + self.now_ms / 1000))
            outcome = {
                "action": "simulation_limit",
                "reason": "the call did not end within the simulation's limits",
                "destinations": [],
                "t_ms": self.now_ms,
            }
        else:
            done = session.outcome
            assert done is not None
            outcome = {
                "action": done.action,
                "reason": done.reason,
                "destinations": list(done.destinations),
                "t_ms": self.outcome_ms,
            }
        return {
            "trace": self._trace_entries(),
            "outcome": outcome,
            "variables": dict(session.variables),
        }


_KEY_ATTR: dict[type, str] = {
    TransferEnded: "transfer_id",
    BridgeEnded: "transfer_id",
}
_QUIET = frozenset({StartTimer, CancelTimer})
_RENAME = {"sound_id": "sound"}
_DONE = frozenset({State.ENDED, State.ERROR})


def _values(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """A getter of the named attributes, always as a tuple (attrgetter of one name is not)."""
    if not names:
        return lambda obj: ()
    getter = operator.attrgetter(*names)
    if len(names) == 1:
        return lambda obj: (getter(obj),)
    return getter


_FIELDS: dict[type, tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]] = {
    cls: (
        tuple(_RENAME.get(f.name, f.name) for f in dataclasses.fields(cls)),
        _values(tuple(f.name for f in dataclasses.fields(cls))),
    )
    for cls in Command.__args__
}
# Tuple fields, shown as (nested) lists so the result is plain JSON data.
_LISTS: dict[type, tuple[str, ...]] = {Transfer: ("destinations",), HttpRequest: ("params",)}
_S = Simulation
_PERFORM: dict[type, Callable[[Simulation, Any], None]] = {
    PlaySound: _S._sound,
    PlayText: _S._prompt,
    PlaySilence: _S._prompt,
    SayDigits: _S._prompt,
    StopPlayback: _S._stop,
    StartTimer: _S._timer,
    CancelTimer: _S._cancel_timer,
    Transfer: _S._ring,
    CancelTransfer: _S._cancel_transfer,
    HttpRequest: _S._http,
    StartRecognition: _S._recognise,
}
