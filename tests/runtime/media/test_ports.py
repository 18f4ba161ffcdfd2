from __future__ import annotations

import socket

import pytest

from ivrd.runtime.media.errors import PortsExhausted
from ivrd.runtime.media.ports import PortAllocator


def test_range_must_stay_below_the_ephemeral_ports() -> None:
    with pytest.raises(ValueError, match=r"RTP port range 30000-40000 reaches the ephemeral"):
        PortAllocator("127.0.0.1", 30000, 40000)


@pytest.mark.parametrize(
    ("low", "high", "message"),
    [
        (20010, 20000, "RTP port range 20010-20000: need 1024 <= min <= max"),
        (80, 2000, "RTP port range 80-2000: need 1024 <= min <= max"),
        (20001, 20001, "RTP port range 20001-20001 holds no even port"),
    ],
)
def test_bad_ranges_are_named(low: int, high: int, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        PortAllocator("127.0.0.1", low, high)
    assert str(caught.value) == message


def test_even_ports_round_robin_and_released_ports_reused_last() -> None:
    ports = PortAllocator("127.0.0.1", 26101, 26107)  # even ports 26102, 26104, 26106
    assert ports.capacity == 3
    first = ports.open()
    second = ports.open()
    assert [first.getsockname()[1], second.getsockname()[1]] == [26102, 26104]
    ports.release(first)
    third = ports.open()
    assert third.getsockname()[1] == 26106  # not the port just released
    fourth = ports.open()
    assert fourth.getsockname()[1] == 26102
    with pytest.raises(PortsExhausted, match=r"no free RTP port in 26102-26107 on 127\.0\.0\.1"):
        ports.open()
    for sock in (second, third, fourth):
        ports.release(sock)
        assert sock.fileno() == -1
    assert ports.in_use == 0


def test_a_port_held_by_someone_else_is_skipped() -> None:
    squatter = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    squatter.bind(("127.0.0.1", 26120))
    try:
        ports = PortAllocator("127.0.0.1", 26120, 26123)
        sock = ports.open()
        assert sock.getsockname()[1] == 26122
        assert not sock.getblocking()
        with pytest.raises(PortsExhausted):
            ports.open()
        ports.release(sock)
        ports.release(sock)  # twice is harmless
    finally:
        squatter.close()
