"""The answering side of an incoming INVITE, plus the checks and replies every UAS needs.

`UasInvite` owns the To-tag (from the injected token source) so every response to one INVITE
carries the same one, copies Record-Route into dialog-creating responses (§12.1.1) and turns
into a `Dialog` when answered. `precheck` applies the §8.2 request checks (416, 420, 415, 406)
and `reply_to_unparsable` turns a parse failure into a 400 when enough of the request is legible.
"""

from __future__ import annotations

import re

from ivrd.sip.dialog import Dialog
from ivrd.sip.endpoint import SUPPORTED_EXTENSIONS, Endpoint, Token
from ivrd.sip.errors import LocalProtocolError, SipParseError
from ivrd.sip.headers import Headers, canonical_name
from ivrd.sip.message import REASONS, Request, Response, make_response
from ivrd.sip.sdp import SessionDescription, parse_sdp
from ivrd.sip.syntax import quote
from ivrd.sip.uri import SipUri

SDP = "application/sdp"
MISC_WARNING = 399  # RFC 3261 §20.43: miscellaneous warning
_ECHOED = ("Via", "From", "To", "Call-ID", "CSeq")


class UasInvite:
    """One incoming INVITE until its final response."""

    def __init__(
        self, invite: Request, endpoint: Endpoint, token: Token, contact_user: str | None = None
    ) -> None:
        if invite.method != "INVITE":
            raise LocalProtocolError(f"UasInvite needs an INVITE, got {invite.method}")
        self.invite = invite
        self.endpoint = endpoint
        self.to_tag = token()
        self.contact_user = contact_user
        self.dialog: Dialog | None = None
        self._token = token
        self._final: Response | None = None

    @property
    def offer(self) -> SessionDescription | None:
        """The caller's SDP offer (None for a late-offer INVITE); `SdpParseError` if invalid."""
        return parse_sdp(self.invite.body) if self.invite.body else None

    def provisional(self, status: int = 180, body: bytes = b"") -> Response:
        """A 101-199 response (100 Trying comes from the transaction)."""
        if not 101 <= status <= 199:
            raise LocalProtocolError(f"provisional status must be 101..199, got {status}")
        return self._response(status, body)

    def answer(self, body: bytes) -> Response:
        """200 OK with our SDP; the dialog exists from now on (`self.dialog`)."""
        response = self._response(200, body)
        dialog = Dialog.for_uas(self.invite, response, self.endpoint, self._token)
        dialog.contact_user = self.contact_user
        self.dialog = dialog
        return response

    def reject(
        self, status: int, reason: str | None = None, extra: tuple[tuple[str, str], ...] = ()
    ) -> Response:
        """A 300-699 final response (486 busy, 488 no codec, 404, 403, 503 shutting down...)."""
        if not 300 <= status <= 699:
            raise LocalProtocolError(f"rejection status must be 300..699, got {status}")
        self._check_open()
        self._final = make_response(self.invite, status, reason, to_tag=self.to_tag, extra=extra)
        return self._final

    def _response(self, status: int, body: bytes) -> Response:
        self._check_open()
        extra = [("Record-Route", v) for v in self.invite.headers.lines("Record-Route")]
        extra.append(("Contact", self.endpoint.contact(self.contact_user)))
        if body:
            extra.append(("Content-Type", SDP))
        response = make_response(self.invite, status, to_tag=self.to_tag, extra=tuple(extra),
                                 body=body)  # fmt: skip
        if status >= 200:
            self._final = response
        return response

    def _check_open(self) -> None:
        if self._final is not None:
            raise LocalProtocolError(f"INVITE already answered {self._final.status}")


def precheck(
    request: Request, to_tag: str, supported: tuple[str, ...] = SUPPORTED_EXTENSIONS
) -> Response | None:
    """The rejection §8.2.1-8.2.3 call for, or None when the request may proceed."""
    if not isinstance(request.uri, SipUri):
        return make_response(request, 416, to_tag=to_tag)
    required = [o.strip() for o in request.headers.get_all("Require") if o.strip()]
    unsupported = [o for o in required if o not in supported]
    if unsupported and request.method not in ("ACK", "CANCEL"):
        extra = (("Unsupported", ", ".join(unsupported)),)
        return make_response(request, 420, to_tag=to_tag, extra=extra)
    if request.method == "INVITE":
        return _check_invite_body(request, to_tag)
    return None


def _check_invite_body(request: Request, to_tag: str) -> Response | None:
    encoding = (request.headers.get("Content-Encoding") or "identity").strip().lower()
    if request.body and (request.content_type != SDP or encoding != "identity"):
        return make_response(request, 415, to_tag=to_tag, extra=(("Accept", SDP),))
    accept = request.headers.get_all("Accept")
    if accept and not any(_accepts_sdp(value) for value in accept):
        return make_response(request, 406, to_tag=to_tag)
    return None


def _accepts_sdp(value: str) -> bool:
    media = value.split(";")[0].strip().lower()
    return media in (SDP, "application/*", "*/*")


def reply_to_unparsable(data: bytes, error: SipParseError) -> Response | None:
    """A 400 (or the error's status) for a request too broken to parse, if it can be addressed.

    Responses are never answered; a request without legible Via, From, To, Call-ID and CSeq
    lines cannot be (the runtime then drops it). The defect goes in a Warning header.
    """
    text = data.lstrip(b"\r\n").split(b"\r\n\r\n", 1)[0].decode("utf-8", "surrogateescape")
    start, *lines = re.sub(r"\r\n[ \t]+", " ", text).split("\r\n")
    if start.startswith("SIP/") or not start.strip():
        return None
    found: dict[str, list[str]] = {}
    for line in lines:
        name, colon, value = line.partition(":")
        if colon and canonical_name(name.strip()) in _ECHOED:
            found.setdefault(canonical_name(name.strip()), []).append(value.strip())
    if any(name not in found for name in _ECHOED):
        return None
    pairs = [(name, value) for name in _ECHOED for value in found[name]]
    if any("\r" in value or "\n" in value for _, value in pairs):
        return None
    warning = quote(str(error).encode("ascii", "backslashreplace").decode("ascii"))
    pairs.append(("Warning", f"{MISC_WARNING} ivrd {warning}"))
    status = error.status_hint
    return Response(status, REASONS.get(status, "Bad Request"), Headers.of(pairs))
