"""SIP load benchmark: N concurrent sipp calls into one real ivrd node, media both ways.

A real ``ivrd serve`` process (loopback, its own data directory) gets one IVR: a long
background prompt, and option 1 that plays it again, so ivrd sends prompt audio for the whole
call. sipp places ``--calls`` calls at ``--rate`` per second; each caller streams 20 ms PCMU
for ``--hold`` seconds from a generated pcap (one SSRC, continuous sequence numbers) with an
RFC 4733 key press of "1" at ``--digit-at`` seconds inside the same stream, then hangs up.

Printed: calls set up per second (the node's call-start log times), concurrent calls held
(the most the node's 1 s media reports saw), the node's CPU % over the hold phase (from
/proc/<pid>/stat), RTP send lateness p50/p99/max and the callers' packets lost (the node's
final media report), and DTMF digits missed (calls minus digits the node logged).

    /work/venv/bin/python bench/sip_load.py                      # 100 calls, 20 s each
    /work/venv/bin/python bench/sip_load.py --calls 500 --rate 100
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import struct
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from tests.runtime.conftest import Node, running_node  # noqa: E402
from tests.runtime.sipp import BYE, caller, pause, start_sipp  # noqa: E402
from tests.runtime.test_calls import tone  # noqa: E402

from ivrd.rtp import g711  # noqa: E402

BASE = "/api/ver1.0"
CLK_TCK = os.sysconf("SC_CLK_TCK")
PT_EVENT = 101
EVENT_1 = 1
FRAME_S = 0.02
PROMPT_S = 60
IDLE_FREEZE = "idle: collected and froze"  # the node's log line (ivrd.runtime.node)
RTP_BASE = 20000  # the node's RTP ports: 20000 + 2 per call (below 32768)


# --- the callers' media: one pcap per run --------------------------------------------------


def rtp(pt: int, seq: int, ts: int, payload: bytes, marker: bool = False) -> bytes:
    return struct.pack("!BBHII", 0x80, pt | (0x80 if marker else 0), seq, ts, 0x1234ABCD) + payload


def caller_packets(hold_s: float, digit_at_s: float) -> list[tuple[float, bytes]]:
    """(send time, RTP packet): a quiet 800 Hz tone in PCMU with one key press of "1"
    (RFC 4733 §2.5: growing durations, then three end packets; no audio meanwhile)."""
    t = np.arange(int(8000 * hold_s)) / 8000
    pcm = (3000 * np.sin(2 * np.pi * 800 * t)).astype("<i2").tobytes()
    audio = g711.encode(pcm, g711.PT_PCMU)
    packets: list[tuple[float, bytes]] = []
    press = range(round(digit_at_s / FRAME_S), round(digit_at_s / FRAME_S) + 10)
    for frame in range(int(hold_s / FRAME_S)):
        ts = frame * 160
        if frame in press:
            step = frame - press.start
            end = step >= 7
            duration = min(step + 1, 7) * 160
            payload = struct.pack("!BBH", EVENT_1, (0x80 if end else 0) | 10, duration)
            packet = rtp(PT_EVENT, frame, press.start * 160, payload, marker=step == 0)
        else:
            packet = rtp(g711.PT_PCMU, frame, ts, audio[ts : ts + 160], marker=frame == 0)
        packets.append((frame * FRAME_S, packet))
    return packets


def write_pcap(path: Path, packets: list[tuple[float, bytes]]) -> None:
    """Ethernet/IPv4/UDP frames (sipp replaces addresses and ports when it plays them)."""
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    for when, payload in packets:
        udp = struct.pack("!HHHH", 6000, 7000, 8 + len(payload), 0) + payload
        ip = struct.pack(
            "!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
            bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1]),
        )  # fmt: skip
        frame = b"\x00" * 12 + b"\x08\x00" + ip + udp
        seconds = int(when)
        micros = round((when - seconds) * 1e6)
        out.append(struct.pack("<IIII", seconds, micros, len(frame), len(frame)) + frame)
    path.write_bytes(b"".join(out))


# --- the node -------------------------------------------------------------------------------


def create_menu(node: Node) -> None:
    sound = node.http.post(
        f"{BASE}/client/@me/sound/",
        data={"title": "prompt"},
        files={"file": ("prompt.wav", tone(PROMPT_S, 440))},
    ).json()["id"]
    ext = node.http.post(
        f"{BASE}/client/@me/extension/", json={"name": "071", "type": "ivr", "status": "active"}
    ).json()["id"]
    ctx = node.http.post(
        f"{BASE}/extension/{ext}/ivr/context/", json={"name": "main", "digit_len": 1}
    ).json()["id"]
    node.http.put(f"{BASE}/extension/{ext}/ivr/", json={"entry_context": ctx})
    options = f"{BASE}/extension/{ext}/ivr/context/{ctx}/options"
    play = {"action": "play_sound", "sound": sound, "sound_type": "background"}
    assert node.http.post(f"{options}/start/rules/", json=play).status_code == 200
    assert node.http.post(f"{options}/", json={"digits": "1"}).status_code == 200
    assert node.http.post(f"{options}/1/rules/", json=play).status_code == 200


def pin(pid: int, cpu: int | None) -> None:
    """Keep a process (every thread it has now; later ones inherit) on one CPU."""
    if cpu is None:
        return
    for task in Path(f"/proc/{pid}/task").iterdir():
        os.sched_setaffinity(int(task.name), {cpu})


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime


def media_reports(log: str) -> list[dict[str, float]]:
    return [json.loads(found) for found in re.findall(r"media (\{.*\})", log)]


def setup_rate(log: str, calls: int) -> float:
    """Calls started per second over the load (the warm-up call left out)."""
    starts = [float(t) for t in re.findall(r'\{"t": ([0-9.]+), "kind": "call"', log)][-calls:]
    if len(starts) < 2 or starts[-1] == starts[0]:
        return float("nan")
    return (len(starts) - 1) / (starts[-1] - starts[0])


# --- the run ----------------------------------------------------------------------------------


@dataclass
class Result:
    calls: int
    failed: int
    setup_per_s: float
    held: int
    cpu_percent: float
    sipp_cpu_percent: float  # the callers, on the same cores
    held_p50_ms: float  # lateness while every call is up (median of the 1 s intervals)
    held_p99_ms: float  # median of the 1 s intervals' p99
    held_worst_p99_ms: float  # the worst 1 s interval's p99
    held_max_ms: float
    held_late_share: float  # frames > 5 ms late of all paced while held (p99 ≤ 5 ms: ≤ 1 %)
    setup_p99_ms: float  # lateness while calls are being set up (worst 1 s interval)
    setup_max_ms: float
    setup_late_share: float
    packets_sent: int
    packets_received: int
    packets_lost: int
    digits_missed: int


def wait_until(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the node never went idle after the warm-up call")
        time.sleep(0.1)


def warm_up(node: Node, workdir: Path) -> None:
    """One call first: prompt cache, menu snapshot and code paths warm, as on a live node."""
    sipp = start_sipp(
        workdir, "warmup", caller(pause(500) + BYE), "-s", "071", f"127.0.0.1:{node.sip_port}"
    )
    try:
        assert sipp.wait(30) == 0, sipp.errors()
    finally:
        sipp.stop()


def run(
    calls: int,
    rate: float,
    hold_s: float,
    digit_at_s: float,
    workdir: Path,
    cores: tuple[int, int] | None,
    database_url: str | None = None,
) -> Result:
    pcap = workdir / "caller.pcap"
    write_pcap(pcap, caller_packets(hold_s, digit_at_s))
    steps = (
        f'  <nop><action><exec play_pcap_audio="{pcap}"/></action></nop>\n'
        + pause(int(hold_s * 1000))
        + BYE
    )
    (workdir / "node").mkdir()
    ports = max(400, 2 * calls + 2)
    extra = {"IVRD_DATABASE_URL": database_url} if database_url else None
    with running_node(workdir / "node", extra, rtp_base=RTP_BASE, rtp_ports=ports) as node:
        create_menu(node)
        frozen = node.log().count(IDLE_FREEZE)
        warm_up(node, workdir)
        wait_until(lambda: node.log().count(IDLE_FREEZE) > frozen, 15)  # as on a node up a while
        pid = node.process.pid
        pin(pid, cores and cores[0])
        sipp = start_sipp(
            workdir, "callers", caller(steps), "-s", "071", f"127.0.0.1:{node.sip_port}",
            "-m", str(calls), "-r", str(rate), "-l", str(calls), "-timeout", f"{hold_s + 60}s",
        )  # fmt: skip
        pin(sipp.process.pid, cores and cores[1])
        try:
            ramp_s = calls / rate
            if ramp_s > hold_s + 3:  # churn: calls end while others start; measure the plateau
                start_s, window_s = hold_s + 1, ramp_s - hold_s - 2
            else:  # all calls up, none coming: measure the hold
                start_s, window_s = ramp_s + 1, max(1.0, hold_s - 3)
            time.sleep(start_s)
            cpu0, sipp0, wall0 = cpu_seconds(pid), cpu_seconds(sipp.process.pid), time.monotonic()
            time.sleep(window_s)
            wall = time.monotonic() - wall0
            cpu = (cpu_seconds(pid) - cpu0) / wall * 100
            sipp_cpu = (cpu_seconds(sipp.process.pid) - sipp0) / wall * 100
            rc = sipp.wait(hold_s + 90)
        finally:
            sipp.stop()
        failed = 0 if rc == 0 else calls_failed(workdir)
        if failed:
            print(f"sipp exit {rc}:\n{sipp.errors()[-2000:]}", file=sys.stderr)
    return summarise(node.log(), calls, failed, cpu, sipp_cpu)


def summarise(log: str, calls: int, failed: int, cpu: float, sipp_cpu: float) -> Result:
    reports = media_reports(log)
    peak = max(int(r["legs_open"]) for r in reports)
    # an interval is "set-up" when legs were opened in it (the warm-up call's excepted), and
    # "held" when none were and at least 90 % of the peak were up
    setting_up, held = [], []
    for before, report in itertools.pairwise(reports):
        opened = int(report["legs_opened"]) - int(before["legs_opened"])
        if opened and int(report["legs_opened"]) > 1:
            setting_up.append(report)
        elif not opened and int(report["legs_open"]) >= 0.9 * peak > 0:
            held.append(report)
    final = reports[-1]
    digits = len(re.findall(r'"kind": "digit", "digit": "1"', log))
    return Result(
        calls=calls,
        failed=failed,
        setup_per_s=setup_rate(log, calls),
        held=peak,
        cpu_percent=cpu,
        sipp_cpu_percent=sipp_cpu,
        held_p50_ms=float(np.median([r["late_p50_ms"] for r in held])) if held else 0.0,
        held_p99_ms=float(np.median([r["late_p99_ms"] for r in held])) if held else 0.0,
        held_worst_p99_ms=max((r["late_p99_ms"] for r in held), default=0.0),
        held_max_ms=max((r["late_max_ms"] for r in held), default=0.0),
        held_late_share=late_share(held),
        setup_p99_ms=max((r["late_p99_ms"] for r in setting_up), default=0.0),
        setup_max_ms=max((r["late_max_ms"] for r in setting_up), default=0.0),
        setup_late_share=late_share(setting_up),
        packets_sent=int(final["packets_sent"]),
        packets_received=int(final["packets_received"]),
        packets_lost=int(final["packets_lost"]),
        digits_missed=calls - digits,
    )


def late_share(reports: list[dict[str, float]]) -> float:
    """Of the frames paced in these intervals, the share sent more than 5 ms late."""
    paced = sum(int(r["paced"]) for r in reports)
    return sum(int(r["late_over_5ms"]) for r in reports) / paced if paced else 0.0


def calls_failed(workdir: Path) -> int:
    out = (workdir / "callers.out").read_text(errors="replace")
    found = re.findall(r"Failed call\s*\|\s*\d+\s*\|\s*(\d+)", out)
    return int(found[-1]) if found else -1


def print_table(results: list[Result]) -> None:
    print(
        "| calls | failed | set-ups/s | held | node CPU % (held) | sipp CPU % "
        "| lateness held p50 / p99 / worst-second p99 / max ms | held frames > 5 ms late "
        "| lateness during set-up p99 / max ms | set-up frames > 5 ms late "
        "| RTP sent | RTP received | lost | DTMF missed |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r.calls} | {r.failed} | {r.setup_per_s:.0f} | {r.held} | {r.cpu_percent:.0f} "
            f"| {r.sipp_cpu_percent:.0f} "
            f"| {r.held_p50_ms:.1f} / {r.held_p99_ms:.1f} / {r.held_worst_p99_ms:.1f} "
            f"/ {r.held_max_ms:.1f} | {100 * r.held_late_share:.3f} % "
            f"| {r.setup_p99_ms:.1f} / {r.setup_max_ms:.1f} | {100 * r.setup_late_share:.3f} % "
            f"| {r.packets_sent} | {r.packets_received} | {r.packets_lost} | {r.digits_missed} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", default="100", help="comma-separated call counts, e.g. 100,500")
    parser.add_argument("--rate", type=float, default=50, help="calls offered per second")
    parser.add_argument("--hold", type=float, default=20, help="seconds each call lasts")
    parser.add_argument("--digit-at", type=float, default=5, help="second of the key press")
    parser.add_argument("--keep", type=Path, help="keep the logs (node, sipp) in this directory")
    parser.add_argument(
        "--cores",
        default="0,1" if (os.cpu_count() or 1) >= 2 else "",
        help="CPU for the node and CPU for sipp, e.g. 0,1 (the default on 2+ CPUs: the node "
        "gets one core to itself); empty: let the kernel place them",
    )
    parser.add_argument(
        "--database-url",
        help="the node's database, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/bench "
        "(empty; one run per database); default SQLite in the run's directory",
    )
    args = parser.parse_args()
    cores = tuple(int(c) for c in args.cores.split(",")) if args.cores else None
    if cores is not None and len(cores) != 2:
        parser.error("--cores takes two CPU numbers, e.g. 0,1")
    if not args.digit_at + 0.3 < args.hold:
        parser.error("--digit-at must fall inside the call (--hold)")
    results = []
    for calls in (int(n) for n in args.calls.split(",")):
        if args.keep is not None:
            workdir = args.keep / f"{calls}-calls"
            workdir.mkdir(parents=True)
            results.append(
                run(calls, args.rate, args.hold, args.digit_at, workdir, cores, args.database_url)
            )
            continue
        with tempfile.TemporaryDirectory(prefix="ivrd-load-") as tmp:
            results.append(
                run(calls, args.rate, args.hold, args.digit_at, Path(tmp), cores, args.database_url)
            )
    placed = f"node on CPU {cores[0]}, sipp on CPU {cores[1]}" if cores else "not pinned"
    print(f"# {os.cpu_count()} CPUs ({placed}), load average {os.getloadavg()[0]:.1f} at the end")
    print_table(results)


if __name__ == "__main__":
    main()
