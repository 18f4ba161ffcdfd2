"""Every leg's RTP socket in one poll set, read right after each tick of the wheel.

Watching each socket with ``loop.add_reader`` woke the event loop for nearly every arriving
packet: at 500 calls, 25 000 wake-ups a second, each paying the selector, a ``Handle`` and a
callback run, and those callbacks ran *before* a due tick in the same loop pass, delaying the
frames. Here the sockets sit in one ``select.epoll`` set (``select.poll`` where there is no
epoll) that the loop never sees: the wheel reads it after sending each tick's frames, so one
poll collects 5 ms of arrivals from every call and the loop wakes only for ticks and SIP.
A received packet waits at most one tick (5 ms) longer; DTMF, recording and a bridge's relay
do not mind, and a bridged far end sees at most 5 ms of extra jitter.

Each reader takes one datagram per call; a socket that still has data is reported again by
the next poll, and :meth:`SocketPoller.read_ready` polls up to :data:`MAX_PASSES` times a tick
(the second poll normally finds nothing), so a socket may take in up to 800 packets a second
and a flooded one cannot hold up the wheel for long.
"""

from __future__ import annotations

import contextlib
import logging
import select
from collections.abc import Callable
from functools import partial

__all__ = ["MAX_PASSES", "SocketPoller"]

MAX_PASSES = 4  # polls per tick; each reads at most one datagram per ready socket
MAX_EVENTS = 4096

log = logging.getLogger(__name__)

Reader = Callable[[float], None]  # called with the time of the poll (time.monotonic())


class SocketPoller:
    """The set of RTP sockets to read, and their readers."""

    def __init__(self) -> None:
        self._readers: dict[int, Reader] = {}
        self._set: select.epoll | select.poll
        if hasattr(select, "epoll"):
            epoll = self._set = select.epoll()
            self._mask = select.EPOLLIN
            self._ready: Callable[[], list[tuple[int, int]]] = partial(epoll.poll, 0, MAX_EVENTS)
        else:
            self._set = select.poll()
            self._mask = select.POLLIN
            self._ready = partial(self._set.poll, 0)

    def __len__(self) -> int:
        """Sockets watched."""
        return len(self._readers)

    def watch(self, fd: int, reader: Reader) -> None:
        self._set.register(fd, self._mask)
        self._readers[fd] = reader

    def unwatch(self, fd: int) -> None:
        if self._readers.pop(fd, None) is not None:
            # closed already? then the kernel dropped it from the set itself
            with contextlib.suppress(OSError):
                self._set.unregister(fd)

    def close(self) -> None:
        self._readers.clear()
        if isinstance(self._set, select.epoll):  # a poll object holds no descriptor
            self._set.close()

    def read_ready(self, now: float) -> None:
        """Give every socket that has data its reader, up to :data:`MAX_PASSES` rounds."""
        readers = self._readers
        for _ in range(MAX_PASSES):
            ready = self._ready()
            if not ready:
                return
            for fd, _events in ready:
                reader = readers.get(fd)
                if reader is None:
                    continue
                try:
                    reader(now)
                except Exception:  # one broken reader must not deafen every call
                    log.exception("RTP reader of fd %d failed; it is no longer read", fd)
                    self.unwatch(fd)
