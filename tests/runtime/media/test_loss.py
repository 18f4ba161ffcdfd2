from __future__ import annotations

from ivrd.runtime.media.loss import LossCounter


def counted(sequence: list[int]) -> LossCounter:
    counter = LossCounter()
    for number in sequence:
        counter.add(number)
    return counter


def test_no_packets_no_loss() -> None:
    assert (LossCounter().expected, LossCounter().lost) == (0, 0)


def test_gaps_across_the_wrap_are_lost_packets() -> None:
    counter = counted([65533, 65534, 1, 2, 4])  # 65535, 0 and 3 missing
    assert (counter.expected, counter.lost) == (8, 3)


def test_late_and_duplicate_packets_are_not_losses() -> None:
    counter = counted([10, 12, 11, 13, 13, 14])
    assert (counter.expected, counter.lost) == (5, 0)


def test_a_restarted_stream_keeps_the_earlier_loss() -> None:
    counter = counted([100, 101, 103, 40_000, 40_001, 40_003])
    assert counter.lost == 2  # 102 before the jump, 40 002 after it
    assert counter.expected == 4
