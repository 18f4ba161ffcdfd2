"""The SIP socket endpoint on a real loop and real loopback sockets."""

from __future__ import annotations

import asyncio
import socket

from ivrd.runtime.udp import UdpEndpoint, open_udp

from .media.peer import eventually, run


class Recorder(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.datagrams: list[tuple[bytes, tuple[str, int]]] = []
        self.errors: list[Exception] = []
        self.lost = False
        self.transport: asyncio.BaseTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.datagrams.append((data, addr))

    def error_received(self, exc: Exception) -> None:
        self.errors.append(exc)

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True


def test_datagrams_in_order_with_their_source_and_answers_back() -> None:
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        protocol = Recorder()
        endpoint = open_udp(loop, protocol, "127.0.0.1", 0)
        assert protocol.transport is endpoint
        address = endpoint.get_extra_info("sockname")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as peer:
            peer.bind(("127.0.0.1", 0))
            peer.settimeout(2)
            big = b"x" * 60000  # a datagram far larger than any SIP message
            for data in (b"OPTIONS one", b"", big, b"three"):
                peer.sendto(data, address)
            await eventually(lambda: len(protocol.datagrams) == 4)
            assert [d for d, _ in protocol.datagrams] == [b"OPTIONS one", b"", big, b"three"]
            assert {a for _, a in protocol.datagrams} == {peer.getsockname()}
            endpoint.sendto(b"SIP/2.0 200 OK", peer.getsockname())
            assert peer.recv(100) == b"SIP/2.0 200 OK"
        endpoint.close()
        endpoint.close()  # twice is harmless
        await asyncio.sleep(0)
        assert endpoint.is_closing() and protocol.lost
        endpoint.sendto(b"late", ("127.0.0.1", 9))  # after close: nothing, no error
        assert protocol.errors == []

    run(scenario())


def test_a_bad_destination_is_reported_not_raised() -> None:
    async def scenario() -> None:
        protocol = Recorder()
        endpoint: UdpEndpoint = open_udp(asyncio.get_running_loop(), protocol, "127.0.0.1", 0)
        endpoint.sendto(b"x", ("127.0.0.1", 0))  # port 0: the kernel refuses it
        assert len(protocol.errors) == 1 and isinstance(protocol.errors[0], OSError)
        endpoint.close()

    run(scenario())
