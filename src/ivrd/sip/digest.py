"""HTTP digest authentication for SIP (RFC 3261 §22.4, RFC 2617, RFC 7616), qop=auth.

The registrar builds a `Challenge` from a nonce it chose, parses the phone's Authorization
into `Credentials` and checks them with `verify`; a client (ivrd behind an authenticating
proxy) answers a challenge with `authorize`. Nonce bookkeeping (expiry, reuse) is the
caller's: this module only computes and compares.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from ivrd.sip.errors import SipParseError
from ivrd.sip.syntax import is_token, quote, split_list, unquote

SCHEME = "Digest"  # RFC 2617 §3.2.1
QOP_AUTH = "auth"  # RFC 2617 §3.2.1: the only protection level ivrd uses
ALGORITHMS = {"MD5": "md5", "SHA-256": "sha256"}  # RFC 7616 §6.1 (+ "-sess" variants)
_UNQUOTED = frozenset({"algorithm", "qop", "nc", "stale"})  # RFC 2617 §3.2.2 / RFC 7616 §3.4


class DigestError(SipParseError):
    """An authentication header that cannot be used (answer 400 or a fresh 401)."""


def parse_auth_header(value: str) -> dict[str, str]:
    """Split `Digest k=v, k="v"` into lower-cased names and unquoted values."""
    scheme, _, rest = value.strip().partition(" ")
    if scheme.lower() != SCHEME.lower():
        raise DigestError(f"unsupported authentication scheme {scheme!r}")
    params: dict[str, str] = {}
    for item in split_list(rest):
        name, eq, raw = item.partition("=")
        name = name.strip().lower()
        if not eq or not is_token(name):
            raise DigestError(f"invalid digest parameter {item!r}")
        if name in params:
            raise DigestError(f"duplicate digest parameter {name!r}")
        params[name] = unquote(raw.strip()) or ""
    return params


def _hash(algorithm: str, text: str) -> str:
    base = algorithm.upper().removesuffix("-SESS")
    if base not in ALGORITHMS:
        raise DigestError(f"unsupported digest algorithm {algorithm!r}")
    return hashlib.new(ALGORITHMS[base], text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Challenge:
    """WWW-Authenticate / Proxy-Authenticate value (RFC 2617 §3.2.1)."""

    realm: str
    nonce: str
    opaque: str | None = None
    algorithm: str = "MD5"
    stale: bool = False

    def __str__(self) -> str:
        parts = [f"realm={quote(self.realm)}", f"nonce={quote(self.nonce)}"]
        if self.opaque is not None:
            parts.append(f"opaque={quote(self.opaque)}")
        parts += [f"algorithm={self.algorithm}", f'qop="{QOP_AUTH}"']
        if self.stale:
            parts.append("stale=true")
        return f"{SCHEME} " + ", ".join(parts)

    @classmethod
    def parse(cls, value: str) -> Challenge:
        params = parse_auth_header(value)
        for name in ("realm", "nonce"):
            if name not in params:
                raise DigestError(f"challenge without {name}")
        qops = [q.strip() for q in params.get("qop", QOP_AUTH).split(",")]
        if QOP_AUTH not in qops:
            raise DigestError(f"challenge offers no qop=auth (got {params['qop']!r})")
        stale = params.get("stale", "").lower() == "true"
        algorithm = params.get("algorithm", "MD5")
        return cls(params["realm"], params["nonce"], params.get("opaque"), algorithm, stale)


@dataclass(frozen=True, slots=True)
class Credentials:
    """Authorization / Proxy-Authorization value (RFC 2617 §3.2.2), qop=auth."""

    username: str
    realm: str
    nonce: str
    uri: str
    response: str
    cnonce: str
    nc: str = "00000001"
    opaque: str | None = None
    algorithm: str = "MD5"

    def __str__(self) -> str:
        parts = [
            f"username={quote(self.username)}", f"realm={quote(self.realm)}",
            f"nonce={quote(self.nonce)}", f"uri={quote(self.uri)}",
            f"response={quote(self.response)}", f"algorithm={self.algorithm}",
            f"cnonce={quote(self.cnonce)}", f"qop={QOP_AUTH}", f"nc={self.nc}",
        ]  # fmt: skip
        if self.opaque is not None:
            parts.append(f"opaque={quote(self.opaque)}")
        return f"{SCHEME} " + ", ".join(parts)

    @classmethod
    def parse(cls, value: str) -> Credentials:
        params = parse_auth_header(value)
        missing = [n for n in ("username", "realm", "nonce", "uri", "response") if n not in params]
        if missing:
            raise DigestError(f"Authorization is missing {', '.join(missing)}")
        if params.get("qop", QOP_AUTH) != QOP_AUTH or "cnonce" not in params:
            raise DigestError("Authorization must use qop=auth with a cnonce")
        nc = params.get("nc", "")
        if len(nc) != 8 or any(c not in "0123456789abcdefABCDEF" for c in nc):
            raise DigestError(f"invalid nonce count {nc!r}")
        return cls(params["username"], params["realm"], params["nonce"], params["uri"],
                   params["response"], params["cnonce"], nc, params.get("opaque"),
                   params.get("algorithm", "MD5"))  # fmt: skip


def compute_response(credentials: Credentials, method: str, password: str) -> str:
    """request-digest of RFC 2617 §3.2.2.1 (qop=auth) for these credentials."""
    algorithm = credentials.algorithm
    ha1 = _hash(algorithm, f"{credentials.username}:{credentials.realm}:{password}")
    if algorithm.upper().endswith("-SESS"):
        ha1 = _hash(algorithm, f"{ha1}:{credentials.nonce}:{credentials.cnonce}")
    ha2 = _hash(algorithm, f"{method}:{credentials.uri}")
    tail = f"{credentials.nonce}:{credentials.nc}:{credentials.cnonce}:{QOP_AUTH}:{ha2}"
    return _hash(algorithm, f"{ha1}:{tail}")


def verify(credentials: Credentials, method: str, password: str) -> bool:
    """True when the response matches `password` (compared in constant time)."""
    expected = compute_response(credentials, method, password)
    return hmac.compare_digest(expected, credentials.response.lower())


def authorize(
    challenge: Challenge,
    method: str,
    uri: str,
    username: str,
    password: str,
    cnonce: str,
    nonce_count: int = 1,
) -> Credentials:
    """Credentials answering `challenge` (the cnonce comes from the caller's random source)."""
    unsigned = Credentials(
        username, challenge.realm, challenge.nonce, uri, "", cnonce,
        f"{nonce_count:08x}", challenge.opaque, challenge.algorithm,
    )  # fmt: skip
    response = compute_response(unsigned, method, password)
    return Credentials(
        username, challenge.realm, challenge.nonce, uri, response, cnonce,
        unsigned.nc, challenge.opaque, challenge.algorithm,
    )  # fmt: skip
