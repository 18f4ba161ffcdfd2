"""Run one call through a menu in virtual time, against a script of what the caller does.

The same ``CallSession`` that runs real calls runs here; this driver plays the runtime's part:
prompts last their known duration, timers fire, transfers ring and answer as the ``transfers``
map says (unlisted numbers answer), Call Interactive answers come from canned replies, and the
caller presses digits, speaks or hangs up as scripted. Everything returned is plain data
(JSON-ready). The run always ends: at the call's end, or at ``max_ms`` of virtual time, or after
``MAX_EVENTS`` events, whichever comes first.

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
from ivrd.engine.session import CallSession

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
    Callable[[str, str, tuple[tuple[str, str], ...]], HttpReply] | Mapping[str, Any] | None
)


@dataclasses.dataclass(frozen=True, slots=True)
class ScriptItem:
    """One validated script step."""

    after_ms: int
    when_playing: int | None
    digits: str | None = None
    speech: str | None = None
    hangup: bool = False
    final: bool = True

    @classmethod
    def parse(cls, raw: Mapping[str, Any], index: int) -> ScriptItem:
        where = f"script[{index}]"
        unknown = set(raw) - {"after_ms", "when_playing", "digits", "speech", "hangup", "final"}
        if unknown:
            raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
        acts = [k for k in ("digits", "speech", "hangup") if raw.get(k) not in (None, False)]
        if len(acts) != 1:
            raise ValueError(f"{where}: needs exactly one of digits, speech, hangup")
        after, playing = raw.get("after_ms", 0), raw.get("when_playing")
        if type(after) is not int or after < 0:
            raise ValueError(f"{where}: after_ms must be a non-negative integer")
        if playing is not None and type(playing) is not int:
            raise ValueError(f"{where}: when_playing must be a sound id")
        digits = raw.get("digits")
        if digits is not None and (
            not isinstance(digits, str) or not all(d in "0123456789*#" for d in digits)
        ):
            raise ValueError(f"{where}: digits must be a string of 0-9, * and #")
        speech = raw.get("speech")
        if speech is not None and not isinstance(speech, str):
            raise ValueError(f"{where}: speech must be a string")
        final = raw.get("final", True)
        if not isinstance(final, bool) or (speech is None and "final" in raw):
            raise ValueError(f"{where}: final must be a boolean, and goes with speech")
        return cls(after, playing, digits, speech, raw.get("hangup") is True, final)


def parse_script(script: Iterable[Mapping[str, Any]]) -> tuple[ScriptItem, ...]:
    """Validate a script (raises ValueError naming the bad item)."""
    return tuple(ScriptItem.parse(item, i) for i, item in enumerate(script))


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
    for number, result in (transfers or {}).items():
        if result not in TRANSFER_OUTCOMES:
            raise ValueError(
                f"transfers[{number!r}] must be one of {sorted(TRANSFER_OUTCOMES)}, got {result!r}"
            )
    start = at.timestamp() if isinstance(at, datetime.datetime) else float(at)
    run = _Run(
        menu,
        call,
        parse_script(script),
        start,
        transfers or {},
        talk_ms,
        call_interactive,
        speech_available,
        max_ms,
        verbose,
    )
    return run.go()


class _Run:
    """The virtual runtime for one simulated call."""

    def __init__(
        self,
        menu: Menu,
        call: CallInfo,
        script: tuple[ScriptItem, ...],
        start: float,
        transfers: Mapping[str, str],
        talk_ms: int,
        interactive: Interactive,
        speech: bool,
        max_ms: int,
        verbose: bool,
    ) -> None:
        self.session = CallSession(menu, call)
        self.script, self.next_item = script, 0
        self.start, self.transfers, self.talk_ms = start, transfers, talk_ms
        self.interactive, self.speech, self.max_ms = interactive, speech, max_ms
        self.verbose = verbose
        self.queue: list[tuple[int, int, Event | ScriptItem]] = []
        self.seq = 0
        self.now_ms = 0
        self.dropped: set[tuple[type, int]] = set()
        self.playing: dict[int, tuple[int, int]] = {}  # play_id -> (sound_id, started t_ms)
        self.trace: list[JSON] = []
        self.outcome_ms = 0
        self.waiting: ScriptItem | None = None

    def go(self) -> JSON:
        session = self.session
        self._arm()
        self._apply(session.start(self.start))
        events = 0
        while self.queue and not session.ended and events < MAX_EVENTS:
            t, _, item = heapq.heappop(self.queue)
            if t > self.max_ms:
                break
            self.now_ms = t
            events += 1
            if isinstance(item, ScriptItem):
                self._perform(item)
            elif (type(item), _key(item)) not in self.dropped:
                if type(item) is PromptFinished:
                    self.playing.pop(item.play_id, None)
                self._apply(session.handle(item, self.start + t / 1000))
        return self._result()

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
        for cmd in commands:
            self._record(cmd)
            self._perform_command(cmd)
        if self.session.outcome is not None and not self.outcome_ms:
            self.outcome_ms = self.now_ms or 1

    def _perform_command(self, cmd: Command) -> None:
        if isinstance(cmd, PlaySound | PlayText | PlaySilence | SayDigits):
            self._at(self.now_ms + cmd.duration_ms, PromptFinished(cmd.play_id))
            if isinstance(cmd, PlaySound):
                self.playing[cmd.play_id] = (cmd.sound_id, self.now_ms)
                item = self.waiting
                if item is not None and item.when_playing == cmd.sound_id:
                    self.waiting = None
                    self._at(self.now_ms + item.after_ms, item)
        elif isinstance(cmd, StopPlayback):
            self.dropped.add((PromptFinished, cmd.play_id))
            self.playing.pop(cmd.play_id, None)
        elif isinstance(cmd, StartTimer):
            self._at(self.now_ms + cmd.delay_ms, TimerFired(cmd.timer_id))
        elif isinstance(cmd, CancelTimer):
            self.dropped.add((TimerFired, cmd.timer_id))
        elif isinstance(cmd, Transfer):
            self._ring(cmd)
        elif isinstance(cmd, CancelTransfer):
            self.dropped.add((TransferEnded, cmd.transfer_id))
            self.dropped.add((BridgeEnded, cmd.transfer_id))
        elif isinstance(cmd, HttpRequest):
            self._http(cmd)
        elif isinstance(cmd, StartRecognition) and not self.speech:
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
        if source is None:
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
        heapq.heappush(self.queue, (t_ms, self.seq, item))

    def _record(self, cmd: Command) -> None:
        if isinstance(cmd, Trace):
            entry: JSON = {"t_ms": self.now_ms}
            entry.update(cmd.as_dict())
        elif not self.verbose and isinstance(cmd, StartTimer | CancelTimer):
            return
        else:
            entry = {"t_ms": self.now_ms, "kind": cmd.KIND}
            for name in _FIELDS[type(cmd)]:
                value = getattr(cmd, name)
                entry[_RENAME.get(name, name)] = list(value) if isinstance(value, tuple) else value
        self.trace.append(entry)

    def _result(self) -> JSON:
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
        return {"trace": self.trace, "outcome": outcome, "variables": dict(session.variables)}


def _key(event: Event | ScriptItem) -> int:
    for name in ("play_id", "timer_id", "transfer_id"):
        value = getattr(event, name, None)
        if value is not None:
            return int(value)
    return 0


_RENAME = {"sound_id": "sound"}
_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields_of(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


for _cls in Command.__args__:
    _FIELDS[_cls] = _fields_of(_cls)
