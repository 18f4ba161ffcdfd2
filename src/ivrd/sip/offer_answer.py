"""SDP offer/answer (RFC 3264) for one audio stream of G.711 plus RFC 4733 telephone-events.

The answerer picks the first offered codec it supports (PCMU or PCMA), keeps the offerer's
telephone-event payload type, answers with its own address and port, mirrors the direction
(sendonly -> recvonly...) and rejects every other m= line with port 0. Hold is read from the
direction attributes or the RFC 2543 c=0.0.0.0. The result, `AudioSession`, is everything the
media plane needs to know.
"""

from __future__ import annotations

from dataclasses import dataclass

from ivrd.sip.errors import RemoteProtocolError
from ivrd.sip.sdp import Connection, Media, Origin, SessionDescription

STATIC_PAYLOAD_TYPES = {0: "PCMU", 8: "PCMA"}  # RFC 3551 §6, table 4
SUPPORTED_CODECS = ("PCMU", "PCMA")
CLOCK_RATE = 8000  # RFC 3551 §4.5.14: G.711 is 8 kHz
TELEPHONE_EVENT = "telephone-event"  # RFC 4733 §7.1.1
TELEPHONE_EVENT_EVENTS = "0-16"  # RFC 4733 §3.2: DTMF digits, * # and A-D, flash
DEFAULT_TELEPHONE_EVENT_PT = 101
DEFAULT_PTIME = 20  # RFC 3551 §4.5: 20 ms packets
RTP_PROFILE = "RTP/AVP"  # RFC 3551
NOT_ACCEPTABLE_HERE = 488  # RFC 3261 §21.4.26
ANSWER_DIRECTION = {
    "sendrecv": "sendrecv",
    "sendonly": "recvonly",
    "recvonly": "sendonly",
    "inactive": "inactive",
}  # RFC 3264 §6.1


class IncompatibleOffer(RemoteProtocolError):
    """The peer's description has nothing we can use; answer 488 (RFC 3264 §6)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, NOT_ACCEPTABLE_HERE)


@dataclass(frozen=True, slots=True)
class LocalMedia:
    """What ivrd offers or answers with for one call leg."""

    address: str
    port: int
    codecs: tuple[str, ...] = SUPPORTED_CODECS
    ptime: int = DEFAULT_PTIME
    session_id: str = "1"
    session_version: int = 1
    telephone_event_pt: int = DEFAULT_TELEPHONE_EVENT_PT

    def __post_init__(self) -> None:
        unknown = set(self.codecs) - set(SUPPORTED_CODECS)
        if unknown or not self.codecs:
            raise ValueError(f"codecs must be a non-empty subset of {SUPPORTED_CODECS}")
        if not 96 <= self.telephone_event_pt <= 127:
            raise ValueError("telephone-event payload type must be dynamic (96..127)")
        if not 0 < self.port <= 65535 or self.ptime <= 0:
            raise ValueError("invalid port or ptime")

    def origin(self) -> Origin:
        return Origin("ivrd", self.session_id, str(self.session_version), self.address)


@dataclass(frozen=True, slots=True)
class AudioSession:
    """The negotiated stream: where to send, which payload types, and who may send."""

    remote_address: str
    remote_port: int
    codec: str
    payload_type: int
    telephone_event_pt: int | None
    ptime: int
    direction: str  # ours: sendrecv means we both send and receive

    @property
    def on_hold(self) -> bool:
        """The peer does not want our audio (it sent sendonly/inactive or c=0.0.0.0)."""
        return not self.can_send

    @property
    def can_send(self) -> bool:
        return (
            self.direction in ("sendrecv", "sendonly")
            and self.remote_address != "0.0.0.0"
            and self.remote_port != 0
        )


def answer_offer(
    offer: SessionDescription, local: LocalMedia
) -> tuple[SessionDescription, AudioSession]:
    """Build the answer to `offer`; raise `IncompatibleOffer` when no audio stream fits."""
    chosen: tuple[int, AudioSession] | None = None
    answered: list[Media] = []
    for index, media in enumerate(offer.media):
        session = None if chosen else _accept_audio(offer, media, local)
        if session is None:
            answered.append(Media(media.media, 0, media.proto, media.formats))
            continue
        chosen = (index, session)
        answered.append(_answer_media(session, local))
    if chosen is None:
        offered = "; ".join(f"{m.media} {m.proto} {' '.join(m.formats)}" for m in offer.media)
        raise IncompatibleOffer(f"no common codec in offer ({offered or 'no media'})")
    description = SessionDescription(
        local.origin(), "ivrd", Connection(local.address), media=tuple(answered)
    )
    return description, chosen[1]


def _accept_audio(
    offer: SessionDescription, media: Media, local: LocalMedia
) -> AudioSession | None:
    if media.media != "audio" or media.port == 0 or media.proto.upper() != RTP_PROFILE:
        return None
    codec = _first_supported(media, local.codecs)
    connection = offer.media_connection(media)
    if codec is None or connection is None:
        return None
    offered_direction = media.direction or offer.session_attribute_direction() or "sendrecv"
    return AudioSession(
        connection.address.split("/")[0],
        media.port,
        codec[1],
        codec[0],
        _telephone_event_pt(media),
        media.ptime or DEFAULT_PTIME,
        ANSWER_DIRECTION[offered_direction],
    )


def _first_supported(media: Media, codecs: tuple[str, ...]) -> tuple[int, str] | None:
    rtpmap = media.rtpmap
    for fmt in media.formats:
        if not fmt.isdigit():
            continue
        name = _encoding(rtpmap.get(fmt)) or STATIC_PAYLOAD_TYPES.get(int(fmt))
        if name is not None and name.upper() in codecs:
            return int(fmt), name.upper()
    return None


def _encoding(rtpmap_value: str | None) -> str | None:
    if rtpmap_value is None:
        return None
    name, _, rest = rtpmap_value.partition("/")
    return name if rest.split("/")[0] == str(CLOCK_RATE) else None


def _telephone_event_pt(media: Media) -> int | None:
    for pt, value in media.rtpmap.items():
        encoding = _encoding(value)
        is_event = encoding is not None and encoding.lower() == TELEPHONE_EVENT
        if is_event and pt.isdigit() and pt in media.formats:
            return int(pt)
    return None


def _answer_media(session: AudioSession, local: LocalMedia) -> Media:
    formats = [session.payload_type]
    attributes: list[tuple[str, str | None]] = [
        ("rtpmap", f"{session.payload_type} {session.codec}/{CLOCK_RATE}")
    ]
    if session.telephone_event_pt is not None:
        formats.append(session.telephone_event_pt)
        attributes += _telephone_event_attributes(session.telephone_event_pt)
    attributes += [("ptime", str(local.ptime)), (session.direction, None)]
    return Media("audio", local.port, RTP_PROFILE, tuple(map(str, formats)), None,
                 tuple(attributes))  # fmt: skip


def _telephone_event_attributes(pt: int) -> list[tuple[str, str | None]]:
    return [
        ("rtpmap", f"{pt} {TELEPHONE_EVENT}/{CLOCK_RATE}"),
        ("fmtp", f"{pt} {TELEPHONE_EVENT_EVENTS}"),
    ]


def build_offer(local: LocalMedia, direction: str = "sendrecv") -> SessionDescription:
    """An offer for one audio stream with our codecs in preference order (B2BUA legs)."""
    if direction not in ANSWER_DIRECTION:
        raise ValueError(f"unknown direction {direction!r}")
    pts = [pt for codec in local.codecs for pt, n in STATIC_PAYLOAD_TYPES.items() if n == codec]
    attributes: list[tuple[str, str | None]] = [
        ("rtpmap", f"{pt} {STATIC_PAYLOAD_TYPES[pt]}/{CLOCK_RATE}") for pt in pts
    ]
    attributes += _telephone_event_attributes(local.telephone_event_pt)
    attributes += [("ptime", str(local.ptime)), (direction, None)]
    formats = (*map(str, pts), str(local.telephone_event_pt))
    media = Media("audio", local.port, RTP_PROFILE, formats, None, tuple(attributes))
    return SessionDescription(local.origin(), "ivrd", Connection(local.address), media=(media,))


def accept_answer(offer: SessionDescription, answer: SessionDescription) -> AudioSession:
    """Read the peer's answer to our `offer` (RFC 3264 §7)."""
    if len(answer.media) != len(offer.media):
        raise IncompatibleOffer(
            f"answer has {len(answer.media)} m= lines for the {len(offer.media)} offered"
        )
    for ours, theirs in zip(offer.media, answer.media, strict=True):
        if ours.media != "audio" or theirs.port == 0:
            continue
        allowed = tuple(STATIC_PAYLOAD_TYPES.get(int(f), "") for f in ours.formats if f.isdigit())
        codec = _first_supported(theirs, tuple(c for c in SUPPORTED_CODECS if c in allowed))
        connection = answer.media_connection(theirs)
        if codec is None or connection is None:
            continue
        their_direction = theirs.direction or answer.session_attribute_direction() or "sendrecv"
        return AudioSession(
            connection.address.split("/")[0], theirs.port, codec[1], codec[0],
            _telephone_event_pt(theirs), theirs.ptime or DEFAULT_PTIME,
            ANSWER_DIRECTION[their_direction],
        )  # fmt: skip
    raise IncompatibleOffer("answer accepted no audio stream with a codec we offered")
