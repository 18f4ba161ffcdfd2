"""How RTP sockets tell the media plane they have data: one epoll set for all of them.

Watching each leg's socket with ``loop.add_reader`` costs asyncio a selector key lookup, a
``Handle`` and a callback run per ready socket per loop pass; at 500 calls that is about 25 000
times a second, and those callbacks run *before* the wheel's due tick in the same pass, so a
burst of arrivals made outgoing frames late. :class:`EpollReadiness` keeps every RTP socket in
its own epoll set and gives the loop only that set's descriptor (an epoll descriptor is itself
pollable). One callback per pass then sends the frames that are due first (``before``), and
drains the ready sockets with a plain loop. Level-triggered: a socket with data left is
reported again on the next pass, so readers may take one datagram at a time.

Where ``select.epoll`` does not exist (macOS, Windows), :class:`LoopReadiness` falls back to
``loop.add_reader`` per socket.
"""

from __future__ import annotations

import asyncio
import logging
import select
from collections.abc import Callable

__all__ = ["EpollReadiness", "LoopReadiness", "Readiness", "make_readiness"]

MAX_EVENTS = 1024  # ready sockets taken per pass; the rest come on the next pass

log = logging.getLogger(__name__)

Callback = Callable[[], None]


class Readiness:
    """Calls a socket's callback when the socket has data to read."""

    def __len__(self) -> int:
        """Sockets watched."""
        raise NotImplementedError

    def watch(self, fd: int, callback: Callback) -> None:
        raise NotImplementedError

    def unwatch(self, fd: int) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class LoopReadiness(Readiness):
    """One ``loop.add_reader`` per socket (the portable way)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._fds: set[int] = set()

    def __len__(self) -> int:
        return len(self._fds)

    def watch(self, fd: int, callback: Callback) -> None:
        self._loop.add_reader(fd, callback)
        self._fds.add(fd)

    def unwatch(self, fd: int) -> None:
        if fd in self._fds:
            self._fds.discard(fd)
            self._loop.remove_reader(fd)

    def close(self) -> None:
        for fd in tuple(self._fds):
            self.unwatch(fd)


class EpollReadiness(Readiness):
    """Every watched socket in one epoll set, which the loop watches as one descriptor."""

    def __init__(self, loop: asyncio.AbstractEventLoop, before: Callback | None = None) -> None:
        self._loop = loop
        self._before = before
        self._epoll = select.epoll()
        self._callbacks: dict[int, Callback] = {}
        loop.add_reader(self._epoll.fileno(), self._ready)

    def __len__(self) -> int:
        return len(self._callbacks)

    def watch(self, fd: int, callback: Callback) -> None:
        self._epoll.register(fd, select.EPOLLIN)
        self._callbacks[fd] = callback

    def unwatch(self, fd: int) -> None:
        if self._callbacks.pop(fd, None) is not None:
            self._epoll.unregister(fd)

    def close(self) -> None:
        if not self._epoll.closed:
            self._loop.remove_reader(self._epoll.fileno())
            self._epoll.close()
        self._callbacks.clear()

    def _ready(self) -> None:
        if self._before is not None:
            self._before()
        callbacks = self._callbacks
        for fd, _ in self._epoll.poll(0, MAX_EVENTS):
            callback = callbacks.get(fd)
            if callback is None:
                continue
            try:
                callback()
            except Exception:  # one broken reader must not deafen every call
                log.exception("RTP reader of fd %d failed; it is no longer read", fd)
                self.unwatch(fd)


def make_readiness(loop: asyncio.AbstractEventLoop, before: Callback | None = None) -> Readiness:
    """The epoll set where the platform has one, else one reader per socket."""
    if hasattr(select, "epoll"):
        return EpollReadiness(loop, before)
    return LoopReadiness(loop)
