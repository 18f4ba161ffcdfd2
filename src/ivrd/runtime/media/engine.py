"""The media plane of one process: RTP ports, the pacing wheel and every open leg.

The call driver makes one :class:`MediaEngine` per event loop and asks it for a :class:`Leg`
per SIP dialog; the engine owns what legs share (the port range, the 5 ms wheel, the lateness
figures) and closes whatever is left at shutdown.
"""

from __future__ import annotations

import asyncio
import socket

from ivrd.rtp import g711
from ivrd.runtime.media.leg import Leg
from ivrd.runtime.media.polling import SocketPoller
from ivrd.runtime.media.ports import PortAllocator
from ivrd.runtime.media.recorder import RecordingSaved
from ivrd.runtime.media.report import LegTotals, MediaReport
from ivrd.runtime.media.scheduler import FrameScheduler
from ivrd.runtime.media.stats import LatenessStats
from ivrd.settings import Settings

__all__ = ["MediaEngine", "rtp_host"]


def rtp_host(sip_listen: str) -> str:
    """The address RTP binds to: the host part of ``IVRD_SIP_LISTEN`` (``[v6]:port`` allowed)."""
    host, sep, port = sip_listen.rpartition(":")
    if not sep or not port.isdigit() or not host:
        raise ValueError(f"SIP listen address {sip_listen!r} is not host:port")
    return host[1:-1] if host.startswith("[") and host.endswith("]") else host


class MediaEngine:
    """Opens legs on ports of ``[rtp_port_min, rtp_port_max]`` and paces them all."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        settings: Settings,
        host: str | None = None,
    ) -> None:
        self._loop = loop
        self.host = host if host is not None else rtp_host(settings.sip_listen)
        self._ports = PortAllocator(self.host, settings.rtp_port_min, settings.rtp_port_max)
        self._poller = SocketPoller()
        self._scheduler = FrameScheduler(loop, after=self._poller.read_ready)
        self._legs: set[Leg] = set()
        self._closed = LegTotals()  # counters of legs already closed

    @property
    def legs(self) -> int:
        """Open legs."""
        return len(self._legs)

    @property
    def lateness(self) -> LatenessStats:
        """Send lateness of every frame the wheel sent (not relayed packets)."""
        return self._scheduler.lateness

    @property
    def ticks_dropped(self) -> int:
        """Wheel ticks skipped after a stall longer than the catch-up window."""
        return self._scheduler.ticks_dropped

    def open_leg(self, codec_pt: int = g711.PT_PCMU, dtmf_pt: int | None = None) -> Leg:
        """A new leg on a free port. The format may be given now or, as usual for an incoming
        call (the port goes into the SDP answer), later with :meth:`Leg.apply`."""
        sock = self._ports.open()
        try:
            leg = Leg(self._loop, sock, codec_pt, dtmf_pt, self._release, self._poller)
        except BaseException:
            self._ports.release(sock)
            raise
        self._legs.add(leg)
        self._scheduler.add(leg)
        return leg

    def report(self) -> MediaReport:
        """Totals over every leg opened so far, and the send lateness of the wheel."""
        totals = self._closed.copy()
        for leg in self._legs:
            totals.add(leg.stats())
        return totals.report(len(self._legs), self.lateness, self.ticks_dropped)

    def bridge(self, leg_a: Leg, leg_b: Leg) -> None:
        """B2BUA: relay RTP (and RFC 4733 events) between two legs, both directions."""
        leg_a.bridge(leg_b)

    def unbridge(self, leg: Leg) -> None:
        """End the bridge ``leg`` is in (no-op when it is in none)."""
        leg.unbridge()

    def close(self) -> None:
        """Close every leg (recordings in progress are still written) and stop the wheel."""
        for leg in list(self._legs):
            leg.close()
        self._scheduler.close()
        self._poller.close()

    async def aclose(self) -> list[RecordingSaved]:
        """:meth:`close`, then wait for the recordings it had to finish."""
        legs = list(self._legs)
        self.close()
        pending = [leg.recording_saved for leg in legs if leg.recording_saved is not None]
        return list(await asyncio.gather(*pending))

    def _release(self, leg: Leg, sock: socket.socket) -> None:
        self._closed.add(leg.stats())
        self._legs.discard(leg)
        self._scheduler.remove(leg)
        self._ports.release(sock)
