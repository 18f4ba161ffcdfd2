"""sipp as a real caller's media: its RTP stream and RFC 4733 captures reach a leg intact.

A few lines of SIP answer sipp's INVITE here (the SIP node is not this package's business);
what is checked is the media: sipp streams a μ-law WAV (``rtp_stream``) and replays the
sip-tester key captures from the same port, and the leg must see every packet (no loss by
sequence number), latch on sipp's port and report each key once, while it plays a prompt back.
"""

from __future__ import annotations

import asyncio
import importlib.util
import re
import shutil
import socket
import sys
from pathlib import Path
from types import ModuleType

import pytest

from ivrd.media.stored import StoredAudio
from ivrd.rtp import g711
from ivrd.runtime.media import Leg, MediaEngine

from ..ports import sipp_media_port
from ..sipp import free_udp_port
from .peer import SETTINGS, run

pytestmark = pytest.mark.skipif(
    shutil.which("sipp") is None or not Path("/usr/share/sip-tester/dtmf_2833_1.pcap").is_file(),
    reason="sipp (Debian sip-tester) with its DTMF captures is not installed",
)


def load_bench() -> ModuleType:
    path = Path(__file__).resolve().parents[3] / "bench" / "sip_media.py"
    spec = importlib.util.spec_from_file_location("sip_media", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["sip_media"] = module
    spec.loader.exec_module(module)
    return module


class MiniUas:
    """Answers one sipp INVITE with a leg's SDP, and its BYE; nothing more."""

    def __init__(self, engine: MediaEngine, prompt: StoredAudio) -> None:
        self.engine = engine
        self.prompt = prompt
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.setblocking(False)
        self.port: int = self.sock.getsockname()[1]
        self.legs: dict[str, Leg] = {}
        self.digits: list[str] = []
        self.byes = 0
        self.loop = asyncio.get_running_loop()
        self.loop.add_reader(self.sock.fileno(), self._read)

    def _read(self) -> None:
        while True:
            try:
                data, source = self.sock.recvfrom(65535)
            except BlockingIOError:
                return
            self._handle(data.decode(), source)

    def _handle(self, text: str, source: tuple[str, int]) -> None:
        head, _, body = text.partition("\r\n\r\n")
        method = head.split(" ", 1)[0]
        call_id = _header(head, "Call-ID")
        if method == "INVITE":
            leg = self.legs.get(call_id) or self._open(call_id, body)
            sdp = (
                f"v=0\r\no=ivrd 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                f"m=audio {leg.local_port} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
                f"a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"
            )
            self._respond(head, source, sdp)
        elif method == "BYE":
            self.byes += 1
            self._respond(head, source, "")

    def _open(self, call_id: str, offer: str) -> Leg:
        match = re.search(r"^m=audio (\d+) ", offer, re.MULTILINE)
        assert match is not None, offer
        leg = self.engine.open_leg(g711.PT_PCMU, 101)
        leg.set_remote(("127.0.0.1", int(match.group(1))))
        leg.on_digit = self.digits.append
        leg.play(self.prompt, "welcome")
        self.legs[call_id] = leg
        return leg

    def _respond(self, head: str, source: tuple[str, int], sdp: str) -> None:
        to = _header(head, "To")
        lines = [
            "SIP/2.0 200 OK",
            *(f"Via: {via}" for via in re.findall(r"^Via:\s*(.+)$", head, re.MULTILINE | re.I)),
            f"From: {_header(head, 'From')}",
            f"To: {to}" if ";tag=" in to else f"To: {to};tag=ivrd1",
            f"Call-ID: {_header(head, 'Call-ID')}",
            f"CSeq: {_header(head, 'CSeq')}",
            f"Contact: <sip:ivr@127.0.0.1:{self.port}>",
        ]
        if sdp:
            lines.append("Content-Type: application/sdp")
        lines.append(f"Content-Length: {len(sdp)}")
        self.sock.sendto(("\r\n".join(lines) + "\r\n\r\n" + sdp).encode(), source)

    def close(self) -> None:
        self.loop.remove_reader(self.sock.fileno())
        self.sock.close()


def _header(head: str, name: str) -> str:
    match = re.search(rf"^{name}:\s*(.+?)\s*$", head, re.MULTILINE | re.IGNORECASE)
    assert match is not None, f"{name} missing in {head!r}"
    return match.group(1)


def test_sipp_caller_media_reaches_a_leg_without_loss(tmp_path: Path) -> None:
    bench = load_bench()
    wav = bench.write_ulaw_wav(tmp_path / "voice.wav", 1.0)
    scenario = tmp_path / "caller.xml"
    scenario.write_text(bench.caller_scenario(wav, "1#", talk_ms=600))

    async def scenario_run() -> None:
        engine = MediaEngine(asyncio.get_running_loop(), SETTINGS)
        uas = MiniUas(engine, StoredAudio.from_pcm(bytes(2 * 8000 * 3)))
        try:
            await _call_and_check(uas, tmp_path, scenario)
        finally:
            engine.close()
            uas.close()

    run(scenario_run())


async def _call_and_check(uas: MiniUas, tmp_path: Path, scenario: Path) -> None:
    command = [
        "sipp", f"127.0.0.1:{uas.port}", "-sf", str(scenario), "-i", "127.0.0.1",
        "-mi", "127.0.0.1", "-p", str(free_udp_port()), "-mp", str(sipp_media_port()),
        "-m", "1", "-nostdin", "-timeout", "15", "-timeout_error", "-trace_err",
    ]  # fmt: skip
    sipp = await asyncio.create_subprocess_exec(
        *command, cwd=tmp_path, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await asyncio.wait_for(sipp.communicate(), 30)
    errors = "".join(p.read_text() for p in tmp_path.glob("*errors.log"))
    assert sipp.returncode == 0, (stderr.decode()[-2000:], errors[-2000:])
    assert uas.byes == 1
    (leg,) = uas.legs.values()
    stats = leg.stats()
    await asyncio.sleep(0.05)
    assert uas.digits == ["1", "#"]
    assert stats.audio_received >= 40  # ~1.7 s of 20 ms frames
    assert stats.lost == 0, stats
    assert stats.dropped_foreign == 0  # the captures came from sipp's RTP port too
    assert stats.packets_sent > 40 and stats.send_errors == 0, stats
