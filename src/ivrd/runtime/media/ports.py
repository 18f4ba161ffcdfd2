"""RTP ports: one UDP socket per call leg, bound to an even port of a configured range.

The range must lie below 32768: Linux hands out ephemeral ports from 32768 up, and an RTP
range inside it collided with outgoing connections in practice (docs/media-plane.md). Ports are
even (RFC 3550 §11: RTP on an even port, RTCP on the next odd one, which we never bind) and
handed out round-robin from a moving cursor, so a port just released is reused as late as
possible and stray packets of the previous call rarely reach the next one.
"""

from __future__ import annotations

import errno
import socket

from ivrd.runtime.media.errors import PortsExhausted

__all__ = ["EPHEMERAL_PORT_START", "PortAllocator"]

EPHEMERAL_PORT_START = 32768  # Linux net.ipv4.ip_local_port_range default start
MIN_PORT = 1024  # below: privileged ports
RECEIVE_BUFFER = 256 * 1024  # bytes of SO_RCVBUF asked for (the kernel caps it at rmem_max)


class PortAllocator:
    """Hands out bound, non-blocking UDP sockets on even ports of ``[low, high]``."""

    def __init__(self, host: str, low: int, high: int) -> None:
        _check_range(low, high)
        self.host = host
        self.low = low + (low & 1)  # first even port
        self.high = high
        self._family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._in_use: set[int] = set()
        self._cursor = self.low

    @property
    def capacity(self) -> int:
        """How many even ports the range holds."""
        return (self.high - self.low) // 2 + 1

    @property
    def in_use(self) -> int:
        return len(self._in_use)

    def open(self) -> socket.socket:
        """A socket bound to the next free even port; :class:`PortsExhausted` if none is."""
        for _ in range(self.capacity):
            port = self._advance()
            if port in self._in_use:
                continue
            sock = self._bind(port)
            if sock is not None:
                self._in_use.add(port)
                return sock
        raise PortsExhausted(
            f"no free RTP port in {self.low}-{self.high} on {self.host}"
            f" ({len(self._in_use)} in use by ivrd)"
        )

    def release(self, sock: socket.socket) -> None:
        """Close the socket and give its port back (safe to call twice)."""
        if sock.fileno() != -1:
            self._in_use.discard(sock.getsockname()[1])
            sock.close()

    def _advance(self) -> int:
        port = self._cursor
        self._cursor = port + 2 if port + 2 <= self.high else self.low
        return port

    def _bind(self, port: int) -> socket.socket | None:
        sock = socket.socket(self._family, socket.SOCK_DGRAM)
        try:
            sock.setblocking(False)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
            sock.bind((self.host, port))
        except OSError as exc:
            sock.close()
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return None  # another process holds it: try the next port
            raise
        return sock


def _check_range(low: int, high: int) -> None:
    if not MIN_PORT <= low <= high:
        raise ValueError(f"RTP port range {low}-{high}: need {MIN_PORT} <= min <= max")
    if high >= EPHEMERAL_PORT_START:
        raise ValueError(
            f"RTP port range {low}-{high} reaches the ephemeral ports (32768 and up):"
            " keep IVRD_RTP_PORT_MAX below 32768"
        )
    if low == high and low & 1:
        raise ValueError(f"RTP port range {low}-{high} holds no even port")
