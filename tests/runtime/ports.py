"""Ports for sipp's media sockets that nothing else in the suite hands out.

sipp binds its ``-mp`` port and the three above it (RTCP, video RTP/RTCP) and gives up if
any is taken.  A port the kernel chose for a probe socket can be handed to someone else
before sipp binds it, and nodes under test take their RTP ports from 20000-31999; so sipp's
block comes from 10000-19999, and each block is checked whole before it is used.
"""

from __future__ import annotations

import random
import socket

_LOW, _HIGH = 10000, 19996
_BLOCK = 4


def _bindable(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def sipp_media_port() -> int:
    """An even port whose block of four is free on 127.0.0.1 now."""
    for _ in range(200):
        port = random.randrange(_LOW, _HIGH, _BLOCK)
        if all(_bindable(port + offset) for offset in range(_BLOCK)):
            return port
    raise AssertionError("no free block of four UDP ports in 10000-19999")
