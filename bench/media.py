"""Media-plane benchmark: N legs on loopback, each playing a long prompt, paced by one wheel.

A child process stands in for the phones: one UDP socket per leg, drained with epoll, each
packet echoed back (``--no-echo`` to send one way only), so the node's process does what a
real call needs both ways (paced sends + add_reader drains). The table gives the node
process's CPU (getrusage over the measured window, after a 1 s warm-up), send lateness
percentiles, and packets sent / received at the phones / received back / lost.

    /work/venv/bin/python bench/media.py                  # 200 streams, 10 s
    /work/venv/bin/python bench/media.py --streams 500,1000 --seconds 5 --uvloop
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import resource
import selectors
import socket
import sys
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from ivrd.media.stored import StoredAudio
from ivrd.rtp import g711
from ivrd.runtime.media import MediaEngine
from ivrd.settings import load_settings

MAX_STREAMS = 1000
WARM_UP_S = 1.0
DRAIN_S = 0.5  # after the legs stop: let the last packets land before counting
PHONES_NAP_S = 0.01  # the phones read every 10 ms, as a jitter buffer would


@dataclass(frozen=True, slots=True)
class Row:
    streams: int
    seconds: float
    cpu_pct: float
    phones_cpu_pct: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    sent: int
    at_phones: int
    echoed_back: int
    lost_back: int  # echoed packets missing at the node, by sequence number
    ticks_dropped: int

    @property
    def loss(self) -> int:
        return self.sent - self.at_phones


def phones(count: int, conn: Connection, echo: bool, pin: bool = False) -> None:
    """The child: ``count`` sockets that count (and echo) what arrives until told to stop."""
    if pin:
        os.sched_setaffinity(0, {1})
    socks = []
    selector = selectors.DefaultSelector()
    for index in range(count):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        sock.bind(("127.0.0.1", 0))
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ, index)
        socks.append(sock)
    conn.send([sock.getsockname() for sock in socks])
    received = 0
    while not conn.poll():
        time.sleep(PHONES_NAP_S)  # batch: a wake-up per packet would bill the node's sendto
        for key, _ in selector.select(0):
            received += _drain(key.fileobj, echo)  # type: ignore[arg-type]
    conn.recv()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    conn.send((received, usage.ru_utime + usage.ru_stime))


def _drain(sock: socket.socket, echo: bool) -> int:
    count = 0
    while True:
        try:
            data, source = sock.recvfrom(2048)
        except BlockingIOError:
            return count
        count += 1
        if echo:
            sock.sendto(data, source)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def measure(streams: int, seconds: float, echo: bool, pin: bool = False) -> Row:
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.get_context("spawn").Process(
        target=phones, args=(streams, child, echo, pin), daemon=True
    )
    process.start()
    addresses = parent.recv()
    settings = load_settings({"IVRD_RTP_PORT_MIN": "20000", "IVRD_RTP_PORT_MAX": "31998"})
    engine = MediaEngine(asyncio.get_running_loop(), settings, "127.0.0.1")
    prompt = long_prompt(seconds + WARM_UP_S + 5)
    legs = []
    for address in addresses:
        leg = engine.open_leg(g711.PT_PCMU, 101)
        leg.set_remote(tuple(address))
        leg.play(prompt, "bench")
        legs.append(leg)
    await asyncio.sleep(WARM_UP_S)
    engine.lateness.reset()
    cpu_start, wall_start = cpu_seconds(), time.monotonic()
    await asyncio.sleep(seconds)
    cpu, wall = cpu_seconds() - cpu_start, time.monotonic() - wall_start
    window = engine.report()  # lateness over the measured window only
    for leg in legs:
        leg.stop_playback()
    await asyncio.sleep(DRAIN_S)
    totals = engine.report()
    engine.close()
    parent.send("stop")
    at_phones, phones_cpu = parent.recv()
    process.join(5)
    total_wall = wall + WARM_UP_S + DRAIN_S
    return Row(
        streams, wall, 100 * cpu / wall, 100 * phones_cpu / total_wall, window.late_p50_ms,
        window.late_p99_ms, window.late_max_ms, totals.packets_sent, at_phones,
        totals.packets_received, totals.packets_lost, totals.ticks_dropped,
    )  # fmt: skip


def long_prompt(seconds: float) -> StoredAudio:
    t = np.arange(int(8000 * seconds)) / 8000
    return StoredAudio.from_pcm((8000 * np.sin(2 * np.pi * 425 * t)).astype("<i2").tobytes())


def print_table(rows: list[Row], echo: bool) -> None:
    back = "echoed back" if echo else "back (off)"
    print(
        f"| streams | s | node CPU % | phones CPU % | late p50 ms | p99 ms | max ms "
        f"| sent | at phones | loss | {back} | lost back | ticks dropped |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r.streams} | {r.seconds:.1f} | {r.cpu_pct:.1f} | {r.phones_cpu_pct:.1f} "
            f"| {r.p50_ms:.1f} | {r.p99_ms:.1f} | {r.max_ms:.1f} | {r.sent} | {r.at_phones} "
            f"| {r.loss} | {r.echoed_back} | {r.lost_back} | {r.ticks_dropped} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", default="200", help="comma-separated counts (max 1000)")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured window per count")
    parser.add_argument("--no-echo", action="store_true", help="phones do not send back")
    parser.add_argument("--uvloop", action="store_true", help="run on uvloop")
    parser.add_argument("--pin", action="store_true", help="node on CPU 0, phones on CPU 1")
    args = parser.parse_args()
    counts = [int(part) for part in args.streams.split(",")]
    if not all(0 < count <= MAX_STREAMS for count in counts):
        parser.error(f"--streams: each count must be in 1..{MAX_STREAMS}")
    echo = not args.no_echo
    runner = asyncio.run
    if args.uvloop:
        import uvloop

        runner = uvloop.run
    if args.pin:
        os.sched_setaffinity(0, {0})
    rows = [runner(measure(count, args.seconds, echo, args.pin)) for count in counts]
    print_table(rows, echo)


if __name__ == "__main__":
    main()
