"""Test helpers: a UDP socket on 127.0.0.1 standing in for a phone, and RTP builders."""

from __future__ import annotations

import asyncio
import os
import socket
import struct
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from ivrd.rtp.packet import RtpPacket
from ivrd.settings import Settings, load_settings

T = TypeVar("T")

SETTINGS: Settings = load_settings(
    {
        "IVRD_SIP_LISTEN": "127.0.0.1:5070",
        "IVRD_RTP_PORT_MIN": "26000",
        "IVRD_RTP_PORT_MAX": "26999",
        "IVRD_DATA_DIR": "/nonexistent-ivrd-test",
    }
)


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


@dataclass(frozen=True, slots=True)
class Arrival:
    at: float  # time.monotonic() when read
    packet: RtpPacket
    source: tuple[str, int]


class Peer:
    """A phone's RTP socket: records what arrives, sends what the test crafts."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.setblocking(False)
        self.address: tuple[str, int] = self.sock.getsockname()
        self.arrivals: list[Arrival] = []
        self._loop = asyncio.get_running_loop()
        self._loop.add_reader(self.sock.fileno(), self._read)
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []

    def _read(self) -> None:
        while True:
            try:
                data, source = self.sock.recvfrom(2048)
            except BlockingIOError:
                break
            self.arrivals.append(Arrival(time.monotonic(), RtpPacket.parse(data), source))
        for count, waiter in self._waiters:
            if len(self.arrivals) >= count and not waiter.done():
                waiter.set_result(None)

    async def wait_for(self, count: int, timeout: float = 3.0) -> list[Arrival]:
        """Until ``count`` packets have arrived in total."""
        if len(self.arrivals) < count:
            waiter: asyncio.Future[None] = self._loop.create_future()
            self._waiters.append((count, waiter))
            await asyncio.wait_for(waiter, timeout)
        return self.arrivals[:count]

    def send(self, data: bytes, to: tuple[str, int]) -> None:
        self.sock.sendto(data, to)

    def close(self) -> None:
        self._loop.remove_reader(self.sock.fileno())
        self.sock.close()


def rtp(pt: int, seq: int, ts: int, ssrc: int, payload: bytes, marker: bool = False) -> bytes:
    return RtpPacket(pt, seq, ts, ssrc, payload, marker).serialize()


def event_payload(event: int, end: bool, duration: int, volume: int = 10) -> bytes:
    return struct.pack("!BBH", event, (0x80 if end else 0) | volume, duration)


def key_press(
    event: int, pt: int, seq: int, ts: int, ssrc: int, *, starts: int = 3, ends: int = 3
) -> list[bytes]:
    """An RFC 4733 key press: ``starts`` growing-duration packets, then the end ``ends`` times."""
    packets = [
        rtp(pt, seq + i, ts, ssrc, event_payload(event, False, 160 * (i + 1)), marker=i == 0)
        for i in range(starts)
    ]
    end = event_payload(event, True, 160 * (starts + 1))
    packets += [rtp(pt, seq + starts + i, ts, ssrc, end) for i in range(ends)]
    return packets


async def eventually(check: Callable[[], bool], timeout: float = 2.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.005)


async def settle(seconds: float = 0.06) -> None:
    await asyncio.sleep(seconds)


def open_fds() -> set[int]:
    return {int(name) for name in os.listdir("/proc/self/fd")}


def reader_count(loop: asyncio.AbstractEventLoop) -> int:
    selector = loop._selector  # type: ignore[attr-defined]
    return len(selector.get_map())
