"""SDP parsing/rendering and RFC 3264 offer/answer for G.711 and telephone-event."""

from __future__ import annotations

import pytest

from ivrd.sip.offer_answer import (
    AudioSession,
    IncompatibleOffer,
    LocalMedia,
    accept_answer,
    answer_offer,
    build_offer,
)
from ivrd.sip.sdp import Connection, SdpParseError, parse_sdp
from tests.sip.wire import crlf

LOCAL = LocalMedia("127.0.0.1", 20000, session_id="77", session_version=3)

SIPP_OFFER = crlf(
    "v=0\no=user1 53655765 2353687637 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.2\nt=0 0\n"
    "m=audio 6000 RTP/AVP 8 0 96\na=rtpmap:8 PCMA/8000\na=rtpmap:0 PCMU/8000\n"
    "a=rtpmap:96 telephone-event/8000\na=fmtp:96 0-15\na=ptime:30\n"
)


def _offer(media: str, session: str = "c=IN IP4 10.0.0.9\n") -> bytes:
    return crlf(f"v=0\no=- 1 1 IN IP4 10.0.0.9\ns=-\n{session}t=0 0\n{media}")


def test_parse_fields() -> None:
    sd = parse_sdp(SIPP_OFFER)
    assert sd.origin.session_id == "53655765"
    assert sd.connection == Connection("127.0.0.2")
    (audio,) = sd.media
    assert (audio.port, audio.formats) == (6000, ("8", "0", "96"))
    assert audio.rtpmap["96"] == "telephone-event/8000"
    assert audio.fmtp == {"96": "0-15"}
    assert audio.ptime == 30 and audio.direction is None


def test_round_trip() -> None:
    assert bytes(parse_sdp(SIPP_OFFER)) == SIPP_OFFER
    extra = _offer("m=audio 1 RTP/AVP 0\nc=IN IP4 10.0.0.1\nb=AS:64\na=sendonly\n",
                   "i=info\nc=IN IP4 10.0.0.9\nb=CT:128\n")  # fmt: skip
    assert bytes(parse_sdp(extra)) == extra


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"", "SDP must start with 'v=0'"),
        (crlf("v=1\n"), "SDP must start with 'v=0'"),
        (crlf("v=0\no=- 1 1 IN IP4 h\nt=0 0\n"), "SDP is missing its 's=' line"),
        (crlf("v=0\ns=-\nt=0 0\n"), "SDP is missing its 'o=' line"),
        (crlf("v=0\nx\n"), "SDP line 2 is not '<type>=<value>': 'x'"),
        (crlf("v=0\no=- 1 IN IP4 h\ns=-\nt=0 0\n"),
         "o= line needs 6 fields with nettype IN: '- 1 IN IP4 h'"),
        (_offer("m=audio 1 RTP/AVP 0\n", ""), "no c= line for m=audio 1"),
        (_offer("m=audio x RTP/AVP 0\n"), "invalid media port 'x'"),
        (_offer("m=audio 5\n"), "m= line needs 'media port proto formats...': 'audio 5'"),
        (_offer("", "c=IN ATM 1\n"), "c= line must be 'IN IP4|IP6 address': 'IN ATM 1'"),
        (_offer("m=audio 5 RTP/AVP 0\nt=0 0\n"), "unexpected SDP line 't=' in a media section"),
        (b"v=0\r\n\xff\r\n", None),
    ],
)  # fmt: skip
def test_parse_errors(body: bytes, error: str | None) -> None:
    with pytest.raises(SdpParseError) as info:
        parse_sdp(body)
    if error is not None:
        assert str(info.value) == error
    assert info.value.status_hint == 400


def test_answer_picks_first_supported_codec_and_keeps_event_pt() -> None:
    answer, session = answer_offer(parse_sdp(SIPP_OFFER), LOCAL)
    assert session == AudioSession("127.0.0.2", 6000, "PCMA", 8, 96, 30, "sendrecv")
    assert bytes(answer) == crlf(
        "v=0\no=ivrd 77 3 IN IP4 127.0.0.1\ns=ivrd\nc=IN IP4 127.0.0.1\nt=0 0\n"
        "m=audio 20000 RTP/AVP 8 96\na=rtpmap:8 PCMA/8000\na=rtpmap:96 telephone-event/8000\n"
        "a=fmtp:96 0-16\na=ptime:20\na=sendrecv\n"
    )


def test_answer_respects_local_codec_preference_set() -> None:
    only_ulaw = LocalMedia("127.0.0.1", 20000, codecs=("PCMU",))
    _, session = answer_offer(parse_sdp(SIPP_OFFER), only_ulaw)
    assert (session.codec, session.payload_type) == ("PCMU", 0)


def test_static_payload_without_rtpmap_and_no_telephone_event() -> None:
    _, session = answer_offer(parse_sdp(_offer("m=audio 4000 RTP/AVP 18 0\n")), LOCAL)
    assert (session.codec, session.payload_type, session.telephone_event_pt) == ("PCMU", 0, None)
    assert session.ptime == 20


def test_dynamic_pcmu_payload_type_is_kept() -> None:
    offer = _offer("m=audio 4000 RTP/AVP 97\na=rtpmap:97 pcmu/8000\n")
    answer, session = answer_offer(parse_sdp(offer), LOCAL)
    assert (session.codec, session.payload_type) == ("PCMU", 97)
    assert answer.media[0].rtpmap == {"97": "PCMU/8000"}


def test_other_media_rejected_with_port_zero() -> None:
    offer = _offer("m=video 5000 RTP/AVP 31\nm=audio 4000 RTP/AVP 0\nm=audio 4002 RTP/AVP 8\n")
    answer, session = answer_offer(parse_sdp(offer), LOCAL)
    assert [(m.media, m.port) for m in answer.media] == [("video", 0), ("audio", 20000),
                                                         ("audio", 0)]  # fmt: skip
    assert session.remote_port == 4000


@pytest.mark.parametrize(
    ("media", "session_line", "direction", "on_hold"),
    [
        ("a=sendonly\n", "c=IN IP4 10.0.0.9\n", "recvonly", True),
        ("a=inactive\n", "c=IN IP4 10.0.0.9\n", "inactive", True),
        ("a=recvonly\n", "c=IN IP4 10.0.0.9\n", "sendonly", False),
        ("", "c=IN IP4 0.0.0.0\n", "sendrecv", True),
        ("", "c=IN IP4 10.0.0.9\na=sendonly\n", "recvonly", True),
    ],
)
def test_hold_and_direction(media: str, session_line: str, direction: str, on_hold: bool) -> None:
    offer = _offer(f"m=audio 4000 RTP/AVP 0\n{media}", session_line)
    answer, session = answer_offer(parse_sdp(offer), LOCAL)
    assert session.direction == direction
    assert session.on_hold is on_hold
    assert answer.media[0].direction == direction


@pytest.mark.parametrize(
    "media",
    [
        "m=audio 4000 RTP/AVP 18 9\n",
        "m=audio 4000 RTP/SAVP 0\n",
        "m=audio 0 RTP/AVP 0\n",
        "m=video 4000 RTP/AVP 0\n",
        "m=audio 4000 RTP/AVP 96\na=rtpmap:96 PCMU/16000\n",
        "",
    ],
)
def test_no_common_codec_is_488(media: str) -> None:
    with pytest.raises(IncompatibleOffer) as info:
        answer_offer(parse_sdp(_offer(media)), LOCAL)
    assert info.value.status_hint == 488
    assert str(info.value).startswith("no common codec in offer (")


def test_offer_and_accept_answer_between_two_endpoints() -> None:
    caller = LocalMedia("10.0.0.1", 30000, codecs=("PCMA", "PCMU"), telephone_event_pt=100)
    callee = LocalMedia("10.0.0.2", 40000, codecs=("PCMU",))
    offer = build_offer(caller)
    assert offer.media[0].formats == ("8", "0", "100")
    answer, callee_session = answer_offer(parse_sdp(bytes(offer)), callee)
    caller_session = accept_answer(offer, parse_sdp(bytes(answer)))
    assert callee_session == AudioSession("10.0.0.1", 30000, "PCMU", 0, 100, 20, "sendrecv")
    assert caller_session == AudioSession("10.0.0.2", 40000, "PCMU", 0, 100, 20, "sendrecv")


def test_accept_answer_errors() -> None:
    offer = build_offer(LOCAL)
    with pytest.raises(IncompatibleOffer, match="answer has 0 m= lines for the 1 offered"):
        accept_answer(offer, parse_sdp(_offer("")))
    with pytest.raises(IncompatibleOffer, match="answer accepted no audio stream"):
        accept_answer(offer, parse_sdp(_offer("m=audio 0 RTP/AVP 0\n")))
    with pytest.raises(IncompatibleOffer, match="answer accepted no audio stream"):
        accept_answer(offer, parse_sdp(_offer("m=audio 5 RTP/AVP 18\n")))


def test_local_media_validation() -> None:
    with pytest.raises(ValueError, match="subset"):
        LocalMedia("h", 1, codecs=("G729",))
    with pytest.raises(ValueError, match="dynamic"):
        LocalMedia("h", 1, telephone_event_pt=13)
