"""Click-to-call (``POST /extension/{id}/callback/``): ring the caller's phones, then dial.

Two outgoing legs through the same B2BUA machinery as a transfer (``transfer.py``): first
``src_num``, all at once, the first to answer wins (the phone shows ``dst_num`` as the caller,
so the person knows whom they are about to talk to) and hears a ringback tone; then
``dst_num``, shown ``caller_id_number`` (or the answered phone's number) and
``caller_id_name``. Once it answers, the two legs are bridged until either hangs up. If a
phone never answers, or the destination is busy, unanswered or unreachable, the other leg is
hung up. The call is kept in the call history with flow ``out``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cache

import numpy as np

from ivrd.config.callback.schemas import CallbackOrder
from ivrd.engine.commands import Transfer
from ivrd.media.stored import StoredAudio
from ivrd.rtp import g711
from ivrd.runtime.context import NodeContext
from ivrd.runtime.results import CallSummary
from ivrd.runtime.transfer import OutboundTransfer
from ivrd.timeutil import utcnow

__all__ = ["ClickToCall"]

log = logging.getLogger("ivrd.runtime.clicktocall")

SOURCE_RING_S = 30  # how long the caller's phones ring
DESTINATION_RING_S = 60  # how long the number called rings
PT_EVENT = 101  # telephone-event, as our offers map it
CODEC = "PCMU"  # both legs in one law: the bridge copies packets as they are
RINGBACK_HZ = 425  # the ringback tone of Russia and most of Europe (ITU-T E.180): 1 s on, 4 s off
RINGBACK_CYCLES = 13  # 65 s, longer than the destination may ring


@cache
def ringback() -> StoredAudio:
    t = np.arange(8000) / 8000
    tone = (0.25 * 32767 * np.sin(2 * np.pi * RINGBACK_HZ * t)).astype("<i2")
    cycle = np.concatenate([tone, np.zeros(4 * 8000, dtype="<i2")])
    return StoredAudio.from_pcm(np.tile(cycle, RINGBACK_CYCLES).tobytes())


class ClickToCall:
    """One click-to-call, from ringing the caller's phones to the last BYE."""

    def __init__(
        self, node: NodeContext, order: CallbackOrder, on_end: Callable[[ClickToCall], None]
    ) -> None:
        self.node = node
        self.order = order
        self.on_end = on_end
        self.source: OutboundTransfer | None = None
        self.destination: OutboundTransfer | None = None
        self.ended = False
        self.summary = CallSummary(
            call_uuid=order.call_id,
            client_id=order.client_id,
            extension_id=order.extension_id,
            extension_name=order.extension_name,
            extension_type=None,
            from_username=order.sources[0],
            from_name="",
            to_username=order.destination,
            did_number=None,
            init_time=utcnow(),
            flow="out",
        )

    def start(self) -> None:
        log.info("callback %s: ringing %s for %s", self.order.call_id,
                 " ".join(self.order.sources), self.order.destination)  # fmt: skip
        self.source = self._dial(
            1, self.order.sources, SOURCE_RING_S, (self.order.destination, ""),
            self._source_result, self._source_hung_up,
        )  # fmt: skip

    def shutdown(self) -> None:
        """The node is stopping: hang up both legs."""
        self._end("node stopping", "answered" if self.destination else "failed")

    def _dial(
        self,
        transfer_id: int,
        numbers: tuple[str, ...],
        ring_s: int,
        caller: tuple[str, str],
        on_result: Callable[[str], None],
        on_hang_up: Callable[[], None],
    ) -> OutboundTransfer:
        leg = OutboundTransfer(
            self.node,
            Transfer(transfer_id, numbers, True, ring_s, True),
            self.order.client_id,
            caller,
            CODEC,
            on_result=on_result,
            on_bridge_end=on_hang_up,
        )
        leg.start(g711.PT_PCMU, PT_EVENT)
        return leg

    def _source_result(self, status: str) -> None:
        if self.ended:
            return
        assert self.source is not None
        if status != "answered" or self.source.leg is None:
            self._end(f"the caller's phone: {status}", status)
            return
        answered = self.source.answered_number or self.order.sources[0]
        self.summary.from_username = answered
        self.summary.start_time = utcnow()
        log.info("callback %s: %s answered, dialling %s", self.order.call_id, answered,
                 self.order.destination)  # fmt: skip
        self.source.leg.play(ringback(), "ringback")
        caller = (self.order.caller_id_number or answered, self.order.caller_id_name or "")
        self.destination = self._dial(
            2, (self.order.destination,), DESTINATION_RING_S, caller,
            self._destination_result, self._destination_hung_up,
        )  # fmt: skip

    def _destination_result(self, status: str) -> None:
        if self.ended:
            return
        source, destination = self.source, self.destination
        if status != "answered" or source is None or source.leg is None:
            self._end(f"the number called: {status}", status)
            return
        assert destination is not None and destination.leg is not None
        self.node.media.bridge(source.leg, destination.leg)
        self.summary.bridged_username = destination.answered_number
        log.info("callback %s: connected", self.order.call_id)

    def _source_hung_up(self) -> None:
        self._end("caller hung up", "answered" if self.summary.bridged_username else "cancelled")

    def _destination_hung_up(self) -> None:
        self._end("called party hung up", "answered")

    def _end(self, cause: str, result: str) -> None:
        if self.ended:
            return
        self.ended = True
        for leg in (self.source, self.destination):
            if leg is not None:
                leg.cancel()  # stops ringing, or sends BYE; a leg already over is left alone
        self.summary.result = result
        self.summary.hangup_time = utcnow()
        self.summary.hangup_cause = cause
        self.node.loop.run_in_executor(None, self.node.results.save_call, self.summary)
        log.info("callback %s ended: %s", self.order.call_id, cause)
        self.on_end(self)
