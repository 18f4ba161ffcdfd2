"""The poll set the wheel reads after each tick: real UDP sockets on 127.0.0.1."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable, Iterator

import pytest

from ivrd.runtime.media.polling import MAX_PASSES, SocketPoller


@pytest.fixture
def pairs() -> Iterator[list[tuple[socket.socket, socket.socket]]]:
    made: list[tuple[socket.socket, socket.socket]] = []
    for _ in range(3):
        receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        receiver.bind(("127.0.0.1", 0))
        receiver.setblocking(False)
        sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sender.connect(receiver.getsockname())
        made.append((receiver, sender))
    yield made
    for receiver, sender in made:
        receiver.close()
        sender.close()


def reader_of(sock: socket.socket, into: list[bytes]) -> Callable[[float], None]:
    return lambda now: into.append(sock.recv(2048))  # one datagram per call


def settle() -> None:
    time.sleep(0.01)  # loopback delivery


def test_each_ready_socket_gets_one_read_per_pass_and_quiet_ones_none(
    pairs: list[tuple[socket.socket, socket.socket]],
) -> None:
    poller = SocketPoller()
    got: list[list[bytes]] = [[], [], []]
    for (receiver, _), into in zip(pairs, got, strict=True):
        poller.watch(receiver.fileno(), reader_of(receiver, into))
    assert len(poller) == 3
    backlog = MAX_PASSES + 2
    for n in range(backlog):
        pairs[0][1].send(b"a%d" % n)
    pairs[1][1].send(b"b")
    settle()
    poller.read_ready(time.monotonic())
    assert got == [[b"a%d" % n for n in range(MAX_PASSES)], [b"b"], []]
    poller.read_ready(time.monotonic())  # the next tick takes the rest
    assert len(got[0]) == backlog and got[1:] == [[b"b"], []]
    poller.read_ready(time.monotonic())  # nothing ready: nothing read, nothing raised
    poller.close()


def test_a_broken_reader_is_dropped_and_the_others_keep_reading(
    pairs: list[tuple[socket.socket, socket.socket]], caplog: pytest.LogCaptureFixture
) -> None:
    poller = SocketPoller()
    (bad, bad_tx), (good, good_tx), _ = pairs
    got: list[bytes] = []

    def broken(now: float) -> None:
        raise RuntimeError("a bug in one reader")

    poller.watch(bad.fileno(), broken)
    poller.watch(good.fileno(), reader_of(good, got))
    bad_tx.send(b"x")
    good_tx.send(b"y")
    settle()
    with caplog.at_level(logging.ERROR, logger="ivrd.runtime.media.polling"):
        poller.read_ready(time.monotonic())
    assert got == [b"y"] and len(poller) == 1 and "no longer read" in caplog.text
    good_tx.send(b"z")
    settle()
    poller.read_ready(
        time.monotonic()
    )  # the broken one's datagram is still queued; nobody calls it again
    assert got == [b"y", b"z"]
    poller.close()


def test_unwatching_twice_or_after_the_socket_closed_is_harmless(
    pairs: list[tuple[socket.socket, socket.socket]],
) -> None:
    poller = SocketPoller()
    spare = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    fd = spare.fileno()
    poller.watch(fd, lambda now: None)
    spare.close()
    poller.unwatch(fd)
    poller.unwatch(fd)
    receiver = pairs[0][0]
    poller.watch(receiver.fileno(), lambda now: None)
    poller.unwatch(receiver.fileno())
    assert len(poller) == 0
    poller.close()
