"""SIP and SIPS URIs (RFC 3261 §19.1) and opaque absolute URIs for every other scheme.

A Request-URI, a Contact or a Route all carry one of these; other schemes (tel:, isbn:...)
parse as `AbsoluteUri` so the UA can answer 416 instead of failing to parse (RFC 4475 §3.3.8).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ivrd.sip.errors import SipParseError
from ivrd.sip.syntax import Params, get_param, has_param, render_params

DEFAULT_PORTS = {"sip": 5060, "sips": 5061}  # RFC 3261 §19.1.2

_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")
_USER_RE = re.compile(r"(?:[A-Za-z0-9\-_.!~*'()&=+$,;?/]|%[0-9A-Fa-f]{2})+")
_PASSWORD_RE = re.compile(r"(?:[A-Za-z0-9\-_.!~*'()&=+$,]|%[0-9A-Fa-f]{2})*")
_HOST_RE = re.compile(r"\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.\-]*[A-Za-z0-9])?\.?")
_PARAM_RE = re.compile(r"(?:[A-Za-z0-9\-_.!~*'()\[\]/:&+$]|%[0-9A-Fa-f]{2})+")
_WHITESPACE_RE = re.compile(r"\s")


@dataclass(frozen=True, slots=True)
class SipUri:
    """sip:user:password@host:port;params?headers — values are kept escaped, as received."""

    host: str
    user: str | None = None
    password: str | None = None
    port: int | None = None
    params: Params = ()
    headers: tuple[tuple[str, str], ...] = ()
    scheme: str = "sip"

    def __post_init__(self) -> None:
        if self.scheme not in DEFAULT_PORTS:
            raise ValueError(f"SipUri scheme must be sip or sips, got {self.scheme!r}")
        if not _HOST_RE.fullmatch(self.host):
            raise ValueError(f"invalid host {self.host!r}")
        if self.port is not None and not 0 <= self.port <= 65535:
            raise ValueError(f"port {self.port} out of range")

    @property
    def transport(self) -> str | None:
        """The transport parameter, lower-cased (RFC 3261 §19.1.1)."""
        value = get_param(self.params, "transport")
        return None if value is None else value.lower()

    @property
    def lr(self) -> bool:
        """True when the URI carries the loose-routing flag (RFC 3261 §19.1.1)."""
        return has_param(self.params, "lr")

    @property
    def host_port(self) -> tuple[str, int]:
        """Where to send, with the scheme's default port filled in."""
        return self.host.strip("[]"), self.port or DEFAULT_PORTS[self.scheme]

    def param(self, name: str) -> str | None:
        return get_param(self.params, name)

    def __str__(self) -> str:
        userinfo = ""
        if self.user is not None:
            secret = "" if self.password is None else f":{self.password}"
            userinfo = f"{self.user}{secret}@"
        port = "" if self.port is None else f":{self.port}"
        headers = "&".join(f"{n}={v}" for n, v in self.headers)
        tail = f"?{headers}" if headers else ""
        return f"{self.scheme}:{userinfo}{self.host}{port}{render_params(self.params)}{tail}"


@dataclass(frozen=True, slots=True)
class AbsoluteUri:
    """A URI of a scheme ivrd does not route (tel:, isbn:, ...), kept opaque."""

    scheme: str
    opaque: str

    def __str__(self) -> str:
        return f"{self.scheme}:{self.opaque}"


Uri = SipUri | AbsoluteUri


@lru_cache(maxsize=8192)
def parse_uri(text: str) -> Uri:
    """Parse a URI; `SipParseError` says which part is wrong (results are cached)."""
    if _WHITESPACE_RE.search(text):
        raise SipParseError(f"whitespace in URI {text!r}")
    scheme, colon, rest = text.partition(":")
    if not colon or not _SCHEME_RE.fullmatch(scheme):
        raise SipParseError(f"URI without a valid scheme: {text!r}")
    if scheme.lower() not in DEFAULT_PORTS:
        if not rest:
            raise SipParseError(f"empty URI after scheme {scheme!r}")
        return AbsoluteUri(scheme, rest)
    return _parse_sip(scheme.lower(), rest, text)


def parse_sip_uri(text: str) -> SipUri:
    """Parse a URI that must be sip: or sips:."""
    uri = parse_uri(text)
    if not isinstance(uri, SipUri):
        raise SipParseError(f"expected a sip: or sips: URI, got {text!r}")
    return uri


def _parse_sip(scheme: str, rest: str, text: str) -> SipUri:
    user = password = None
    if "@" in rest:
        userinfo, _, rest = rest.partition("@")
        user, password = _parse_userinfo(userinfo, text)
    rest, _, header_text = rest.partition("?")
    hostport, *raw_params = rest.split(";")
    host, port = _parse_hostport(hostport, text)
    params = tuple(_parse_uri_param(p, text) for p in raw_params)
    headers = _parse_uri_headers(header_text, text) if header_text else ()
    return SipUri(host, user, password, port, params, headers, scheme)


def _parse_userinfo(userinfo: str, text: str) -> tuple[str, str | None]:
    user, colon, password = userinfo.partition(":")
    if not _USER_RE.fullmatch(user):
        raise SipParseError(f"invalid user part {user!r} in URI {text!r}")
    if colon and not _PASSWORD_RE.fullmatch(password):
        raise SipParseError(f"invalid password in URI {text!r}")
    return user, (password if colon else None)


def _parse_hostport(hostport: str, text: str) -> tuple[str, int | None]:
    host, port_text = hostport, None
    if hostport.startswith("["):
        end = hostport.find("]")
        host, after = hostport[: end + 1], hostport[end + 1 :]
        if after:
            if not after.startswith(":"):
                raise SipParseError(f"invalid host {hostport!r} in URI {text!r}")
            port_text = after[1:]
    elif ":" in hostport:
        host, _, port_text = hostport.partition(":")
    if not _HOST_RE.fullmatch(host):
        raise SipParseError(f"invalid host {host!r} in URI {text!r}")
    if port_text is None:
        return host, None
    if not port_text.isdigit() or not port_text.isascii() or int(port_text) > 65535:
        raise SipParseError(f"invalid port {port_text!r} in URI {text!r}")
    return host, int(port_text)


def _parse_uri_param(raw: str, text: str) -> tuple[str, str | None]:
    if not raw:
        raise SipParseError(f"empty parameter in URI {text!r}")
    name, eq, value = raw.partition("=")
    if not _PARAM_RE.fullmatch(name) or (eq and not _PARAM_RE.fullmatch(value)):
        raise SipParseError(f"invalid parameter {raw!r} in URI {text!r}")
    return name, (value if eq else None)


def _parse_uri_headers(header_text: str, text: str) -> tuple[tuple[str, str], ...]:
    headers = []
    for raw in header_text.split("&"):
        name, eq, value = raw.partition("=")
        if not name or not eq:
            raise SipParseError(f"invalid header {raw!r} in URI {text!r}")
        headers.append((name, value))
    return tuple(headers)
