"""Typed values of the headers the transaction and dialog layers read: name-addr, Via, CSeq.

Each has a `parse` that raises `SipParseError` naming the header and the defect, and a
`__str__` that renders it back in canonical form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ivrd.sip.errors import SipParseError
from ivrd.sip.syntax import (
    LWS,
    Params,
    get_param,
    has_param,
    is_token,
    parse_params,
    quote,
    read_quoted,
    render_params,
    set_param,
)
from ivrd.sip.uri import DEFAULT_PORTS, SipUri, Uri, parse_uri

MAX_CSEQ = 2**31 - 1  # RFC 3261 §8.1.1.5: the sequence number must be less than 2**31
BRANCH_MAGIC_COOKIE = "z9hG4bK"  # RFC 3261 §8.1.1.7

_VIA_RE = re.compile(
    r"(?P<proto>[^/\s]+)\s*/\s*(?P<version>[^/\s]+)\s*/\s*(?P<transport>[^\s;]+)\s+"
    r"(?P<host>\[[0-9A-Fa-f:.]+\]|[^\s:;\[]+)(?:\s*:\s*(?P<port>[^\s;]*))?\s*(?P<params>;.*)?",
    re.DOTALL,
)
_CSEQ_RE = re.compile(r"(\d+)\s+(\S+)")


@dataclass(frozen=True, slots=True)
class NameAddr:
    """A From/To/Contact/Route value: optional display name, URI and header parameters."""

    uri: Uri
    display_name: str | None = None
    params: Params = ()

    @property
    def tag(self) -> str | None:
        return get_param(self.params, "tag")

    def param(self, name: str) -> str | None:
        return get_param(self.params, name)

    def with_tag(self, tag: str) -> NameAddr:
        return NameAddr(self.uri, self.display_name, set_param(self.params, "tag", tag))

    @property
    def sip_uri(self) -> SipUri:
        """The URI when it is sip:/sips:; otherwise a `SipParseError` (answer 416)."""
        if not isinstance(self.uri, SipUri):
            raise SipParseError(f"unsupported URI scheme in {self.uri}", 416)
        return self.uri

    def __str__(self) -> str:
        name = "" if self.display_name is None else quote(self.display_name) + " "
        return f"{name}<{self.uri}>{render_params(self.params)}"

    @classmethod
    def parse(cls, text: str, header: str = "name-addr") -> NameAddr:
        """Parse a From/To/Contact/Route value (results are cached: values are immutable)."""
        return _cached_name_addr(text, header)

    @classmethod
    def _parse(cls, text: str, header: str) -> NameAddr:
        text = text.strip(LWS)
        if not text:
            raise SipParseError(f"{header}: empty value")
        if text.startswith('"'):
            display, end = read_quoted(text, 0)
            rest = text[end:].lstrip(LWS)
            if not rest.startswith("<"):
                raise SipParseError(f"{header}: expected '<' after the display name")
            return cls._angle(rest, display, header)
        if "<" in text:
            before, _, after = text.partition("<")
            return cls._angle("<" + after, _display_tokens(before, header), header)
        return cls._addr_spec(text, header)

    @classmethod
    def _angle(cls, text: str, display: str | None, header: str) -> NameAddr:
        end = text.find(">")
        if end < 0:
            raise SipParseError(f"{header}: '<' without matching '>'")
        inner = text[1:end]
        if inner != inner.strip(LWS):
            raise SipParseError(f"{header}: whitespace inside <...>")
        uri = _parse_uri_in(inner, header)
        return cls(uri, display, parse_params(text[end + 1 :], header))

    @classmethod
    def _addr_spec(cls, text: str, header: str) -> NameAddr:
        # RFC 3261 §20.10: a URI holding ',', ';' or '?' must be enclosed in <...>
        uri_text, semi, params = text.partition(";")
        uri_text = uri_text.strip(LWS)
        if "?" in uri_text or "," in uri_text:
            raise SipParseError(f"{header}: URI with '?' or ',' must be enclosed in <...>")
        uri = _parse_uri_in(uri_text, header)
        return cls(uri, None, parse_params(semi + params, header))


def _display_tokens(text: str, header: str) -> str | None:
    words = text.split()
    for word in words:
        if not is_token(word):
            raise SipParseError(f"{header}: display name {text.strip()!r} must be quoted")
    return " ".join(words) or None


def _parse_uri_in(text: str, header: str) -> Uri:
    try:
        return parse_uri(text)
    except SipParseError as exc:
        raise SipParseError(f"{header}: {exc}") from exc


@dataclass(frozen=True, slots=True)
class Via:
    """One Via value: SIP/2.0/<transport> host[:port] with branch/received/rport parameters."""

    transport: str
    host: str
    port: int | None = None
    params: Params = ()

    def __post_init__(self) -> None:
        if not is_token(self.transport):
            raise ValueError(f"invalid Via transport {self.transport!r}")

    @property
    def branch(self) -> str | None:
        return get_param(self.params, "branch")

    @property
    def received(self) -> str | None:
        return get_param(self.params, "received")

    @property
    def rport(self) -> int | None:
        """The rport value filled in by the receiver (RFC 3581 §4), if any."""
        value = get_param(self.params, "rport")
        return int(value) if value is not None and value.isdigit() else None

    @property
    def wants_rport(self) -> bool:
        return has_param(self.params, "rport")

    @property
    def sent_by(self) -> tuple[str, int]:
        return self.host.lower(), self.port or DEFAULT_PORTS["sip"]

    @property
    def response_address(self) -> tuple[str, int]:
        """Where responses go (RFC 3261 §18.2.2 with RFC 3581 rport)."""
        host = self.received or self.host.strip("[]")
        return host, self.rport or self.port or DEFAULT_PORTS["sip"]

    def with_param(self, name: str, value: str | None) -> Via:
        return Via(self.transport, self.host, self.port, set_param(self.params, name, value))

    def __str__(self) -> str:
        port = "" if self.port is None else f":{self.port}"
        return f"SIP/2.0/{self.transport} {self.host}{port}{render_params(self.params)}"

    @classmethod
    def parse(cls, text: str) -> Via:
        return _cached_via(text)

    @classmethod
    def _parse(cls, text: str) -> Via:
        text = text.strip(LWS)
        if not text:
            raise SipParseError("Via: empty value")
        match = _VIA_RE.fullmatch(text)
        if match is None:
            raise SipParseError(f"Via: cannot parse {text!r}")
        if match["proto"].upper() != "SIP" or match["version"] != "2.0":
            raise SipParseError(f"Via: unsupported protocol {match['proto']}/{match['version']}")
        port = match["port"]
        if port is not None and (not port.isdigit() or not port.isascii() or int(port) > 65535):
            raise SipParseError(f"Via: invalid port {port!r}")
        params = parse_params(match["params"] or "", "Via")
        host = match["host"]
        if not re.fullmatch(r"\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.\-]+", host):
            raise SipParseError(f"Via: invalid host {host!r}")
        return cls(match["transport"].upper(), host, int(port) if port else None, params)


@dataclass(frozen=True, slots=True)
class CSeq:
    """CSeq: sequence number and method (RFC 3261 §20.16)."""

    number: int
    method: str

    def __post_init__(self) -> None:
        if not 0 <= self.number <= MAX_CSEQ:
            raise ValueError(f"CSeq number {self.number} out of range 0..{MAX_CSEQ}")
        if not is_token(self.method):
            raise ValueError(f"invalid CSeq method {self.method!r}")

    def __str__(self) -> str:
        return f"{self.number} {self.method}"

    @classmethod
    def parse(cls, text: str) -> CSeq:
        match = _CSEQ_RE.fullmatch(text.strip(LWS))
        if match is None or not match[1].isascii():
            raise SipParseError(f"CSeq: expected 'number method', got {text!r}")
        number, method = int(match[1]), match[2]
        if number > MAX_CSEQ:
            raise SipParseError(f"CSeq: number {match[1]} exceeds {MAX_CSEQ}")
        if not is_token(method):
            raise SipParseError(f"CSeq: invalid method {method!r}")
        return cls(number, method)


# Header values repeat across a call's messages and are re-read by every layer; parsed
# values are immutable, so parsing each distinct text once is safe (errors are not cached).
_cached_name_addr = lru_cache(maxsize=8192)(NameAddr._parse)
_cached_via = lru_cache(maxsize=8192)(Via._parse)
