from __future__ import annotations

import asyncio
import itertools
import time

import pytest

from ivrd.runtime.media.scheduler import FrameScheduler

from .peer import run


class Counter:
    """A stream that records the ideal instants it was served at."""

    def __init__(self, sends: bool = True) -> None:
        self.instants: list[float] = []
        self.sends = sends

    def tick(self, now: float) -> bool:
        self.instants.append(now)
        return self.sends


def test_each_stream_is_served_every_20_ms_from_its_own_slot() -> None:
    async def scenario() -> None:
        wheel = FrameScheduler(asyncio.get_running_loop())
        streams = [Counter() for _ in range(8)]
        for stream in streams:
            wheel.add(stream)
        await asyncio.sleep(0.3)
        wheel.close()
        phases = set()
        for stream in streams:
            assert len(stream.instants) >= 10
            steps = [b - a for a, b in itertools.pairwise(stream.instants)]
            assert steps == pytest.approx([0.02] * len(steps), abs=1e-9)
            phases.add(round((stream.instants[0] - streams[0].instants[0]) % 0.02, 4))
        assert phases == {0.0, 0.005, 0.01, 0.015}  # 8 streams spread two per slot
        assert wheel.lateness.count == sum(len(s.instants) for s in streams)

    run(scenario())


def test_a_stalled_loop_catches_up_every_missed_frame() -> None:
    async def scenario() -> None:
        wheel = FrameScheduler(asyncio.get_running_loop())
        stream = Counter()
        wheel.add(stream)
        await asyncio.sleep(0.05)
        time.sleep(0.1)  # block the loop: five frames are missed
        await asyncio.sleep(0.05)
        wheel.close()
        steps = [b - a for a, b in itertools.pairwise(stream.instants)]
        assert steps == pytest.approx([0.02] * len(steps), abs=1e-9)
        assert len(stream.instants) >= 9
        assert wheel.lateness.max_ms >= 60  # the frames sent after the stall were late
        assert wheel.ticks_dropped == 0

    run(scenario())


def test_the_wheel_stops_when_empty_and_counts_only_sent_frames() -> None:
    async def scenario() -> None:
        wheel = FrameScheduler(asyncio.get_running_loop())
        quiet = Counter(sends=False)
        wheel.add(quiet)
        wheel.add(quiet)  # added once only
        assert len(wheel) == 1
        await asyncio.sleep(0.1)
        wheel.remove(quiet)
        served = len(quiet.instants)
        assert served >= 3
        assert wheel._handle is None
        await asyncio.sleep(0.05)
        assert len(quiet.instants) == served
        assert wheel.lateness.count == 0

    run(scenario())


class Broken:
    def tick(self, now: float) -> bool:
        raise RuntimeError("bug")


def test_a_failing_stream_is_dropped_and_the_others_keep_their_pace(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def scenario() -> None:
        wheel = FrameScheduler(asyncio.get_running_loop())
        healthy, broken = Counter(), Broken()
        wheel.add(broken)
        wheel.add(healthy)
        await asyncio.sleep(0.1)
        assert len(wheel) == 1
        assert len(healthy.instants) >= 3
        wheel.close()

    with caplog.at_level("ERROR"):
        run(scenario())
    assert "is no longer paced" in caplog.text
