"""The one base error of the runtime media plane, so the call driver catches one type.

Peer input never raises here (bad datagrams are counted and dropped); these are our own
limits and misuse: no free RTP port, a closed leg, a bad argument.
"""

from __future__ import annotations


class MediaError(Exception):
    """A media-plane operation that cannot be carried out."""


class PortsExhausted(MediaError):
    """Every RTP port of the configured range is in use (or taken by another process)."""


class LegClosed(MediaError):
    """An operation on a leg after :meth:`Leg.close`."""
