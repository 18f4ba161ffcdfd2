"""Negotiated formats: the codec known only after the SDP answer, dynamic numbers, re-INVITEs."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

import pytest

from ivrd.media.stored import read_stored
from ivrd.rtp import g711
from ivrd.runtime.media import MediaEngine

from .peer import SETTINGS, Peer, eventually, key_press, rtp, run, settle


@dataclass(frozen=True, slots=True)
class Session:
    """The fields of ``ivrd.sip.offer_answer.AudioSession`` that a leg reads."""

    remote_address: str
    remote_port: int
    codec: str
    payload_type: int
    telephone_event_pt: int | None
    can_send: bool = True


def test_apply_takes_the_law_the_dynamic_number_and_the_address() -> None:
    async def scenario() -> None:
        engine = MediaEngine(asyncio.get_running_loop(), SETTINGS)
        phone = Peer()
        leg = engine.open_leg()  # the port first: it goes into the SDP answer
        leg.play(bytes(1280), "queued before the answer")  # 4 frames
        leg.apply(Session(*phone.address, "pcma", 97, 98))
        assert (leg.codec_pt, leg.payload_type, leg.dtmf_pt) == (g711.PT_PCMA, 97, 98)
        arrivals = await phone.wait_for(4)
        assert {a.packet.payload_type for a in arrivals} == {97}
        assert {a.packet.payload for a in arrivals} == {g711.alaw_encode(bytes(320))}
        digits: list[str] = []
        leg.on_digit = digits.append
        phone.send(rtp(97, 1, 160, 9, b"\xd5" * 160), leg.local_address)
        for packet in key_press(2, 98, seq=2, ts=320, ssrc=9):
            phone.send(packet, leg.local_address)
        await eventually(lambda: digits == ["2"])
        assert leg.stats().audio_received == 1
        engine.close()
        phone.close()

    run(scenario())


def test_a_session_on_hold_sends_nothing_until_resumed() -> None:
    async def scenario() -> None:
        engine = MediaEngine(asyncio.get_running_loop(), SETTINGS)
        phone = Peer()
        leg = engine.open_leg()
        leg.apply(Session(*phone.address, "PCMU", 0, None, can_send=False))
        leg.play(bytes(640), "on hold")
        await settle(0.12)
        assert phone.arrivals == []
        leg.apply(Session("0.0.0.0", phone.address[1], "PCMU", 0, None, can_send=False))
        assert leg.remote == phone.address  # c=0.0.0.0 keeps the address for the resume
        leg.apply(Session(*phone.address, "PCMU", 0, None))
        leg.play(bytes(320), "resumed")
        await phone.wait_for(1)
        with pytest.raises(ValueError, match="codec 'G729' is not PCMU or PCMA"):
            leg.apply(Session(*phone.address, "G729", 18, None))
        with pytest.raises(ValueError, match=r"telephone-event payload type 0 is not in 0\.\.127"):
            leg.set_format(g711.PT_PCMU, 0)
        engine.close()
        phone.close()

    run(scenario())


def test_a_reinvite_changing_the_law_mid_bridge_and_mid_recording(tmp_path: Path) -> None:
    async def scenario() -> None:
        engine = MediaEngine(asyncio.get_running_loop(), SETTINGS)
        caller, callee = Peer(), Peer()
        a = engine.open_leg(g711.PT_PCMU)
        b = engine.open_leg(g711.PT_PCMU)
        a.set_remote(caller.address)
        b.set_remote(callee.address)
        engine.bridge(a, b)
        a.start_recording(tmp_path / "call.wav")
        caller.send(rtp(0, 1, 0, 5, b"\x10" * 160), a.local_address)
        await callee.wait_for(1)
        a.set_format(g711.PT_PCMA)  # the caller re-INVITEs to A-law
        caller.send(rtp(8, 2, 160, 5, b"\x20" * 160), a.local_address)
        relayed = await callee.wait_for(2)
        assert relayed[1].packet.payload == g711.ulaw_encode(g711.alaw_decode(b"\x20" * 160))
        assert relayed[1].packet.payload_type == g711.PT_PCMU
        saved = a.stop_recording()
        assert saved is not None
        recorded = read_stored((await saved).path).pcm
        expected = b"\x10" * 160 + g711.ulaw_encode(g711.alaw_decode(b"\x20" * 160))
        assert recorded == g711.ulaw_decode(expected).tobytes()
        engine.close()
        caller.close()
        callee.close()

    run(scenario())
