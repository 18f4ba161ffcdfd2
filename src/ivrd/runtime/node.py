"""A call-processing node: the SIP socket, the media engine and the calls, started together.

``ivrd serve`` runs a node beside the API; ``ivrd sip`` runs a node alone (several nodes may
share one database). Stopping drains: new INVITEs get 503, calls in progress may finish until
the grace period ends, then the rest are hung up.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import socket
import sys
import time

import httpx

from ivrd.config.callback import queue as callback_queue
from ivrd.config.callback.schemas import CallbackOrder
from ivrd.db.session import Database
from ivrd.runtime.audio import AudioLibrary
from ivrd.runtime.bindings import BindingStore
from ivrd.runtime.call import InboundCall
from ivrd.runtime.clicktocall import ClickToCall
from ivrd.runtime.collector import IDLE_S, CollectorPolicy, GcPauses
from ivrd.runtime.context import NodeContext
from ivrd.runtime.directory import Directory
from ivrd.runtime.media import MediaEngine, rtp_host
from ivrd.runtime.registrar import Registrar
from ivrd.runtime.results import Results
from ivrd.runtime.sipnode import SipNode
from ivrd.runtime.udp import open_udp
from ivrd.settings import Settings
from ivrd.sip.actions import Address, TransactionKey
from ivrd.sip.endpoint import Endpoint
from ivrd.sip.message import Request

log = logging.getLogger("ivrd.node")

DEFAULT_GRACE_S = 30.0
# Worker threads (database lookups at call set-up) hold the GIL for up to the switch interval
# (5 ms by default) at a time; the media wheel needs the loop every 5 ms.
GIL_SWITCH_S = 0.001
QUEUE_POLL_S = 0.5  # how often a node looks for queued click-to-calls
HEARTBEAT_EVERY = 4  # polls (2 s; the API takes a node for dead after 10 s)
PRUNE_EVERY = 7200  # polls (an hour)


def node_name(settings: Settings) -> str:
    """This host and SIP address: several nodes may share a database, one per address."""
    return f"{socket.gethostname()} {settings.sip_listen}"[:100]


def listen_address(text: str) -> tuple[str, int]:
    host = rtp_host(text)
    return host, int(text.rpartition(":")[2])


class Node:
    def __init__(self, context: NodeContext, db: Database, name: str) -> None:
        self.context = context
        self.name = name  # what it signs in the shared database (bindings, queue claims)
        self._db = db
        self._queue: asyncio.Task[None] | None = None
        self._report: asyncio.TimerHandle | None = None
        self._gc = GcPauses()
        self._gc.install()
        self._collector = CollectorPolicy(time.monotonic())
        self._housekeeping: asyncio.TimerHandle | None = None

    @classmethod
    async def start(cls, settings: Settings, db: Database) -> Node:
        loop = asyncio.get_running_loop()
        sys.setswitchinterval(GIL_SWITCH_S)
        host, port = listen_address(settings.sip_listen)
        sip = SipNode(Endpoint(host, port))
        open_udp(loop, sip, host, port)
        directory = Directory(db)
        name = node_name(settings)
        context = NodeContext(
            loop=loop,
            settings=settings,
            sip=sip,
            media=MediaEngine(loop, settings),
            directory=directory,
            audio=AudioLibrary(settings.sound_dir, settings.data_dir),
            results=Results(db, settings.smtp_url),
            http=httpx.AsyncClient(),
            registrar=Registrar(sip, directory, loop, BindingStore(db), name),
        )
        node = cls(context, db, name)
        sip.on_invite = node._invite
        sip.on_register = context.registrar.on_register
        loop.run_in_executor(None, context.audio.voice)  # prepare the digit voice pack
        log.info("SIP node listening on %s:%s (UDP)", host, port)
        node._schedule_report()
        node._schedule_housekeeping()
        node._queue = loop.create_task(node._take_queued_calls())
        return node

    def log_media_report(self) -> None:
        """One ``media {json}`` line (see ``MediaReport``): counters are totals since the start;
        the send lateness covers the time since the previous line, which restarts it."""
        report = dataclasses.asdict(self.context.media.report())
        self.context.media.lateness.reset()
        log.info("media %s", json.dumps({"calls": self.calls, **report, **self._gc.take()}))

    def _schedule_report(self) -> None:
        interval = self.context.settings.media_report_s
        if interval > 0:
            self._report = self.context.loop.call_later(interval, self._periodic_report)

    def _periodic_report(self) -> None:
        self.log_media_report()
        self._schedule_report()

    def _schedule_housekeeping(self) -> None:
        self._housekeeping = self.context.loop.call_later(IDLE_S / 2, self._keep_house)

    def _keep_house(self) -> None:
        """The garbage collector's policy, checked every second (``runtime/collector.py``)."""
        busy = bool(self.context.calls or self.context.callbacks or self.context.media.legs)
        self._collector.check(busy, time.monotonic())
        self._schedule_housekeeping()

    async def _take_queued_calls(self) -> None:
        """Beat the heart and place the click-to-calls an API-only process queued
        (``config/callback/queue.py``); a database hiccup is logged and retried."""
        loop, name = self.context.loop, self.name
        beats = 0
        while True:
            try:
                if beats % HEARTBEAT_EVERY == 0:
                    await loop.run_in_executor(None, callback_queue.heartbeat, self._db, name)
                if beats % PRUNE_EVERY == 0:
                    await loop.run_in_executor(None, callback_queue.prune, self._db)
                if self.context.sip.accepting:
                    orders = await loop.run_in_executor(
                        None, callback_queue.take, self._db, name
                    )
                    for order in orders:
                        self._click_to_call(order)
            except Exception:
                log.exception("click-to-call queue: will retry")
            beats += 1
            await asyncio.sleep(QUEUE_POLL_S)

    def click_to_call(self, order: CallbackOrder) -> None:
        """Place a click-to-call (``config/callback``); safe to call from any thread."""
        self.context.loop.call_soon_threadsafe(self._click_to_call, order)

    def _click_to_call(self, order: CallbackOrder) -> None:
        if not self.context.sip.accepting:
            log.info("callback %s refused: the node is stopping", order.call_id)
            return
        self._collector.calls_coming()
        call = ClickToCall(self.context, order, self.context.callbacks.discard)
        self.context.callbacks.add(call)
        call.start()

    def _invite(self, request: Request, source: Address, key: TransactionKey) -> None:
        self._collector.calls_coming()
        InboundCall(self.context, request, source, key).begin()

    @property
    def calls(self) -> int:
        return len(self.context.calls)

    async def drain(self, grace_s: float = DEFAULT_GRACE_S) -> None:
        """Refuse new calls, let current ones finish for ``grace_s``, then hang up the rest."""
        self.context.sip.accepting = False
        deadline = time.monotonic() + grace_s
        while (self.context.calls or self.context.callbacks) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        for call in list(self.context.calls):
            call.shutdown()
        for callback in list(self.context.callbacks):
            callback.shutdown()
        await asyncio.sleep(0.2)  # let the BYEs and the last writes go out

    async def close(self) -> None:
        for timer in (self._report, self._housekeeping, self._queue):
            if timer is not None:
                timer.cancel()
        self.log_media_report()
        self._gc.uninstall()
        self.context.media.close()
        self.context.sip.close()
        await self.context.http.aclose()
