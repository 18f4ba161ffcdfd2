"""One incoming call: the SIP dialog, its media leg and the engine session, wired together.

The engine decides; this class only carries out its commands (play, time, transfer, ask
Call Interactive, record, hang up) and turns what happens on the wire back into engine events
(key presses over RFC 4733 or SIP INFO, prompt ends, timer expiries, transfer results,
the caller's BYE). Every decision is logged as one structured line with the call id, and the
whole trace is kept in the call history.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import secrets
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

from ivrd.engine import commands as cmd
from ivrd.engine.events import (
    BridgeEnded,
    CallerHungUp,
    Digit,
    Event,
    PromptFinished,
    RecognitionUnavailable,
    TimerFired,
    TransferEnded,
)
from ivrd.engine.menu import CallInfo
from ivrd.engine.session import CallSession, SessionError
from ivrd.rtp.dtmf_info import DtmfInfoError, is_dtmf_info, parse_dtmf_info
from ivrd.runtime import events
from ivrd.runtime.context import NodeContext
from ivrd.runtime.directory import Snapshot, Target
from ivrd.runtime.interactive import perform
from ivrd.runtime.media import Leg, MediaError, PlaybackFinished
from ivrd.runtime.results import CallSummary
from ivrd.runtime.sipnode import ClientCallbacks, new_token
from ivrd.runtime.transfer import OutboundTransfer
from ivrd.sip.actions import Address, TransactionKey
from ivrd.sip.dialog import ByeReceived, Dialog, InfoReceived, ReInviteReceived
from ivrd.sip.errors import SipError
from ivrd.sip.message import Request
from ivrd.sip.offer_answer import AudioSession, IncompatibleOffer, LocalMedia, answer_offer
from ivrd.sip.sdp import SessionDescription
from ivrd.sip.uas import UasInvite, precheck
from ivrd.sip.uri import SipUri
from ivrd.timeutil import utcnow

log = logging.getLogger("ivrd.call")
T = TypeVar("T")

QUIET_COMMANDS = (cmd.Trace, cmd.StartTimer, cmd.CancelTimer)  # traces log themselves


class InboundCall:
    """From the INVITE to the end of the call."""

    def __init__(
        self, node: NodeContext, invite: Request, source: Address, key: TransactionKey
    ) -> None:
        self.node = node
        self.invite = invite
        self.source = source
        self.key = key
        self.call_id = secrets.token_hex(16)
        self.uas = UasInvite(invite, node.sip.endpoint, new_token)
        self.dialog: Dialog | None = None
        self.leg: Leg | None = None
        self.audio: AudioSession | None = None
        self.session: CallSession | None = None
        self.snapshot: Snapshot | None = None
        self.target: Target | None = None
        self.summary: CallSummary | None = None
        self.timers: dict[int, asyncio.TimerHandle] = {}
        self.transfers: dict[int, OutboundTransfer] = {}
        self.tasks: set[asyncio.Task[None]] = set()
        self._speaking: set[int] = set()  # play ids of texts being synthesised
        self.recording: tuple[str, Path, cmd.RecordVoicemail | None] | None = None
        self.ended = False
        self._answer_sdp = b""
        self._sdp_version = 1  # of our o= line; RFC 3264 §8
        self.hooks: list[events.Hook] = []
        self.info: CallInfo | None = None
        self.started = 0.0

    # --- set-up ------------------------------------------------------------------------------

    def begin(self) -> None:
        self.node.sip.watch_invite(self.key, self)
        self._spawn(self._set_up())

    async def _set_up(self) -> None:
        rejection = precheck(self.invite, self.uas.to_tag)
        if rejection is not None:
            self._reject_with(rejection.status)
            return
        user = self.invite.uri.user if isinstance(self.invite.uri, SipUri) else None
        target, snapshot, hooks = await self._in_thread(self.node.directory.call_setup, user or "")
        if target is None:
            self._reject_with(404, "No such extension")
        elif target.status != "active":
            self._reject_with(403, "Extension blocked")
        elif target.type != "ivr":
            self._reject_with(480, "Not an IVR")
        elif not self.ended:
            assert snapshot is not None
            self.snapshot, self.hooks = snapshot, hooks
            self._answer(target)

    def _answer(self, target: Target) -> None:
        self.target = target
        try:
            offer = self.uas.offer
        except SipError as exc:
            self._reject_with(400, f"Bad SDP: {exc}"[:100])
            return
        if offer is None:
            self._reject_with(488, "An SDP offer is required")
            return
        try:
            self.leg = self.node.media.open_leg()
        except MediaError as exc:
            log.warning("call %s: no media port: %s", self.call_id, exc)
            self._reject_with(503, "No media port")
            return
        self._accept(offer)

    def _accept(self, offer: SessionDescription) -> None:
        assert self.leg is not None
        try:
            answer, self.audio = answer_offer(offer, self._local(self._sdp_version))
        except IncompatibleOffer as exc:
            self._reject_with(488, str(exc)[:100])
            return
        self._answer_sdp = bytes(answer)
        self.leg.apply(self.audio)
        self.leg.on_digit = lambda digit: self._feed(Digit(digit, "rfc4733"))
        response = self.uas.answer(self._answer_sdp)
        self.dialog = self.uas.dialog
        assert self.dialog is not None
        self.node.sip.add_dialog(self.dialog.id, self)
        self.node.sip.respond(response)
        self._start_session()

    def _start_session(self) -> None:
        assert self.target is not None and self.snapshot is not None
        from_ = self.invite.from_
        number = from_.uri.user if isinstance(from_.uri, SipUri) else ""
        if "id" in (self.invite.headers.get("Privacy") or "").lower():
            number = ""
        target = self.target
        info = CallInfo(
            call_id=self.call_id,
            caller_id_number=number or "",
            caller_id_name=from_.display_name or "",
            called_did=target.did or target.short_name,
            called_extension=target.name,
            called_extension_id=target.extension_id,
            called_number=self._dialled(),
        )
        self.summary = CallSummary(
            call_uuid=self.call_id,
            client_id=target.client_id,
            extension_id=target.extension_id,
            extension_name=target.name,
            extension_type=target.type,
            from_username=number or "",
            from_name=from_.display_name or "",
            to_username=info.called_number,
            did_number=target.did,
            init_time=utcnow(),
            start_time=utcnow(),
            menu_version=self.snapshot.menu.settings.version,
        )
        self.session = CallSession(self.snapshot.menu, info)
        self.info = info
        self.started = time.time()
        self._event("dial-in", "RINGING")
        self.node.calls.add(self)
        self._execute(self.session.start(time.time()))

    def _dialled(self) -> str:
        uri = self.invite.uri
        return (uri.user or "") if isinstance(uri, SipUri) else ""

    def _reject_with(self, status: int, reason: str | None = None) -> None:
        if self.ended:
            return
        self.ended = True
        self.node.sip.forget_invite(self.key)
        try:
            self.node.sip.respond(self.uas.reject(status, reason))
        except SipError as exc:
            log.debug("call %s: cannot reject: %s", self.call_id, exc)
        if self.leg is not None:
            self.leg.close()

    # --- SIP events ---------------------------------------------------------------------------

    def on_cancel(self) -> None:
        """CANCEL before we answered (487 already sent by the transaction layer)."""
        self.ended = True

    def on_ack_timeout(self) -> None:
        log.info("call %s: no ACK for our 200 OK", self.call_id)
        self._hang_up("no ACK")

    def on_request(self, request: Request, transaction: TransactionKey | None) -> None:
        if self.dialog is None:
            return
        update = self.dialog.receive_request(request)
        if update.response is not None:
            self.node.sip.respond(update.response)
        event = update.event
        if isinstance(event, ByeReceived):
            self._feed(CallerHungUp())
            self._finish("caller hung up", "ANSWER")
        elif isinstance(event, ReInviteReceived):
            self._reinvite(request, event)
        elif isinstance(event, InfoReceived):
            self._info(event)

    def _reinvite(self, request: Request, event: ReInviteReceived) -> None:
        assert self.dialog is not None and self.leg is not None
        if event.offer is not None:
            try:
                answer, audio = answer_offer(event.offer, self._local(self._sdp_version))
                if bytes(answer) != self._answer_sdp:  # RFC 3264 §8: a changed SDP, a new version
                    self._sdp_version += 1
                    answer, audio = answer_offer(event.offer, self._local(self._sdp_version))
            except IncompatibleOffer:
                self.node.sip.respond(self.dialog.respond(request, 488))
                return
            self._answer_sdp = bytes(answer)
            self.leg.apply(audio)
        self.node.sip.respond(self.dialog.accept_reinvite(request, self._answer_sdp))

    def _local(self, version: int) -> LocalMedia:
        assert self.leg is not None
        return LocalMedia(
            self.node.media.host,
            self.leg.local_port,
            session_id=self.call_id[:10],
            session_version=version,
        )

    def _info(self, event: InfoReceived) -> None:
        if not is_dtmf_info(event.content_type or ""):
            return
        try:
            digit = parse_dtmf_info(event.content_type or "", event.body)
        except DtmfInfoError as exc:
            log.info("call %s: bad DTMF INFO: %s", self.call_id, exc)
            return
        self._feed(Digit(digit, "info"))

    # --- the engine ---------------------------------------------------------------------------

    def _feed(self, event: Event) -> None:
        if self.session is None or self.session.ended or self.ended:
            return
        try:
            commands = self.session.handle(event, time.time())
        except SessionError as exc:
            log.error("call %s: engine refused %r: %s", self.call_id, event, exc)
            self._hang_up("engine error")
            return
        self._execute(commands)

    def _execute(self, commands: list[cmd.Command]) -> None:
        for command in commands:
            if self.ended and not isinstance(command, cmd.Trace):
                continue
            if not isinstance(command, QUIET_COMMANDS):
                self._log_entry({"kind": getattr(command, "KIND", type(command).__name__),
                                 **dataclasses.asdict(command)})
            handler = getattr(self, f"_do_{type(command).__name__}", None)
            if handler is None:
                log.warning("call %s: no runtime support for %s", self.call_id, command)
                continue
            handler(command)

    def _do_Trace(self, command: cmd.Trace) -> None:
        self._log_entry(command.as_dict())

    def _log_entry(self, fields: dict[str, Any]) -> None:
        entry = {"t": round(time.time(), 3), **fields}
        if self.summary is not None:
            self.summary.cdr.append(entry)
        log.info("call %s %s", self.call_id, json.dumps(entry, ensure_ascii=False, default=str))

    def _done_callback(self, play_id: int) -> Callable[[PlaybackFinished], None]:
        def done(finished: PlaybackFinished) -> None:
            if not finished.interrupted:
                self._feed(PromptFinished(play_id))

        return done

    def _play(self, audio: object, play_id: int) -> None:
        assert self.leg is not None
        if audio is None:
            self.node.loop.call_soon(self._feed, PromptFinished(play_id))
            return
        self.leg.play(audio, str(play_id), self._done_callback(play_id))  # type: ignore[arg-type]

    def _do_PlaySound(self, command: cmd.PlaySound) -> None:
        assert self.snapshot is not None
        stored = self.snapshot.sound_files.get(command.sound_id)
        self._play(None if stored is None else self.node.audio.sound(stored), command.play_id)

    def _do_PlayText(self, command: cmd.PlayText) -> None:
        self._speaking.add(command.play_id)
        self._spawn(self._speak(command))

    async def _speak(self, command: cmd.PlayText) -> None:
        """Synthesise in a worker thread, then play, unless the prompt was stopped meanwhile
        (a barge-in or a hang-up: the engine no longer waits for it)."""
        audio = await self.node.loop.run_in_executor(
            None, self.node.audio.speech, command.text, command.voice
        )
        if command.play_id in self._speaking and self.leg is not None and not self.ended:
            self._speaking.discard(command.play_id)
            self._play(audio, command.play_id)

    def _do_PlaySilence(self, command: cmd.PlaySilence) -> None:
        assert self.leg is not None
        self.leg.play_silence(
            command.duration_ms, str(command.play_id), self._done_callback(command.play_id)
        )

    def _do_SayDigits(self, command: cmd.SayDigits) -> None:
        self._play(self.node.audio.digits(command.digits, command.method), command.play_id)

    def _do_StopPlayback(self, command: cmd.StopPlayback) -> None:
        self._speaking.clear()
        if self.leg is not None:
            self.leg.stop_playback()

    def _do_StartTimer(self, command: cmd.StartTimer) -> None:
        def fire(timer_id: int = command.timer_id) -> None:
            self.timers.pop(timer_id, None)
            self._feed(TimerFired(timer_id))

        self.timers[command.timer_id] = self.node.loop.call_later(command.delay_ms / 1000, fire)

    def _do_CancelTimer(self, command: cmd.CancelTimer) -> None:
        handle = self.timers.pop(command.timer_id, None)
        if handle is not None:
            handle.cancel()

    def _do_Transfer(self, command: cmd.Transfer) -> None:
        assert self.target is not None and self.leg is not None and self.audio is not None
        caller = (
            command.caller_id_number or (self.summary.from_username if self.summary else ""),
            command.caller_id_name or (self.summary.from_name if self.summary else ""),
        )
        transfer = OutboundTransfer(
            self.node,
            command,
            self.target.client_id,
            caller,
            self.audio.codec,
            on_result=lambda status: self._transfer_result(command.transfer_id, status),
            on_bridge_end=lambda: self._bridge_ended(command.transfer_id),
        )
        self.transfers[command.transfer_id] = transfer
        transfer.start(self.leg.codec_pt, self.leg.dtmf_pt)

    def _transfer_result(self, transfer_id: int, status: str) -> None:
        transfer = self.transfers.get(transfer_id)
        if status == "answered" and transfer is not None and transfer.leg is not None:
            assert self.leg is not None
            self.leg.stop_playback()
            self.node.media.bridge(self.leg, transfer.leg)
            if self.summary is not None:
                self.summary.bridged_username = transfer.answered_number
        elif status != "answered":
            self.transfers.pop(transfer_id, None)
        self.node.loop.call_soon(self._feed, TransferEnded(transfer_id, status))  # type: ignore[arg-type]

    def _bridge_ended(self, transfer_id: int) -> None:
        self.transfers.pop(transfer_id, None)
        if self.leg is not None:
            self.node.media.unbridge(self.leg)
        self._feed(BridgeEnded(transfer_id))

    def _do_CancelTransfer(self, command: cmd.CancelTransfer) -> None:
        transfer = self.transfers.pop(command.transfer_id, None)
        if transfer is not None:
            transfer.cancel()

    def _do_HttpRequest(self, command: cmd.HttpRequest) -> None:
        async def ask() -> None:
            self._feed(await perform(self.node.http, command))

        self._spawn(ask())

    def _do_StartRecording(self, command: cmd.StartRecording) -> None:
        self._record("record", None)

    def _do_RecordVoicemail(self, command: cmd.RecordVoicemail) -> None:
        self._record("voicemail", command)

    def _record(self, kind: str, voicemail: cmd.RecordVoicemail | None) -> None:
        assert self.leg is not None
        self._save_recording()
        record_uuid = secrets.token_hex(16)
        folder = "voicemail" if kind == "voicemail" else "recordings"
        path = self.node.settings.data_dir / folder / f"{record_uuid}.wav"
        path.parent.mkdir(parents=True, exist_ok=True)
        max_ms = voicemail.max_ms if voicemail is not None else 4 * 3600 * 1000
        self.leg.start_recording(path, max_ms)
        self.recording = (record_uuid, path, voicemail)

    def _save_recording(self) -> None:
        if self.recording is None or self.leg is None or self.target is None:
            return
        record_uuid, _path, voicemail = self.recording
        self.recording = None
        saved = self.leg.stop_recording()
        if saved is None:
            return
        target, caller = self.target, self._caller()
        kind = "voicemail" if voicemail is not None else "record"

        async def store() -> None:
            result = await saved
            await self._in_thread(
                self.node.results.save_recording,
                kind,
                record_uuid,
                self.call_id,
                target.client_id,
                target.extension_id,
                result.path,
                result.duration_ms,
                caller,
                voicemail.mailto if voicemail else None,
            )
            if voicemail is not None and voicemail.mailto:
                await self._in_thread(
                    self.node.results.email_voicemail,
                    voicemail.mailto,
                    caller[0] or "anonymous",
                    result.path,
                    voicemail.attach,
                )

        self.node.loop.create_task(store())

    def _caller(self) -> tuple[str, str]:
        if self.summary is None:
            return "", ""
        return self.summary.from_username, self.summary.from_name

    def _do_SaveRating(self, command: cmd.SaveRating) -> None:
        assert self.target is not None
        self.node.loop.run_in_executor(
            None,
            self.node.results.save_rating,
            self.call_id,
            self.target.client_id,
            self.target.extension_id,
            command.rating,
            command.max_rate,
        )

    def _do_StartRecognition(self, command: cmd.StartRecognition) -> None:
        self.node.loop.call_soon(self._feed, RecognitionUnavailable())

    def _do_StopRecognition(self, command: cmd.StopRecognition) -> None:
        pass

    def _do_HangUp(self, command: cmd.HangUp) -> None:
        self._hang_up(command.cause)

    # --- the end ------------------------------------------------------------------------------

    def _hang_up(self, cause: str) -> None:
        if self.ended or self.dialog is None:
            return
        try:
            bye = self.dialog.new_request("BYE")
            self.node.sip.send_request(
                bye, self.dialog.next_hop, ClientCallbacks(lambda _r: None, lambda: None)
            )
        except SipError as exc:
            log.info("call %s: no BYE: %s", self.call_id, exc)
        self._finish(cause, "ANSWER")

    def _finish(self, cause: str, disposition: str) -> None:
        if self.ended:
            return
        self.ended = True
        for handle in self.timers.values():
            handle.cancel()
        self.timers.clear()
        for transfer in self.transfers.values():
            transfer.cancel()
        self.transfers.clear()
        for task in self.tasks:
            task.cancel()
        self._save_recording()
        if self.dialog is not None:
            self.node.sip.remove_dialog(self.dialog.id)
        self.node.sip.forget_invite(self.key)
        if self.leg is not None:
            self.leg.close()
        self.node.calls.discard(self)
        self._event("hangup", "ANSWER", duration=time.time() - self.started)
        if self.summary is not None:
            self.summary.hangup_time = utcnow()
            self.summary.hangup_cause = cause
            self.summary.hangup_disposition = disposition
            self.node.loop.run_in_executor(None, self.node.results.save_call, self.summary)
        log.info("call %s ended: %s", self.call_id, cause)

    def shutdown(self) -> None:
        """The node is stopping past its grace period: hang up now."""
        self._hang_up("node shutdown")

    # --- helpers ------------------------------------------------------------------------------

    def _event(self, event_type: str, status: str, duration: float | None = None) -> None:
        info = self.info
        if info is None or not self.hooks:
            return
        params = {"CallID": info.call_id, "CallerIDNum": info.caller_id_number,
                  "CallerIDName": info.caller_id_name, "CalledDID": info.called_did,
                  "CalledExtension": info.called_extension,
                  "CalledExtensionID": str(info.called_extension_id),
                  "CalledNumber": info.called_number, "CallStatus": status, "CallFlow": "IN",
                  "EventTime": str(int(time.time() * 1_000_000))}
        if duration is not None:
            params["Duration"] = str(int(duration * 1_000_000))
        events.fire(self.node.loop, self.node.http, self.hooks, event_type, params)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = self.node.loop.create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("call %s: task failed", self.call_id, exc_info=task.exception())
            if self.dialog is None:
                self._reject_with(500, "Internal error")
            else:
                self._hang_up("internal error")

    async def _in_thread(self, fn: Callable[..., T], *args: Any) -> T:
        return await self.node.loop.run_in_executor(None, fn, *args)
