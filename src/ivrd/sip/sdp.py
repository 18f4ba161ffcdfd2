"""SDP session descriptions (RFC 4566): parse a body into values, render values into a body.

Only what a voice endpoint negotiates is modelled as fields (origin, connection, media lines
and their attributes); everything else is kept as ordered (type, value) lines so a description
renders back as received. Negotiation lives in `offer_answer`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ivrd.sip.errors import SipParseError

SDP_VERSION = "0"  # RFC 4566 §5.1
DIRECTIONS = ("sendrecv", "sendonly", "recvonly", "inactive")  # RFC 3264 §5.1
HOLD_ADDRESS = "0.0.0.0"  # RFC 3264 §8.4: the RFC 2543 way to put a stream on hold

_LINE_RE = re.compile(r"([a-z])=(.*)")
_SESSION_EXTRA = "iuepbzkr"  # RFC 4566 §5: session lines kept verbatim

Attribute = tuple[str, str | None]


class SdpParseError(SipParseError):
    """A body that is not a valid session description."""


@dataclass(frozen=True, slots=True)
class Origin:
    """o= line (RFC 4566 §5.2)."""

    username: str
    session_id: str
    session_version: str
    address: str
    addrtype: str = "IP4"

    def __str__(self) -> str:
        return (
            f"{self.username} {self.session_id} {self.session_version} "
            f"IN {self.addrtype} {self.address}"
        )


@dataclass(frozen=True, slots=True)
class Connection:
    """c= line (RFC 4566 §5.7); `address` may carry a /ttl suffix for multicast."""

    address: str
    addrtype: str = "IP4"

    @property
    def on_hold(self) -> bool:
        return self.address == HOLD_ADDRESS

    def __str__(self) -> str:
        return f"IN {self.addrtype} {self.address}"


@dataclass(frozen=True, slots=True)
class Media:
    """One m= section with its own c= and a= lines."""

    media: str
    port: int
    proto: str
    formats: tuple[str, ...]
    connection: Connection | None = None
    attributes: tuple[Attribute, ...] = ()
    extra: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise ValueError(f"media port {self.port} out of range")

    def attribute(self, name: str) -> str | None:
        return next((v for n, v in self.attributes if n == name), None)

    def attribute_values(self, name: str) -> list[str]:
        return [v for n, v in self.attributes if n == name and v is not None]

    @property
    def rtpmap(self) -> dict[str, str]:
        """Payload type -> 'encoding/clock[/channels]' from a=rtpmap (RFC 4566 §6)."""
        return dict(_split_pt(value) for value in self.attribute_values("rtpmap"))

    @property
    def fmtp(self) -> dict[str, str]:
        return dict(_split_pt(value) for value in self.attribute_values("fmtp"))

    @property
    def direction(self) -> str | None:
        return next((n for n, _ in self.attributes if n in DIRECTIONS), None)

    @property
    def ptime(self) -> int | None:
        value = self.attribute("ptime")
        return int(value) if value is not None and value.isdigit() else None

    def with_port(self, port: int) -> Media:
        return replace(self, port=port)


def _split_pt(value: str) -> tuple[str, str]:
    pt, _, rest = value.partition(" ")
    return pt, rest.strip()


@dataclass(frozen=True, slots=True)
class SessionDescription:
    """A whole description; `bytes(sd)` renders it with CRLF line ends."""

    origin: Origin
    session_name: str = "-"
    connection: Connection | None = None
    timing: str = "0 0"
    attributes: tuple[Attribute, ...] = ()
    media: tuple[Media, ...] = ()
    extra: tuple[tuple[str, str], ...] = field(default=())

    def media_connection(self, media: Media) -> Connection | None:
        """The connection that applies to `media` (media-level wins, RFC 4566 §5.7)."""
        return media.connection or self.connection

    def session_attribute_direction(self) -> str | None:
        return next((n for n, _ in self.attributes if n in DIRECTIONS), None)

    def __bytes__(self) -> bytes:
        lines = [f"v={SDP_VERSION}", f"o={self.origin}", f"s={self.session_name}"]
        lines += [f"{t}={v}" for t, v in self.extra if t != "b"]
        if self.connection is not None:
            lines.append(f"c={self.connection}")
        lines += [f"{t}={v}" for t, v in self.extra if t == "b"]
        lines.append(f"t={self.timing}")
        lines += _attribute_lines(self.attributes)
        for media in self.media:
            lines += _media_lines(media)
        return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _attribute_lines(attributes: tuple[Attribute, ...]) -> list[str]:
    return [f"a={n}" if v is None else f"a={n}:{v}" for n, v in attributes]


def _media_lines(media: Media) -> list[str]:
    lines = [f"m={media.media} {media.port} {media.proto} {' '.join(media.formats)}"]
    lines += [f"{t}={v}" for t, v in media.extra if t == "i"]
    if media.connection is not None:
        lines.append(f"c={media.connection}")
    lines += [f"{t}={v}" for t, v in media.extra if t != "i"]
    return lines + _attribute_lines(media.attributes)


def parse_sdp(body: bytes) -> SessionDescription:
    """Parse a session description; `SdpParseError` names the line at fault."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SdpParseError(f"SDP is not UTF-8: {exc}") from exc
    lines = [line for line in re.split(r"\r?\n", text) if line]
    pairs = [_split_line(number, line) for number, line in enumerate(lines, 1)]
    if not pairs or pairs[0] != ("v", SDP_VERSION):
        raise SdpParseError("SDP must start with 'v=0'")
    split = next((i for i, (t, _) in enumerate(pairs) if t == "m"), len(pairs))
    session = _parse_session(pairs[1:split])
    media = tuple(_parse_media_block(block) for block in _media_blocks(pairs[split:]))
    for item in media:
        if session.media_connection(item) is None:
            raise SdpParseError(f"no c= line for m={item.media} {item.port}")
    return replace(session, media=media)


def _split_line(number: int, line: str) -> tuple[str, str]:
    match = _LINE_RE.fullmatch(line)
    if match is None:
        raise SdpParseError(f"SDP line {number} is not '<type>=<value>': {line!r}")
    return match[1], match[2]


def _parse_session(pairs: list[tuple[str, str]]) -> SessionDescription:
    values: dict[str, str] = {}
    attributes: list[Attribute] = []
    extra: list[tuple[str, str]] = []
    for kind, value in pairs:
        if kind == "a":
            attributes.append(_parse_attribute(value))
        elif kind in "osct":
            values.setdefault(kind, value)
        elif kind in _SESSION_EXTRA:
            extra.append((kind, value))
        else:
            raise SdpParseError(f"unexpected SDP line '{kind}=' in the session section")
    for kind in "ost":
        if kind not in values:
            raise SdpParseError(f"SDP is missing its '{kind}=' line")
    connection = _parse_connection(values["c"]) if "c" in values else None
    origin = _parse_origin(values["o"])
    return SessionDescription(
        origin, values["s"], connection, values["t"], tuple(attributes), (), tuple(extra)
    )


def _media_blocks(pairs: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    blocks: list[list[tuple[str, str]]] = []
    for pair in pairs:
        if pair[0] == "m":
            blocks.append([])
        blocks[-1].append(pair)
    return blocks


def _parse_media_block(block: list[tuple[str, str]]) -> Media:
    parts = block[0][1].split()
    if len(parts) < 4:
        raise SdpParseError(f"m= line needs 'media port proto formats...': {block[0][1]!r}")
    port_text = parts[1].split("/")[0]
    if not port_text.isdigit() or not port_text.isascii() or int(port_text) > 65535:
        raise SdpParseError(f"invalid media port {parts[1]!r}")
    connection = None
    attributes: list[Attribute] = []
    extra: list[tuple[str, str]] = []
    for kind, value in block[1:]:
        if kind == "c":
            connection = _parse_connection(value)
        elif kind == "a":
            attributes.append(_parse_attribute(value))
        elif kind in "ibk":
            extra.append((kind, value))
        else:
            raise SdpParseError(f"unexpected SDP line '{kind}=' in a media section")
    return Media(parts[0], int(port_text), parts[2], tuple(parts[3:]), connection,
                 tuple(attributes), tuple(extra))  # fmt: skip


def _parse_origin(value: str) -> Origin:
    parts = value.split()
    if len(parts) != 6 or parts[3] != "IN":
        raise SdpParseError(f"o= line needs 6 fields with nettype IN: {value!r}")
    return Origin(parts[0], parts[1], parts[2], parts[5], parts[4])


def _parse_connection(value: str) -> Connection:
    parts = value.split()
    if len(parts) != 3 or parts[0] != "IN" or parts[1] not in ("IP4", "IP6"):
        raise SdpParseError(f"c= line must be 'IN IP4|IP6 address': {value!r}")
    return Connection(parts[2], parts[1])


def _parse_attribute(value: str) -> Attribute:
    name, colon, rest = value.partition(":")
    if not name or " " in name:
        raise SdpParseError(f"invalid a= line {value!r}")
    return name, (rest if colon else None)
