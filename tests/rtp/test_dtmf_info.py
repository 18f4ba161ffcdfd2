from __future__ import annotations

import pytest

from ivrd.rtp.dtmf_info import DtmfInfoError, is_dtmf_info, parse_dtmf_info
from ivrd.rtp.errors import RtpError

RELAY = "application/dtmf-relay"


@pytest.mark.parametrize(
    ("content_type", "body", "key"),
    [
        (RELAY, b"Signal=5\r\nDuration=160\r\n", "5"),
        (RELAY, b"Signal=5\r\nDuration=160", "5"),
        (RELAY, b"Signal= *\nDuration= 250\n", "*"),
        (RELAY, b"signal=#", "#"),
        (RELAY, b"Duration=100\r\nSignal=a\r\n", "A"),
        (RELAY, b"Signal=10\r\nDuration=160\r\n", "*"),  # the RFC 4733 event number
        (RELAY, b"Signal=11", "#"),
        (RELAY, b"Signal=15", "D"),
        (RELAY, b"Signal=0", "0"),
        ("Application/DTMF-Relay; charset=utf-8", b"Signal=9", "9"),
        ("application/dtmf", b"5", "5"),
        ("application/dtmf", b"#\r\n", "#"),
        ("application/dtmf", b" 0 ", "0"),
    ],
)
def test_bodies(content_type: str, body: bytes, key: str) -> None:
    assert parse_dtmf_info(content_type, body) == key


@pytest.mark.parametrize(
    ("content_type", "body", "message"),
    [
        ("text/plain", b"Signal=5", "INFO content type 'text/plain' does not carry DTMF"),
        (
            "application/media_control+xml",
            b"<x/>",
            ("INFO content type 'application/media_control+xml' does not carry DTMF"),
        ),
        (RELAY, b"", "application/dtmf-relay body has no Signal line"),
        (RELAY, b"Duration=160", "application/dtmf-relay body has no Signal line"),
        (
            RELAY,
            b"Signal=5\r\nSignal=6",
            ("application/dtmf-relay body has more than one Signal line"),
        ),
        (
            RELAY,
            b"Signal=5\r\nDuration",
            ("application/dtmf-relay line 2 is not 'Name=value': 'Duration'"),
        ),
        (
            RELAY,
            b"Signal=5\r\nDuration=-4",
            ("application/dtmf-relay Duration '-4' is not a whole number of ms"),
        ),
        (RELAY, b"Signal=", "application/dtmf-relay signal '' is not a DTMF key (0-9, *, #, A-D)"),
        (
            RELAY,
            b"Signal=E",
            ("application/dtmf-relay signal 'E' is not a DTMF key (0-9, *, #, A-D)"),
        ),
        (
            RELAY,
            b"Signal=16",
            ("application/dtmf-relay signal '16' is not a DTMF key (0-9, *, #, A-D)"),
        ),
        (
            RELAY,
            b"Signal=55",
            ("application/dtmf-relay signal '55' is not a DTMF key (0-9, *, #, A-D)"),
        ),
        (RELAY, "Signal=٥".encode(), "application/dtmf-relay body is not ASCII text"),
        (
            RELAY,
            b"Signal=5\r\n" + b"x" * 1100,
            ("application/dtmf-relay body is 1110 bytes, at most 1024 expected"),
        ),
        ("application/dtmf", b"", "application/dtmf signal '' is not a DTMF key (0-9, *, #, A-D)"),
        (
            "application/dtmf",
            b"12",
            ("application/dtmf signal '12' is not a DTMF key (0-9, *, #, A-D)"),
        ),
        (
            "application/dtmf",
            b"Signal=5",
            ("application/dtmf signal 'Signal=5' is not a DTMF key (0-9, *, #, A-D)"),
        ),
    ],
)
def test_malformed_bodies(content_type: str, body: bytes, message: str) -> None:
    with pytest.raises(DtmfInfoError) as info:
        parse_dtmf_info(content_type, body)
    assert str(info.value) == message
    assert isinstance(info.value, RtpError)


def test_content_types() -> None:
    assert is_dtmf_info("application/dtmf-relay")
    assert is_dtmf_info("application/DTMF ; foo=bar")
    assert not is_dtmf_info("application/sdp")
    assert not is_dtmf_info("")
