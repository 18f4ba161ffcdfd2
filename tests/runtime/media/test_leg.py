"""A leg against a real UDP peer on 127.0.0.1: pacing, exact audio, barge-in, latching."""

from __future__ import annotations

import asyncio
import itertools

import numpy as np
import pytest

from ivrd.media.stored import StoredAudio
from ivrd.rtp import g711
from ivrd.runtime.media import MediaEngine, PlaybackFinished
from ivrd.runtime.media.engine import rtp_host
from ivrd.runtime.media.leg import Leg
from ivrd.runtime.media.playout import Playout
from ivrd.runtime.media.receiver import Receiver
from tests.cycles import left_in_cycles

from .peer import SETTINGS, Arrival, Peer, eventually, key_press, rtp, run, settle

PT_EVENT = 101


def tone(ms: int, step: int = 37) -> StoredAudio:
    samples = np.arange(8 * ms, dtype=np.int32) * step % 20000 - 10000
    return StoredAudio.from_pcm(samples.astype("<i2").tobytes())


def assert_continuous(arrivals: list[Arrival]) -> None:
    packets = [a.packet for a in arrivals]
    assert len({p.ssrc for p in packets}) == 1
    for before, after in itertools.pairwise(packets):
        assert after.sequence_number == (before.sequence_number + 1) & 0xFFFF
        assert after.timestamp == (before.timestamp + 160) & 0xFFFFFFFF


def test_a_prompt_is_paced_at_20_ms_with_its_exact_bytes() -> None:
    async def scenario() -> None:
        engine = MediaEngine(asyncio.get_running_loop(), SETTINGS)
        peer = Peer()
        leg = engine.open_leg(g711.PT_PCMU, PT_EVENT)
        assert 26000 <= leg.local_port <= 26999 and leg.local_port % 2 == 0
        leg.set_remote(peer.address)
        done: list[PlaybackFinished] = []
        audio = tone(1010)  # 50.5 frames: the last one is padded with silence
        leg.play(audio, "welcome", done.append)
        arrivals = await peer.wait_for(51)
        await eventually(lambda: bool(done))
        assert done == [PlaybackFinished("welcome", False, 51)]
        packets = [a.packet for a in arrivals]
        assert b"".join(p.payload for p in packets) == audio.ulaw + b"\xff" * 80
        assert {p.payload_type for p in packets} == {g711.PT_PCMU}
        assert [p.marker for p in packets] == [True] + [False] * 50
        assert {a.source for a in arrivals} == {leg.local_address}
        assert_continuous(arrivals)
        start = arrivals[0].at
        drift = [a.at - start - 0.02 * i for i, a in enumerate(arrivals)]
        assert max(abs(d) for d in drift) < 0.06, drift  # paced: never a burst, never slow
        gaps = sorted(b.at - a.at for a, b in itertools.pairwise(arrivals))
        assert 0.017 < gaps[len(gaps) // 2] < 0.023, gaps  # the median spacing is 20 ms
        await settle(0.1)
        assert len(peer.arrivals) == 51  # nothing once the prompt is over
        assert leg.stats().packets_sent == 51
        assert engine.lateness.count == 51
        engine.close()
        peer.close()

    run(scenario())


def test_pcma_leg_encodes_raw_pcm_once() -> None:
    async def scenario() -> None:
        engine = MediaEngine(asyncio.get_running_loop(), SETTINGS)
        peer = Peer()
        leg = engine.open_leg(g711.PT_PCMA)
        leg.set_remote(peer.address)
        pcm = tone(100, step=91).pcm
        leg.play(pcm, "raw")
        arrivals = await peer.wait_for(5)
        assert b"".join(a.packet.payload for a in arrivals) == g711.alaw_encode(pcm)
        assert {a.packet.payload_type for a in arrivals} == {g711.PT_PCMA}
        engine.close()
        peer.close()

    run(scenario())


def test_queued_items_form_one_talkspurt() -> None:
    async def scenario() -> None:
        engine = MediaEngine(asyncio.get_running_loop(), SETTINGS)
        peer = Peer()
        leg = engine.open_leg(g711.PT_PCMU)
        leg.set_remote(peer.address)
        done: list[PlaybackFinished] = []
        leg.play(tone(40), "first", done.append)
        leg.play_silence(30, "pause", done.append)
        leg.play(tone(40, step=11), "second", done.append)
        arrivals = await peer.wait_for(6)
        await eventually(lambda: len(done) == 3)
        assert [(d.play_id, d.frames, d.interrupted) for d in done] == [
            ("first", 2, False), ("pause", 2, False), ("second", 2, False),
        ]  # fmt: skip
        assert [a.packet.payload for a in arrivals[2:4]] == [b"\xff" * 160] * 2
        assert [a.packet.marker for a in arrivals] == [True] + [False] * 5
        assert_continuous(arrivals)
        engine.close()
        peer.close()

    run(scenario())


def test_barge_in_stops_at_once_and_the_next_play_is_a_new_talkspurt() -> None:
    async def scenario() -> None:
        engine = MediaEngine(asyncio.get_running_loop(), SETTINGS)
        peer = Peer()
        leg = engine.open_leg(g711.PT_PCMU)
        leg.set_remote(peer.address)
        done: list[PlaybackFinished] = []
        leg.play(tone(3000), "long", done.append)
        leg.play_silence(1000, "after", done.append)
        await peer.wait_for(8)
        assert leg.playing
        assert leg.stop_playback() == 2
        assert not leg.playing
        await settle(0.06)
        stopped_at = len(peer.arrivals)
        await eventually(lambda: len(done) == 2)
        assert done[0].play_id == "long" and done[0].interrupted
        assert done[0].frames == stopped_at
        assert done[1] == PlaybackFinished("after", True, 0)
        await settle(0.1)
        assert len(peer.arrivals) == stopped_at
        leg.play_silence(60, "beep")
        resumed = (await peer.wait_for(stopped_at + 3))[stopped_at - 1 :]
        last, first_new = resumed[0].packet, resumed[1].packet
        assert first_new.marker and not resumed[2].packet.marker
        assert first_new.sequence_number == (last.sequence_number + 1) & 0xFFFF
        gap = (first_new.timestamp - last.timestamp) & 0xFFFFFFFF
        assert gap % 160 == 0
        elapsed = resumed[1].at - resumed[0].at
        assert elapsed > 0.15  # the pause was real...
        assert abs(gap / 8000 - elapsed) < 0.045  # ...and the timestamp followed the wall clock
        engine.close()
        peer.close()

    run(scenario())


def test_hold_and_no_remote_send_nothing_but_time_runs() -> None:
    async def scenario() -> None:
        engine = MediaEngine(asyncio.get_running_loop(), SETTINGS)
        peer = Peer()
        leg = engine.open_leg(g711.PT_PCMU)
        done: list[PlaybackFinished] = []
        leg.play(tone(60), "unsent", done.append)  # no remote yet
        await eventually(lambda: bool(done), timeout=1)
        assert done == [PlaybackFinished("unsent", False, 3)]
        leg.set_remote(peer.address)
        leg.hold(True)
        leg.play(tone(60), "held")
        await settle(0.12)
        assert peer.arrivals == []
        leg.hold(False)
        leg.play(tone(40), "resumed")
        arrivals = await peer.wait_for(2)
        assert arrivals[0].packet.marker
        assert leg.stats().packets_sent == 2
        engine.close()
        peer.close()

    run(scenario())


def test_latching_follows_the_first_source_then_drops_others() -> None:
    async def scenario() -> None:
        engine = MediaEngine(asyncio.get_running_loop(), SETTINGS)
        signalled, nat, intruder = Peer(), Peer(), Peer()
        leg = engine.open_leg(g711.PT_PCMU)
        leg.set_remote(signalled.address)
        nat.send(rtp(0, 1, 160, 0xABC, b"\xff" * 160), leg.local_address)
        await eventually(lambda: leg.remote == nat.address)
        leg.set_remote(signalled.address)  # the same SDP again: the latch holds
        intruder.send(rtp(0, 9, 160, 0xDEF, b"\xff" * 160), leg.local_address)
        await eventually(lambda: leg.stats().dropped_foreign == 1)
        leg.play(tone(40), "hello")
        await nat.wait_for(2)
        assert signalled.arrivals == [] and intruder.arrivals == []
        leg.set_remote(intruder.address)  # a re-INVITE: new SDP address, the latch re-opens
        leg.play(tone(20), "again")
        await intruder.wait_for(1)
        assert leg.stats().audio_received == 1
        engine.close()
        for peer in (signalled, nat, intruder):
            peer.close()

    run(scenario())


def test_rtp_host_comes_from_the_sip_listen_address() -> None:
    assert rtp_host("127.0.0.1:5070") == "127.0.0.1"
    assert rtp_host("[::1]:5070") == "::1"
    for bad in ("localhost", ":5070", "host:port"):
        try:
            rtp_host(bad)
        except ValueError as exc:
            assert str(exc) == f"SIP listen address {bad!r} is not host:port"
        else:
            raise AssertionError(bad)


def test_the_media_plane_runs_on_uvloop_too() -> None:
    uvloop = pytest.importorskip("uvloop")

    async def scenario() -> None:
        engine = MediaEngine(asyncio.get_running_loop(), SETTINGS)
        phone = Peer()
        leg = engine.open_leg(g711.PT_PCMU, PT_EVENT)
        digits: list[str] = []
        leg.on_digit = digits.append
        for packet in key_press(8, PT_EVENT, seq=1, ts=160, ssrc=3):
            phone.send(packet, leg.local_address)
        await eventually(lambda: digits == ["8"])
        assert leg.remote == phone.address  # latched
        leg.play(tone(100), "on uvloop")
        arrivals = await phone.wait_for(5)
        assert_continuous(arrivals)
        engine.close()
        phone.close()

    uvloop.run(scenario())


def test_a_closed_leg_is_freed_without_the_cycle_collector() -> None:
    """The leg's playout and receiver call back into it, and ``on_digit`` into the call that
    holds it: closing must break those cycles (the node leaves full collections for later)."""

    class Call:
        def __init__(self) -> None:
            self.digits: list[str] = []

    async def scenario() -> None:
        engine = MediaEngine(asyncio.get_running_loop(), SETTINGS)
        peer = Peer()
        other = engine.open_leg(g711.PT_PCMU, PT_EVENT)

        def call_with_legs() -> Call:
            call = Call()
            leg = engine.open_leg(g711.PT_PCMU, PT_EVENT)
            leg.on_digit = call.digits.append
            call.leg = leg  # type: ignore[attr-defined]
            leg.set_remote(peer.address)
            leg.play(tone(100), "prompt", lambda event: None)
            engine.bridge(leg, other)
            leg.close()
            return call

        assert left_in_cycles(call_with_legs, Call, Leg, Receiver, Playout) == []
        engine.close()
        peer.close()

    run(scenario())
