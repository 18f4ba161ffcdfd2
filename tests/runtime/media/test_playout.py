from __future__ import annotations

import pytest

from ivrd.media.stored import StoredAudio
from ivrd.rtp import g711
from ivrd.runtime.media.playout import PlaybackFinished, Playout, frames_for_ms

SILENCE = 0xFF


def sound(ulaw: bytes) -> StoredAudio:
    """A sound whose A-law form differs from its μ-law form byte by byte."""
    return StoredAudio(bytes(2 * len(ulaw)), ulaw, bytes(b ^ 0x55 for b in ulaw))


class Log:
    def __init__(self) -> None:
        self.events: list[PlaybackFinished] = []

    def notify(self, event: PlaybackFinished, on_done: object) -> None:
        assert on_done == self.on_done
        self.events.append(event)

    def on_done(self, event: PlaybackFinished) -> None:
        raise AssertionError("the playout must hand callbacks to notify, not call them")


def drain(playout: Playout) -> list[bytes]:
    frames = []
    while (frame := playout.next_frame()) is not None:
        frames.append(frame)
    return frames


def test_audio_is_sliced_into_frames_and_the_last_one_padded() -> None:
    log = Log()
    playout = Playout(g711.PT_PCMU, log.notify)
    audio = bytes(range(256)) * 2  # 512 bytes: 3 frames + 32 bytes
    playout.add_audio(sound(audio), "p1", log.on_done)
    frames = drain(playout)
    assert [len(frame) for frame in frames] == [160] * 4
    assert b"".join(frames) == audio + bytes([SILENCE]) * (640 - 512)
    assert log.events == [PlaybackFinished("p1", False, 4)]


def test_items_play_in_order_and_silence_rounds_up_to_frames() -> None:
    log = Log()
    playout = Playout(g711.PT_PCMU, log.notify)
    playout.add_audio(sound(b"\x01" * 160), "a", log.on_done)
    playout.add_silence(50, "s", log.on_done)
    playout.add_audio(sound(b"\x02" * 320), "b", log.on_done)
    frames = drain(playout)
    assert frames == [b"\x01" * 160] + [bytes([SILENCE]) * 160] * 3 + [b"\x02" * 160] * 2
    assert [(e.play_id, e.frames) for e in log.events] == [("a", 1), ("s", 3), ("b", 2)]
    assert not playout.busy


def test_stop_reports_current_and_queued_items_interrupted() -> None:
    log = Log()
    playout = Playout(g711.PT_PCMU, log.notify)
    playout.add_audio(sound(b"\x01" * 1600), "long", log.on_done)
    playout.add_silence(100, "pause", log.on_done)
    playout.next_frame()
    playout.next_frame()
    assert playout.stop() == 2
    assert log.events == [
        PlaybackFinished("long", True, 2),
        PlaybackFinished("pause", True, 0),
    ]
    assert playout.next_frame() is None
    assert playout.stop() == 0


def test_empty_items_finish_at_once() -> None:
    log = Log()
    playout = Playout(g711.PT_PCMU, log.notify)
    playout.add_audio(sound(b""), "nothing", log.on_done)
    playout.add_silence(0, "no pause", log.on_done)
    assert not playout.busy
    assert [e.play_id for e in log.events] == ["nothing", "no pause"]
    assert all(not e.interrupted for e in log.events)


def test_frames_for_ms() -> None:
    assert [frames_for_ms(ms) for ms in (0, 1, 20, 21, 1000)] == [0, 1, 1, 2, 50]
    with pytest.raises(ValueError, match="duration must not be negative, got -5 ms"):
        frames_for_ms(-5)
    with pytest.raises(ValueError, match="frames played must not be negative"):
        PlaybackFinished("x", False, -1)


def test_the_law_can_change_between_frames() -> None:
    log = Log()
    playout = Playout(g711.PT_PCMU, log.notify)
    playout.add_audio(sound(b"\x01" * 320), "p", log.on_done)
    assert playout.next_frame() == b"\x01" * 160
    playout.set_codec(g711.PT_PCMA)
    assert playout.next_frame() == b"\x54" * 160
    playout.add_silence(20, "s", log.on_done)
    assert playout.next_frame() == bytes([g711.ALAW_SILENCE]) * 160
    with pytest.raises(ValueError, match=r"codec payload type 9 is not G\.711"):
        playout.set_codec(9)
