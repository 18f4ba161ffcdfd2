"""One error family for the SIP layer, so the runtime can translate failures in one place.

Like h11, errors say whose fault they are: a `RemoteProtocolError` means the peer sent
something invalid (answer it with `status_hint`, or drop it), a `LocalProtocolError` means
ivrd asked a state machine for a move it does not allow (a bug on our side).
"""

from __future__ import annotations

BAD_REQUEST = 400  # RFC 3261 §21.4.1
VERSION_NOT_SUPPORTED = 505  # RFC 3261 §21.5.6


class SipError(Exception):
    """Base of every error raised by ivrd.sip."""


class LocalProtocolError(SipError):
    """Our side asked for something the protocol does not allow."""


class RemoteProtocolError(SipError):
    """The peer violated the protocol; `status_hint` is the response that fits."""

    def __init__(self, message: str, status_hint: int = BAD_REQUEST) -> None:
        super().__init__(message)
        self.status_hint = status_hint


class SipParseError(RemoteProtocolError, ValueError):
    """Bytes or a header value that are not valid SIP; the message says exactly why."""
