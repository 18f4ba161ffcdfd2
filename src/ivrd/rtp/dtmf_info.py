"""DTMF carried in SIP INFO bodies instead of RTP (phones configured for "SIP INFO" DTMF).

Two body formats are in use: ``application/dtmf-relay`` (``Signal=5`` and ``Duration=160``
lines, the de-facto Cisco format sipp and linphone send) and ``application/dtmf`` (the key
alone). The runtime answers 415 when :func:`is_dtmf_info` is false and 400 on
:class:`DtmfInfoError`.
"""

from __future__ import annotations

from ivrd.rtp.dtmf import DTMF_EVENTS
from ivrd.rtp.errors import RtpError

__all__ = ["DTMF_INFO_TYPES", "DtmfInfoError", "is_dtmf_info", "parse_dtmf_info"]

DTMF_RELAY = "application/dtmf-relay"
DTMF_PLAIN = "application/dtmf"
DTMF_INFO_TYPES = (DTMF_RELAY, DTMF_PLAIN)
MAX_BODY = 1024  # both formats are a few bytes; anything longer is not DTMF


class DtmfInfoError(RtpError):
    """A SIP INFO body that claims to carry DTMF but cannot be read."""


def is_dtmf_info(content_type: str) -> bool:
    """Whether a Content-Type (parameters allowed) names one of the DTMF body formats."""
    return _media_type(content_type) in DTMF_INFO_TYPES


def parse_dtmf_info(content_type: str, body: bytes) -> str:
    """Return the key ('0'-'9', '*', '#', 'A'-'D') a SIP INFO body carries."""
    media_type = _media_type(content_type)
    if media_type not in DTMF_INFO_TYPES:
        raise DtmfInfoError(f"INFO content type {media_type!r} does not carry DTMF")
    if len(body) > MAX_BODY:
        raise DtmfInfoError(f"{media_type} body is {len(body)} bytes, at most 1024 expected")
    try:
        text = body.decode("ascii")
    except UnicodeDecodeError as exc:
        raise DtmfInfoError(f"{media_type} body is not ASCII text") from exc
    if media_type == DTMF_PLAIN:
        return _key(text.strip(), media_type)
    signal = _relay_signal(text)
    if signal.isdigit() and len(signal) == 2 and int(signal) < len(DTMF_EVENTS):
        return DTMF_EVENTS[int(signal)]  # the RFC 4733 event number some phones send (10 = *)
    return _key(signal, media_type)


def _relay_signal(text: str) -> str:
    signal: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, sep, value = line.partition("=")
        if not sep:
            raise DtmfInfoError(f"{DTMF_RELAY} line {number} is not 'Name=value': {line!r}")
        name = name.strip().lower()
        if name == "signal":
            if signal is not None:
                raise DtmfInfoError(f"{DTMF_RELAY} body has more than one Signal line")
            signal = value.strip()
        elif name == "duration":
            _duration(value.strip())
    if signal is None:
        raise DtmfInfoError(f"{DTMF_RELAY} body has no Signal line")
    return signal


def _duration(value: str) -> int:
    if not value.isdigit():
        raise DtmfInfoError(f"{DTMF_RELAY} Duration {value!r} is not a whole number of ms")
    return int(value)


def _key(value: str, media_type: str) -> str:
    if len(value) == 1 and value.upper() in DTMF_EVENTS:
        return value.upper()
    raise DtmfInfoError(f"{media_type} signal {value!r} is not a DTMF key (0-9, *, #, A-D)")


def _media_type(content_type: str) -> str:
    return content_type.partition(";")[0].strip().lower()
