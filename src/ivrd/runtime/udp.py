"""The SIP socket, read with ``loop.add_reader`` rather than asyncio's datagram transport.

asyncio's transport reads every datagram into a fresh buffer of ``max_size`` (256 KiB): a
py-spy profile of a node taking 100 calls a second showed ~60 µs per SIP datagram spent in
that read alone, 5 % of the core. Here each wake-up reads into one reused 64 KiB buffer
(``recvfrom_into``) and copies out only the datagram's bytes, as the RTP path already avoids
the transport (docs/media-plane.md). The object stands in for the transport the protocol
(``SipNode``) was given: ``sendto``, ``close``, ``is_closing``.

A send that would block (the socket buffer is full) drops the datagram and counts it: SIP over
UDP retransmits (RFC 3261 §17), and the loop must not wait.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import Any

__all__ = ["UdpEndpoint", "open_udp"]

MAX_DATAGRAM = 65535
MAX_PER_WAKEUP = 64  # datagrams one wake-up may read; the rest come on the next loop pass

log = logging.getLogger(__name__)


class UdpEndpoint(asyncio.DatagramTransport):
    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        sock: socket.socket,
        protocol: asyncio.DatagramProtocol,
    ) -> None:
        super().__init__()
        self._loop = loop
        self._sock = sock
        self._protocol = protocol
        self._buffer = bytearray(MAX_DATAGRAM)
        self._closing = False
        self.dropped = 0  # sends that would have blocked

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._sock.getsockname() if name == "sockname" else default

    def is_closing(self) -> bool:
        return self._closing

    def close(self) -> None:
        if self._closing:
            return
        self._closing = True
        self._loop.remove_reader(self._sock.fileno())
        self._sock.close()
        self._loop.call_soon(self._protocol.connection_lost, None)

    def abort(self) -> None:
        self.close()

    def sendto(self, data: Any, addr: Any = None) -> None:
        if self._closing:
            return
        try:
            self._sock.sendto(data, addr)
        except BlockingIOError:
            self.dropped += 1
            log.debug("SIP socket full: dropped a datagram to %s", addr)
        except OSError as exc:  # an ICMP error of an earlier send, a bad address
            self._protocol.error_received(exc)

    def _read(self) -> None:
        buffer, view = self._buffer, memoryview(self._buffer)
        for _ in range(MAX_PER_WAKEUP):
            try:
                size, source = self._sock.recvfrom_into(buffer)
            except BlockingIOError:
                return
            except OSError as exc:
                self._protocol.error_received(exc)
                return
            self._protocol.datagram_received(bytes(view[:size]), source)


def open_udp(
    loop: asyncio.AbstractEventLoop, protocol: asyncio.DatagramProtocol, host: str, port: int
) -> UdpEndpoint:
    """Bind ``host:port`` (IPv4 or IPv6) and feed ``protocol`` from the loop."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    try:
        sock.setblocking(False)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    endpoint = UdpEndpoint(loop, sock, protocol)
    protocol.connection_made(endpoint)
    loop.add_reader(sock.fileno(), endpoint._read)
    return endpoint
