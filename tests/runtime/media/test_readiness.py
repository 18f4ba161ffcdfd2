"""The epoll set behind every RTP socket: real sockets on loopback, a real event loop."""

from __future__ import annotations

import asyncio
import logging
import select
import socket

import pytest

from ivrd.runtime.media.readiness import EpollReadiness, LoopReadiness, Readiness

from .peer import eventually, run

pytestmark = pytest.mark.skipif(not hasattr(select, "epoll"), reason="epoll is Linux only")


def udp_pair() -> tuple[socket.socket, socket.socket]:
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.setblocking(False)
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sender.connect(receiver.getsockname())
    return receiver, sender


@pytest.mark.parametrize("kind", [EpollReadiness, LoopReadiness])
def test_each_socket_is_read_when_it_has_data_until_unwatched(kind: type[Readiness]) -> None:
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        order: list[str] = []
        readiness = (
            EpollReadiness(loop, before=lambda: order.append("before"))
            if kind is EpollReadiness
            else LoopReadiness(loop)
        )
        (rx_a, tx_a), (rx_b, tx_b) = udp_pair(), udp_pair()
        got_a: list[bytes] = []
        got_b: list[bytes] = []

        def read_a() -> None:
            got_a.append(rx_a.recv(2048))
            order.append("a")

        readiness.watch(rx_a.fileno(), read_a)
        readiness.watch(rx_b.fileno(), lambda: got_b.append(rx_b.recv(2048)))
        assert len(readiness) == 2
        for n in range(3):  # three datagrams queued: one read per pass drains them all
            tx_a.send(b"a%d" % n)
        tx_b.send(b"b0")
        await eventually(lambda: len(got_a) == 3 and len(got_b) == 1)
        assert got_a == [b"a0", b"a1", b"a2"] and got_b == [b"b0"]
        if kind is EpollReadiness:
            assert order[0] == "before"  # due frames go out ahead of the reads
        readiness.unwatch(rx_a.fileno())
        readiness.unwatch(rx_a.fileno())  # twice is harmless
        tx_a.send(b"late")
        tx_b.send(b"b1")
        await eventually(lambda: len(got_b) == 2)
        await asyncio.sleep(0.02)
        assert len(got_a) == 3 and len(readiness) == 1
        readiness.close()
        assert len(readiness) == 0
        for sock in (rx_a, tx_a, rx_b, tx_b):
            sock.close()

    run(scenario())


def test_a_failing_reader_is_dropped_and_the_others_keep_reading(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def scenario() -> None:
        readiness = EpollReadiness(asyncio.get_running_loop())
        (rx_bad, tx_bad), (rx_ok, tx_ok) = udp_pair(), udp_pair()
        got: list[bytes] = []

        def broken() -> None:
            raise RuntimeError("a bug in one reader")

        readiness.watch(rx_bad.fileno(), broken)
        readiness.watch(rx_ok.fileno(), lambda: got.append(rx_ok.recv(2048)))
        tx_bad.send(b"x")
        tx_ok.send(b"y")
        await eventually(lambda: got == [b"y"])
        assert len(readiness) == 1  # the broken one is no longer watched (no log storm)
        tx_ok.send(b"z")
        await eventually(lambda: got == [b"y", b"z"])
        readiness.close()
        for sock in (rx_bad, tx_bad, rx_ok, tx_ok):
            sock.close()

    with caplog.at_level(logging.ERROR, logger="ivrd.runtime.media.readiness"):
        run(scenario())
    assert "no longer read" in caplog.text
