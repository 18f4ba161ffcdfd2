"""What a leg does with what arrives: key presses, junk, recordings; and closing cleanly."""

from __future__ import annotations

import asyncio
import struct
import time
from pathlib import Path

import pytest

from ivrd.media.stored import StoredAudio, read_stored
from ivrd.rtp import g711
from ivrd.runtime.media import LegClosed, MediaEngine, MediaError, PlaybackFinished

from .peer import (
    SETTINGS,
    Peer,
    eventually,
    key_press,
    open_fds,
    reader_count,
    rtp,
    run,
    settle,
)

PT_EVENT = 101
SIPP_CAPTURES = Path("/usr/share/sip-tester")


def udp_payloads(pcap: Path) -> list[bytes]:
    """The UDP payloads of an Ethernet/IPv4 capture, in order."""
    data = pcap.read_bytes()
    assert struct.unpack_from("<IHHiIII", data)[::6] == (0xA1B2C3D4, 1)
    payloads, offset = [], 24
    while offset < len(data):
        size = struct.unpack_from("<IIII", data, offset)[2]
        frame = data[offset + 16 : offset + 16 + size]
        ip_header = (frame[14] & 0x0F) * 4
        payloads.append(frame[14 + ip_header + 8 :])
        offset += 16 + size
    return payloads


def test_rfc4733_key_presses_are_reported_once_each() -> None:
    async def scenario() -> None:
        engine = MediaEngine(asyncio.get_running_loop(), SETTINGS)
        phone = Peer()
        leg = engine.open_leg(g711.PT_PCMU, PT_EVENT)
        digits: list[str] = []
        leg.on_digit = digits.append
        for packet in key_press(5, PT_EVENT, seq=100, ts=8000, ssrc=0x1234):
            phone.send(packet, leg.local_address)
        await eventually(lambda: digits == ["5"])
        for packet in key_press(11, PT_EVENT, seq=109, ts=12000, ssrc=0x1234, starts=0):
            phone.send(packet, leg.local_address)  # start packets lost: the end still counts
        await eventually(lambda: digits == ["5", "#"])
        for packet in key_press(9, PT_EVENT, seq=112, ts=16000, ssrc=0x1234, ends=0):
            phone.send(packet, leg.local_address)  # every end packet lost: reported on timeout
        await eventually(lambda: digits == ["5", "#", "9"], timeout=1.0)
        await settle(0.3)
        assert digits == ["5", "#", "9"]
        stats = leg.stats()
        assert (stats.events_received, stats.digits) == (6 + 3 + 3, 3)
        assert stats.lost == 3  # the three start packets of '#' were never sent
        report = engine.report()
        assert (report.legs_open, report.digits, report.packets_lost) == (1, 3, 3)
        leg.close()
        report = engine.report()
        assert (report.legs_open, report.legs_opened, report.digits) == (0, 1, 3)
        assert report.packets_received == 12
        engine.close()
        phone.close()

    run(scenario())


@pytest.mark.skipif(not SIPP_CAPTURES.is_dir(), reason="sipp's captures (sip-tester) absent")
def test_sipp_dtmf_captures_give_their_digit_once_per_call() -> None:
    async def scenario() -> None:
        engine = MediaEngine(asyncio.get_running_loop(), SETTINGS)
        phone = Peer()
        for name, digit in (("1", "1"), ("star", "*"), ("pound", "#")):
            leg = engine.open_leg(g711.PT_PCMU, PT_EVENT)
            digits: list[str] = []
            leg.on_digit = digits.append
            for _ in range(2):  # sipp replays the same SSRC and timestamps
                for payload in udp_payloads(SIPP_CAPTURES / f"dtmf_2833_{name}.pcap"):
                    phone.send(payload, leg.local_address)
            await eventually(lambda: leg.stats().events_received == 20)  # noqa: B023
            await settle(0.05)
            assert digits == [digit]
            leg.close()
        engine.close()
        phone.close()

    run(scenario())


def test_non_rtp_and_unnegotiated_payloads_are_dropped() -> None:
    async def scenario() -> None:
        engine = MediaEngine(asyncio.get_running_loop(), SETTINGS)
        phone = Peer()
        leg = engine.open_leg(g711.PT_PCMU, PT_EVENT)
        digits: list[str] = []
        leg.on_digit = digits.append
        junk = [
            b"hello",  # shorter than a header
            b"\r\n\r\n" * 4,  # SIP keepalive
            b"\x00\x01\x00\x00\x21\x12\xa4\x42" + bytes(12),  # STUN binding request
            b"\x40" + bytes(20),  # RTP version 1
        ]
        for datagram in junk:
            phone.send(datagram, leg.local_address)
        await eventually(lambda: leg.stats().dropped_non_rtp == 4)
        assert leg.last_received_at is None  # junk does not count as the peer being alive
        before = time.monotonic()
        phone.send(rtp(13, 1, 0, 7, b"\x40"), leg.local_address)  # comfort noise
        phone.send(rtp(PT_EVENT, 2, 0, 7, b"\x05"), leg.local_address)  # event payload too short
        for packet in key_press(3, PT_EVENT, seq=3, ts=160, ssrc=7):
            phone.send(packet, leg.local_address)
        await eventually(lambda: digits == ["3"])
        assert leg.last_received_at is not None and leg.last_received_at >= before
        stats = leg.stats()
        assert (stats.dropped_non_rtp, stats.dropped_other_pt) == (4, 1)
        assert stats.events_received == 7
        engine.close()
        phone.close()

    run(scenario())


def test_recording_lays_packets_out_by_timestamp(tmp_path: Path) -> None:
    async def scenario(tmp: Path) -> None:
        engine = MediaEngine(asyncio.get_running_loop(), SETTINGS)
        phone = Peer()
        leg = engine.open_leg(g711.PT_PCMU, PT_EVENT)
        leg.start_recording(tmp / "msg" / "vm.wav")
        with pytest.raises(MediaError, match="is already recording to"):
            leg.start_recording(tmp / "other.wav")
        frames = [bytes([code]) * 160 for code in (0x10, 0x20, 0x30)]
        # 1000, then 1480 before 1160 (reordered); 1320 lost; a key press in between
        for ts, frame in ((1000, frames[0]), (1480, frames[2]), (1160, frames[1])):
            phone.send(rtp(0, ts // 160, ts, 0x77, frame), leg.local_address)
        for packet in key_press(1, PT_EVENT, seq=50, ts=1640, ssrc=0x77):
            phone.send(packet, leg.local_address)
        await eventually(lambda: leg.stats().audio_received == 3)
        saved_future = leg.stop_recording()
        assert saved_future is not None
        saved = await saved_future
        assert saved.duration_ms == 80
        expected = frames[0] + frames[1] + b"\xff" * 160 + frames[2]
        assert read_stored(saved.path).pcm == g711.ulaw_decode(expected).tobytes()
        assert leg.stop_recording() is None
        engine.close()
        phone.close()

    run(scenario(tmp_path))


def test_hanging_up_mid_recording_still_saves_it(tmp_path: Path) -> None:
    async def scenario(tmp: Path) -> None:
        engine = MediaEngine(asyncio.get_running_loop(), SETTINGS)
        phone = Peer()
        leg = engine.open_leg(g711.PT_PCMA)
        leg.start_recording(tmp / "hangup.wav")
        phone.send(rtp(8, 1, 99, 5, b"\xd5" * 160), leg.local_address)
        await eventually(lambda: leg.stats().audio_received == 1)
        saved = await engine.aclose()
        assert [(s.path.name, s.duration_ms) for s in saved] == [("hangup.wav", 20)]
        assert read_stored(tmp / "hangup.wav").pcm == g711.alaw_decode(b"\xd5" * 160).tobytes()
        phone.close()

    run(scenario(tmp_path))


def test_closing_frees_sockets_readers_and_reports_cut_plays() -> None:
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        fds, readers = open_fds(), reader_count(loop)
        engine = MediaEngine(loop, SETTINGS)
        engine_fds = open_fds() - fds  # the epoll set, where the platform has one
        legs = [engine.open_leg(g711.PT_PCMU, PT_EVENT) for _ in range(4)]
        assert len(engine._poller) == 4
        assert reader_count(loop) == readers  # the wheel reads the sockets, not the loop
        assert len(open_fds() - fds - engine_fds) == 4
        done: list[PlaybackFinished] = []
        legs[0].set_remote(("127.0.0.1", 9))
        legs[0].play(StoredAudio.from_pcm(bytes(3200)), "cut", done.append)
        engine.bridge(legs[2], legs[3])
        legs[1].close()
        assert engine.legs == 3
        engine.close()
        assert engine.legs == 0 and engine._scheduler._handle is None
        assert len(engine._poller) == 0
        assert reader_count(loop) == readers
        assert open_fds() == fds  # the epoll set is closed too
        await eventually(lambda: bool(done))
        assert done == [PlaybackFinished("cut", True, done[0].frames)]
        with pytest.raises(LegClosed, match=f"leg {legs[0].local_port} is closed"):
            legs[0].play(bytes(320), "late")
        legs[0].close()  # twice is harmless

    run(scenario())


def test_a_backlog_is_read_a_datagram_per_poll_until_the_socket_is_empty() -> None:
    async def scenario() -> None:
        engine = MediaEngine(asyncio.get_running_loop(), SETTINGS)
        phone = Peer()
        leg = engine.open_leg(g711.PT_PCMU)
        for seq in range(30):  # queued at once: read over a few ticks, none lost
            phone.send(rtp(0, seq, 160 * seq, 4, b"\xff" * 160), leg.local_address)
        await eventually(lambda: leg.stats().audio_received == 30)
        assert leg.stats().lost == 0
        engine.close()
        phone.close()

    run(scenario())
