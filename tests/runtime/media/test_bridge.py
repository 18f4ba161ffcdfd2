"""B2BUA relay between two legs, each with its own phone on 127.0.0.1."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from ivrd.rtp import g711
from ivrd.runtime.media import MediaEngine, MediaError, PlaybackFinished
from ivrd.runtime.media.bridge import transcode_table

from .peer import SETTINGS, Arrival, Peer, eventually, key_press, rtp, run, settle

CALLER_EVENT, CALLEE_EVENT = 101, 96


def talk(peer: Peer, to: tuple[str, int], ssrc: int, codes: bytes, pt: int = 0) -> None:
    for i, code in enumerate(codes):
        peer.send(rtp(pt, 500 + i, 90_000 + 160 * i, ssrc, bytes([code]) * 160), to)


def assert_rewritten(arrivals: list[Arrival], source_ssrc: int) -> None:
    packets = [a.packet for a in arrivals]
    assert len({p.ssrc for p in packets}) == 1 and packets[0].ssrc != source_ssrc
    assert packets[0].marker and not any(p.marker for p in packets[1:])
    for before, after in itertools.pairwise(packets):
        assert after.sequence_number == (before.sequence_number + 1) & 0xFFFF
        assert after.timestamp == (before.timestamp + 160) & 0xFFFFFFFF


def test_bridge_relays_both_ways_as_each_legs_own_stream() -> None:
    async def scenario() -> None:
        engine = MediaEngine(asyncio.get_running_loop(), SETTINGS)
        caller, callee = Peer(), Peer()
        a = engine.open_leg(g711.PT_PCMU, CALLER_EVENT)
        b = engine.open_leg(g711.PT_PCMU, CALLEE_EVENT)
        a.set_remote(caller.address)
        b.set_remote(callee.address)
        done: list[PlaybackFinished] = []
        a.play(bytes(16000), "ringback", done.append)
        engine.bridge(a, b)
        await eventually(lambda: bool(done))
        assert done[0].interrupted
        with pytest.raises(MediaError, match="is already bridged"):
            engine.bridge(a, b)
        talk(caller, a.local_address, 0x1111, b"\x10\x11\x12\x13\x14")
        at_callee = await callee.wait_for(5)
        assert [x.packet.payload[0] for x in at_callee] == list(b"\x10\x11\x12\x13\x14")
        assert {x.source for x in at_callee} == {b.local_address}
        assert_rewritten(at_callee, 0x1111)
        talk(callee, b.local_address, 0x2222, b"\x20\x21\x22")
        at_caller = await caller.wait_for(3)
        assert [x.packet.payload[0] for x in at_caller] == list(b"\x20\x21\x22")
        assert {x.source for x in at_caller} == {a.local_address}
        assert_rewritten(at_caller, 0x2222)
        engine.close()
        caller.close()
        callee.close()

    run(scenario())


def test_key_presses_are_relayed_with_the_targets_event_type_and_still_detected() -> None:
    async def scenario() -> None:
        engine = MediaEngine(asyncio.get_running_loop(), SETTINGS)
        caller, callee = Peer(), Peer()
        a = engine.open_leg(g711.PT_PCMU, CALLER_EVENT)
        b = engine.open_leg(g711.PT_PCMU, CALLEE_EVENT)
        a.set_remote(caller.address)
        b.set_remote(callee.address)
        digits: list[str] = []
        a.on_digit = digits.append
        engine.bridge(b, a)
        talk(caller, a.local_address, 0x33, b"\x01\x02")
        for packet in key_press(7, CALLER_EVENT, seq=502, ts=90_320, ssrc=0x33):
            caller.send(packet, a.local_address)
        relayed = await callee.wait_for(8)
        events = [x.packet for x in relayed[2:]]
        assert {p.payload_type for p in events} == {CALLEE_EVENT}
        assert [p.payload for p in events] == [
            x[12:] for x in key_press(7, CALLER_EVENT, seq=0, ts=0, ssrc=0)
        ]
        assert len({p.timestamp for p in events}) == 1  # one event, one timestamp
        assert events[0].timestamp == (relayed[1].packet.timestamp + 160) & 0xFFFFFFFF
        await eventually(lambda: digits == ["7"])
        engine.close()
        caller.close()
        callee.close()

    run(scenario())


def test_bridging_pcmu_to_pcma_transcodes_and_drops_events_the_target_lacks() -> None:
    async def scenario() -> None:
        engine = MediaEngine(asyncio.get_running_loop(), SETTINGS)
        caller, callee = Peer(), Peer()
        a = engine.open_leg(g711.PT_PCMU, CALLER_EVENT)
        b = engine.open_leg(g711.PT_PCMA)  # no telephone-event negotiated
        a.set_remote(caller.address)
        b.set_remote(callee.address)
        engine.bridge(a, b)
        codes = bytes(range(0, 256, 51))
        talk(caller, a.local_address, 0x44, codes)
        for packet in key_press(1, CALLER_EVENT, seq=600, ts=99_000, ssrc=0x44):
            caller.send(packet, a.local_address)
        relayed = await callee.wait_for(len(codes))
        await settle(0.05)
        assert len(callee.arrivals) == len(codes)
        expected = g711.alaw_encode(g711.ulaw_decode(bytes(codes)))
        assert bytes(x.packet.payload[0] for x in relayed) == expected
        assert {x.packet.payload_type for x in relayed} == {g711.PT_PCMA}
        engine.close()
        caller.close()
        callee.close()

    run(scenario())


def test_unbridge_stops_the_relay_and_each_leg_plays_again() -> None:
    async def scenario() -> None:
        engine = MediaEngine(asyncio.get_running_loop(), SETTINGS)
        caller, callee = Peer(), Peer()
        a = engine.open_leg(g711.PT_PCMU)
        b = engine.open_leg(g711.PT_PCMU)
        a.set_remote(caller.address)
        b.set_remote(callee.address)
        engine.bridge(a, b)
        talk(caller, a.local_address, 0x55, b"\x01\x02")
        relayed = await callee.wait_for(2)
        engine.unbridge(b)
        assert a.partner is None and b.partner is None
        talk(caller, a.local_address, 0x55, b"\x03")
        await settle(0.06)
        assert len(callee.arrivals) == 2
        b.play(bytes(320), "back to the menu")
        own = (await callee.wait_for(3))[2].packet
        assert own.ssrc == relayed[0].packet.ssrc
        assert own.sequence_number == (relayed[1].packet.sequence_number + 1) & 0xFFFF
        assert own.marker
        a.close()  # closing a leg of a bridge unbridges it first
        engine.close()
        caller.close()
        callee.close()

    run(scenario())


def test_transcode_table_refuses_non_g711() -> None:
    assert transcode_table(0, 0) is None
    with pytest.raises(ValueError, match="cannot relay payload type 0 as 9"):
        transcode_table(0, 9)
