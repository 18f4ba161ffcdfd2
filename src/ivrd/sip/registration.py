"""What a REGISTER asks for (RFC 3261 §10.3), and the registrar's replies, without storage.

The runtime's registrar checks digest credentials (`digest`), stores the bindings this module
extracts, and answers with `register_ok` / `register_challenge`. Expiry rules: a contact's
`expires` parameter wins over the Expires header, which wins over the default; a malformed or
overlarge value counts as the default (RFC 4475 §3.1.2.4).
"""

from __future__ import annotations

from dataclasses import dataclass

from ivrd.sip.digest import Challenge, Credentials
from ivrd.sip.errors import RemoteProtocolError
from ivrd.sip.fields import NameAddr
from ivrd.sip.message import Request, Response, make_response
from ivrd.sip.uri import SipUri

DEFAULT_EXPIRES = 3600  # RFC 3261 §10.2.1.1
MAX_EXPIRES = 2**32 - 1  # RFC 3261 §20.19: delta-seconds
INTERVAL_TOO_BRIEF = 423  # RFC 3261 §21.4.17


@dataclass(frozen=True, slots=True)
class Binding:
    """One contact of an address-of-record; expires 0 removes it."""

    contact: NameAddr
    expires: int

    def __post_init__(self) -> None:
        if not 0 <= self.expires <= MAX_EXPIRES:
            raise ValueError(f"expires {self.expires} out of range")

    def __str__(self) -> str:
        return f"<{self.contact.uri}>;expires={self.expires}"


@dataclass(frozen=True, slots=True)
class Registration:
    """A parsed REGISTER: the AOR (To URI), its new bindings, or `remove_all` for 'Contact: *'."""

    aor: SipUri
    bindings: tuple[Binding, ...]
    remove_all: bool
    call_id: str
    cseq: int
    credentials: Credentials | None

    @property
    def user(self) -> str:
        return self.aor.user or ""


def parse_register(request: Request, default_expires: int = DEFAULT_EXPIRES) -> Registration:
    """Read a REGISTER; `RemoteProtocolError` (400) for a misuse of 'Contact: *'."""
    if request.method != "REGISTER":
        raise RemoteProtocolError(f"expected REGISTER, got {request.method}")
    header_expires = _expires(request.headers.get("Expires"), default_expires)
    wildcard = [v for v in request.headers.get_all("Contact") if v.strip() == "*"]
    contacts = request.contacts
    if wildcard and (contacts or header_expires != 0 or len(wildcard) > 1):
        raise RemoteProtocolError("'Contact: *' needs Expires: 0 and no other contact")
    bindings = tuple(
        Binding(contact, _expires(contact.param("expires"), header_expires)) for contact in contacts
    )
    authorization = request.headers.get("Authorization")
    credentials = Credentials.parse(authorization) if authorization else None
    return Registration(request.to.sip_uri, bindings, bool(wildcard), request.call_id,
                        request.cseq.number, credentials)  # fmt: skip


def _expires(value: str | None, default: int) -> int:
    if value is None or not value.strip().isdigit() or not value.strip().isascii():
        return default
    number = int(value.strip())
    return default if number > MAX_EXPIRES else number


def too_brief(registration: Registration, min_expires: int) -> bool:
    """True when a binding asks for less than `min_expires` (answer `register_too_brief`)."""
    return any(0 < b.expires < min_expires for b in registration.bindings)


def register_ok(request: Request, current: tuple[Binding, ...], to_tag: str) -> Response:
    """200 listing every binding the AOR now has (RFC 3261 §10.3 step 8)."""
    extra = tuple(("Contact", str(binding)) for binding in current)
    return make_response(request, 200, to_tag=to_tag, extra=extra)


def register_challenge(request: Request, challenge: Challenge, to_tag: str) -> Response:
    """401 with a fresh digest challenge (RFC 3261 §22.1)."""
    extra = (("WWW-Authenticate", str(challenge)),)
    return make_response(request, 401, to_tag=to_tag, extra=extra)


def register_too_brief(request: Request, min_expires: int, to_tag: str) -> Response:
    extra = (("Min-Expires", str(min_expires)),)
    return make_response(request, INTERVAL_TOO_BRIEF, to_tag=to_tag, extra=extra)
