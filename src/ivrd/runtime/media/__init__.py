"""The runtime media plane: RTP legs paced by one shared 5 ms wheel, read with ``add_reader``.

The call driver's whole interface is :class:`MediaEngine` and the :class:`Leg` it opens;
docs/media-plane.md has the design, the measured figures and the limits.
"""

from __future__ import annotations

from ivrd.runtime.media.engine import MediaEngine, rtp_host
from ivrd.runtime.media.errors import LegClosed, MediaError, PortsExhausted
from ivrd.runtime.media.leg import Leg, LegStats
from ivrd.runtime.media.playout import PlaybackFinished
from ivrd.runtime.media.recorder import RecordingSaved
from ivrd.runtime.media.report import MediaReport

__all__ = [
    "Leg",
    "LegClosed",
    "LegStats",
    "MediaEngine",
    "MediaError",
    "MediaReport",
    "PlaybackFinished",
    "PortsExhausted",
    "RecordingSaved",
    "rtp_host",
]
