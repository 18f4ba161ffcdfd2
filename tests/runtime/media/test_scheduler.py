from __future__ import annotations

import asyncio
import itertools

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
            phases.add(round((stream.instants[0] - streams[0].instants[0]) / 0.005) % 4)
        assert phases == {0, 1, 2, 3}  # 8 streams spread two per slot, 5 ms apart
        assert wheel.lateness.count == sum(len(s.instants) for s in streams)

    run(scenario())


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_stalled_loop_catches_up_missed_frames_then_drops_a_long_backlog() -> None:
    async def scenario() -> None:
        clock = FakeClock()
        wheel = FrameScheduler(asyncio.get_running_loop(), clock)
        stream = Counter()
        wheel.add(stream)  # origin 1000.0, slot 0: served at ticks 4, 8, 12...
        clock.now += 0.1001  # the loop was blocked for 100 ms: ticks 1..20 are due
        wheel._run()
        assert stream.instants == pytest.approx([1000.0 + 0.02 * k for k in range(1, 6)])
        assert wheel.lateness.count == 5
        assert wheel.lateness.max_ms == pytest.approx(80.1)  # the frame due at +20 ms
        clock.now += 1.0  # a one-second stall: only the last 250 ms are caught up
        wheel._run()
        assert wheel.ticks_dropped == 200 - 50
        late = stream.instants[5:]
        assert late == pytest.approx([late[0] + 0.02 * k for k in range(len(late))])
        assert len(late) == 50 // 4 + 1 and late[-1] <= clock.now
        wheel.close()

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


def test_after_runs_once_per_wake_up_after_the_due_frames() -> None:
    async def scenario() -> None:
        clock = FakeClock()
        order: list[str] = []
        wheel = FrameScheduler(
            asyncio.get_running_loop(), clock, after=lambda now: order.append("read")
        )
        stream = Counter()
        stream.tick = lambda now: order.append("send") or True  # type: ignore[method-assign]
        wheel.add(stream)  # slot 0: served at ticks 4, 8, ...
        clock.now += 0.0405  # ticks 1..8 are due: two frames, then one read of the sockets
        wheel._run()
        assert order == ["send", "send", "read"]
        wheel.close()

    run(scenario())
