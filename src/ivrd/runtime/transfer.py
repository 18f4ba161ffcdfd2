"""A transfer as a B2BUA: ring every destination at once, first answer wins.

Each destination gets its own outgoing INVITE (to a phone registered here, or through the
outbound proxy) offering one media leg's address in the caller's codec, so an answered leg is
bridged without transcoding. The result goes back to the engine as ``TransferEnded``:
``answered``; ``busy`` when every destination said 486/600; ``no_answer`` when the ringing
timed out (``transfer_timeout``) or a destination never answered (408/timer B); ``failed``
otherwise (another 4xx–6xx, nowhere to send it).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from ivrd.engine.commands import Transfer as TransferCommand
from ivrd.runtime.context import NodeContext
from ivrd.runtime.media import Leg
from ivrd.runtime.sipnode import ClientCallbacks, new_token
from ivrd.sip.actions import Address, TransactionKey
from ivrd.sip.dialog import ByeReceived, Dialog, InfoReceived, ReInviteReceived
from ivrd.sip.errors import SipError
from ivrd.sip.fields import NameAddr
from ivrd.sip.message import Request, Response
from ivrd.sip.offer_answer import (
    IncompatibleOffer,
    LocalMedia,
    accept_answer,
    answer_offer,
    build_offer,
)
from ivrd.sip.sdp import SessionDescription, parse_sdp
from ivrd.sip.uac import Answered, Progress, Rejected, UacInvite
from ivrd.sip.uri import SipUri

log = logging.getLogger("ivrd.runtime.transfer")

Status = str  # answered | busy | no_answer | failed
NO_ANSWER_STATUSES = (408, 480, 487)  # RFC 3261 §21.4: timeout, unavailable, terminated


@dataclass
class Fork:
    number: str
    uac: UacInvite
    destination: Address
    key: TransactionKey | None = None
    outcome: str | None = None  # busy | no_answer | failed once it has ended


class OutboundTransfer:
    """One engine ``Transfer``: its forks, then the bridged leg until either side ends."""

    def __init__(
        self,
        node: NodeContext,
        command: TransferCommand,
        client_id: int,
        caller: tuple[str, str],
        codec: str,
        on_result: Callable[[Status], None],
        on_bridge_end: Callable[[], None],
    ) -> None:
        self.node = node
        self.command = command
        self.client_id = client_id
        self.caller = caller
        self.codec = codec
        self.on_result = on_result
        self.on_bridge_end = on_bridge_end
        self.leg: Leg | None = None
        self.dialog: Dialog | None = None
        self.answered_number: str | None = None
        self.forks: list[Fork] = []
        self._done = False
        self._timer: asyncio.TimerHandle | None = None
        self._offer: SessionDescription | None = None  # made in start(), once the leg has a port
        self._dialling: asyncio.Task[None] | None = None

    def _local(self) -> LocalMedia:
        """Our side of the B leg: its port, and only the caller's codec (no transcoding)."""
        assert self.leg is not None
        return LocalMedia(self.node.media.host, self.leg.local_port, codecs=(self.codec,))

    def start(self, codec_pt: int, dtmf_pt: int | None) -> None:
        """Open the leg now (its port goes into the offer); route and dial in a task, because
        finding a registered phone is a database lookup."""
        self.leg = self.node.media.open_leg(codec_pt, dtmf_pt)
        self._offer = build_offer(self._local())
        self._dialling = self.node.loop.create_task(self._dial(bytes(self._offer)))

    async def _dial(self, offer: bytes) -> None:
        try:
            routes = [(number, await self._route(number)) for number in self.command.destinations]
        except Exception:  # the database is down, say: the transfer fails, the call goes on
            log.exception("transfer: cannot route %s", " ".join(self.command.destinations))
            routes = []
        if self._done:  # cancelled while routing
            return
        for number, route in routes:
            if route is None:
                log.info("transfer to %s: no phone registered and no outbound proxy", number)
                continue
            self.forks.append(self._fork(number, route, offer))
        if not self.forks:
            self._finish("failed")
            return
        for fork in self.forks:
            fork.key = self.node.sip.send_request(
                fork.uac.request, fork.destination, self._callbacks(fork)
            )
        self._timer = self.node.loop.call_later(self.command.timeout_s, self._ring_timeout)

    def _fork(self, number: str, route: tuple[SipUri, Address], offer: bytes) -> Fork:
        uri, destination = route
        number_id, name = self.caller
        from_uri = SipUri(
            host=self.node.sip.endpoint.host,
            port=self.node.sip.endpoint.port,
            user=_user(number_id) or "anonymous",
        )
        uac = UacInvite(
            self.node.sip.endpoint,
            new_token,
            uri,
            NameAddr(from_uri, name or None),
            NameAddr(uri),
            offer,
        )
        return Fork(number, uac, destination)

    async def _route(self, number: str) -> tuple[SipUri, Address] | None:
        short = number.rpartition("*")[2]
        contact = await self.node.registrar.resolve(self.client_id, short)
        if contact is not None:
            return contact
        outbound = self.node.settings.sip_outbound
        if not outbound:
            return None
        host, _, port = outbound.rpartition(":")
        address = (host, int(port or 5060))
        return SipUri(host=host, port=address[1], user=_user(number) or "unknown"), address

    def _callbacks(self, fork: Fork) -> ClientCallbacks:
        return ClientCallbacks(
            lambda response: self._response(fork, response),
            lambda: self._fork_ended(fork, "no_answer"),
        )

    def _response(self, fork: Fork, response: Response) -> None:
        try:
            event = fork.uac.receive_response(response)
        except SipError as exc:
            log.info("transfer to %s: %s", fork.number, exc)
            return
        if isinstance(event, Answered):
            self._answered(fork, event)
        elif isinstance(event, Rejected):
            self._fork_ended(fork, _outcome_of(event))
        elif isinstance(event, Progress) and event.cancel is not None:
            self._send_cancel(fork, event.cancel)

    def _answered(self, fork: Fork, event: Answered) -> None:
        self.node.sip.send_stateless(event.ack, event.dialog.next_hop)
        if self._done:  # a late second answer: hang it up at once
            self.node.sip.send_request(
                event.dialog.new_request("BYE"), event.dialog.next_hop, _ignore()
            )
            return
        try:
            assert self._offer is not None
            session = accept_answer(self._offer, parse_sdp(event.response.body))
        except SipError as exc:
            log.info("transfer to %s: unusable answer SDP: %s", fork.number, exc)
            self.node.sip.send_request(
                event.dialog.new_request("BYE"), event.dialog.next_hop, _ignore()
            )
            self._fork_ended(fork, "failed")
            return
        assert self.leg is not None
        self.leg.apply(session)
        self.dialog = event.dialog
        self.answered_number = fork.number
        self.node.sip.add_dialog(event.dialog.id, self)
        for other in self.forks:
            if other is not fork:
                self._cancel_fork(other)
        self._finish("answered")

    def _fork_ended(self, fork: Fork, outcome: str) -> None:
        if fork.outcome is not None or self._done:
            return
        fork.outcome = outcome
        if all(f.outcome is not None for f in self.forks):
            outcomes = {f.outcome for f in self.forks}
            status = (
                "busy"
                if outcomes == {"busy"}
                else "no_answer"
                if "no_answer" in outcomes
                else "failed"
            )
            self._finish(status)

    def _ring_timeout(self) -> None:
        self._timer = None
        if not self._done:
            for fork in self.forks:
                self._cancel_fork(fork)
            self._finish("no_answer")

    def _cancel_fork(self, fork: Fork) -> None:
        if fork.outcome is None:
            fork.outcome = "cancelled"
        cancel = fork.uac.cancel()
        if cancel is not None:
            self._send_cancel(fork, cancel)

    def _send_cancel(self, fork: Fork, cancel: Request) -> None:
        self.node.sip.send_request(cancel, fork.destination, _ignore())

    def _finish(self, status: Status) -> None:
        if self._done:
            return
        self._done = True
        if self._timer is not None:
            self._timer.cancel()
        if status != "answered" and self.leg is not None:
            self.leg.close()
            self.leg = None
        self.on_result(status)

    # --- the bridged leg ----------------------------------------------------------------------

    def on_request(self, request: Request, transaction: TransactionKey | None) -> None:
        """In-dialog requests from the transfer target (BYE ends the bridge)."""
        if self.dialog is None:
            return
        update = self.dialog.receive_request(request)
        if update.response is not None:
            self.node.sip.respond(update.response)
        if isinstance(update.event, ByeReceived):
            self._bridge_over()
            self.on_bridge_end()
        elif isinstance(update.event, ReInviteReceived) and self.leg is not None:
            self._answer_reinvite(request, update.event)
        elif isinstance(update.event, InfoReceived):
            pass  # key presses of the called party are not the IVR's

    def _answer_reinvite(self, request: Request, event: ReInviteReceived) -> None:
        """The target's re-INVITE (hold, resume, refresh): answer its offer and apply it."""
        assert self.dialog is not None and self.leg is not None
        if event.offer is None:
            sdp = build_offer(self._local())
        else:
            try:
                sdp, audio = answer_offer(event.offer, self._local())
            except IncompatibleOffer:
                self.node.sip.respond(self.dialog.respond(request, 488))
                return
            self.leg.apply(audio)
        self.node.sip.respond(self.dialog.accept_reinvite(request, bytes(sdp)))

    def cancel(self) -> None:
        """The engine or the caller gave up on this transfer: stop ringing or hang up B."""
        if self._dialling is not None and not self._dialling.done():
            self._dialling.cancel()
        if not self._done:
            for fork in self.forks:
                self._cancel_fork(fork)
            self._done = True
            if self._timer is not None:
                self._timer.cancel()
        self.hang_up()

    def hang_up(self) -> None:
        if self.dialog is not None:
            try:
                bye = self.dialog.new_request("BYE")
                self.node.sip.send_request(bye, self.dialog.next_hop, _ignore())
            except SipError as exc:
                log.debug("no BYE to the transfer target: %s", exc)
        self._bridge_over()

    def _bridge_over(self) -> None:
        if self.dialog is not None:
            self.node.sip.remove_dialog(self.dialog.id)
            self.dialog = None
        if self.leg is not None:
            self.leg.close()
            self.leg = None


def _outcome_of(rejection: Rejected) -> str:
    if rejection.busy:
        return "busy"
    return "no_answer" if rejection.response.status in NO_ANSWER_STATUSES else "failed"


def _user(number: str) -> str:
    return "".join(ch for ch in number if ch.isalnum() or ch in "+*#")


def _ignore() -> ClientCallbacks:
    return ClientCallbacks(lambda _response: None, lambda: None)
