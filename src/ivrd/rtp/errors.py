"""The one base error of the RTP layer, so the runtime can catch it at the network edge and drop.

Everything in ``rtp/`` that rejects peer input raises :class:`RtpError` (a ``ValueError``) with a
message precise enough to log as is.
"""

from __future__ import annotations


class RtpError(ValueError):
    """Malformed or unsupported media input from the peer: log it and drop the datagram."""
