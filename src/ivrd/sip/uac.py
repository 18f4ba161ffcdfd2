"""The calling side of one outgoing INVITE (a B2BUA's outbound leg, RFC 3261 §13.2).

`UacInvite` builds the INVITE (with our SDP offer), reads the responses the client
transaction delivers and says what happened: `Progress` (1xx), `Answered` (2xx: here is the
dialog and the ACK to send; a retransmitted 2xx yields the same ACK again), `Redirected` (3xx)
or `Rejected` (4xx-6xx; the transaction already ACKed it). `cancel` builds the CANCEL (§9.1),
held back until a provisional response has arrived as §9.1 requires. A 401/407 can be
answered once with `authenticate`, which re-sends the INVITE with credentials.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from ivrd.sip.dialog import Dialog, DialogId
from ivrd.sip.digest import Challenge, authorize
from ivrd.sip.endpoint import DEFAULT_MAX_FORWARDS, Endpoint, Token
from ivrd.sip.errors import LocalProtocolError, RemoteProtocolError
from ivrd.sip.fields import NameAddr
from ivrd.sip.headers import Headers
from ivrd.sip.message import Request, Response
from ivrd.sip.uri import SipUri


class UacState(Enum):
    CALLING = "calling"
    PROCEEDING = "proceeding"
    ANSWERED = "answered"
    FAILED = "failed"


U = UacState
TRANSITIONS: dict[tuple[UacState, str], UacState] = {
    (U.CALLING, "1xx"): U.PROCEEDING,
    (U.CALLING, "2xx"): U.ANSWERED,
    (U.CALLING, "final"): U.FAILED,
    (U.PROCEEDING, "1xx"): U.PROCEEDING,
    (U.PROCEEDING, "2xx"): U.ANSWERED,
    (U.PROCEEDING, "final"): U.FAILED,
    (U.ANSWERED, "2xx"): U.ANSWERED,
    (U.FAILED, "retry"): U.CALLING,
}  # RFC 3261 §13.2.2


@dataclass(frozen=True, slots=True)
class Progress:
    """1xx; `cancel` is the CANCEL to send now if one was asked for before any 1xx."""

    response: Response
    cancel: Request | None = None


@dataclass(frozen=True, slots=True)
class Answered:
    """2xx: send `ack` (statelessly, to `dialog.next_hop`); the call is up."""

    response: Response
    dialog: Dialog
    ack: Request


@dataclass(frozen=True, slots=True)
class Redirected:
    response: Response
    contacts: tuple[NameAddr, ...]


@dataclass(frozen=True, slots=True)
class Rejected:
    """4xx-6xx: busy is 486/600, everything else a failure for the engine."""

    response: Response

    @property
    def busy(self) -> bool:
        return self.response.status in (486, 600)


UacEvent = Progress | Answered | Redirected | Rejected


class UacInvite:
    """One outgoing INVITE and what became of it."""

    def __init__(
        self,
        endpoint: Endpoint,
        token: Token,
        request_uri: SipUri,
        from_: NameAddr,
        to: NameAddr,
        body: bytes,
        *,
        routes: tuple[str, ...] = (),
        extra: tuple[tuple[str, str], ...] = (),
        contact_user: str | None = None,
    ) -> None:
        self.endpoint = endpoint
        self._token = token
        self.state = UacState.CALLING
        self.dialog: Dialog | None = None
        self._ack: Request | None = None
        self.contact_user = contact_user
        self._from = from_.with_tag(token())
        self._routes = routes
        self._cancel_wanted = False
        self._cancel_sent = False
        self._extra = extra
        if body:
            self._extra = (("Content-Type", "application/sdp"), *extra)
        headers = self._headers(request_uri, to, endpoint.new_call_id(token), 1, self._extra)
        self.request = Request("INVITE", request_uri, headers, body)

    def _headers(
        self, uri: SipUri, to: NameAddr, call_id: str, seq: int, extra: tuple[tuple[str, str], ...]
    ) -> Headers:
        pairs = [("Via", self.endpoint.via(self._token))]
        pairs += [("Max-Forwards", str(DEFAULT_MAX_FORWARDS))]
        pairs += [("Route", route) for route in self._routes]
        pairs += [("From", str(self._from)), ("To", str(to)), ("Call-ID", call_id)]
        pairs += [("CSeq", f"{seq} INVITE"), ("Contact", self.endpoint.contact(self.contact_user))]
        return Headers.of([*pairs, *extra])

    @property
    def destination(self) -> tuple[str, int]:
        """The first hop: the first Route, else the Request-URI (no DNS here)."""
        if self._routes:
            uri = NameAddr.parse(self._routes[0], "Route").uri
            if isinstance(uri, SipUri):
                return uri.host_port
        uri = self.request.uri
        assert isinstance(uri, SipUri)
        return uri.host_port

    def receive_response(self, response: Response) -> UacEvent | None:
        """A response delivered by the INVITE client transaction; None when absorbed."""
        if response.cseq != self.request.cseq:
            return None  # a response to our CANCEL, or to an INVITE we no longer wait for
        event = "1xx" if response.is_provisional else "2xx" if response.is_success else "final"
        new = TRANSITIONS.get((self.state, event))
        if new is None:
            return None
        self.state = new
        if event == "1xx":
            return Progress(response, self._release_cancel())
        if event == "2xx":
            return self._answered(response)
        if response.status < 400:
            return Redirected(response, tuple(response.contacts))
        return Rejected(response)

    def _answered(self, response: Response) -> Answered:
        """The first 2xx makes the dialog and its ACK; a retransmission gets the same ACK."""
        if self.dialog is None:
            self.dialog = Dialog.for_uac(self.request, response, self.endpoint, self._token)
            self.dialog.contact_user = self.contact_user
            self._ack = self.dialog.ack(self.request)
        elif DialogId.of_response(response) != self.dialog.id:
            raise RemoteProtocolError("2xx from a second fork is not supported", 481)
        assert self._ack is not None
        return Answered(response, self.dialog, self._ack)

    def cancel(self) -> Request | None:
        """The CANCEL to send now, or None (no 1xx yet: it comes with the next `Progress`)."""
        if self.state in (UacState.ANSWERED, UacState.FAILED):
            return None
        self._cancel_wanted = True
        return self._release_cancel() if self.state is UacState.PROCEEDING else None

    def _release_cancel(self) -> Request | None:
        if not self._cancel_wanted or self._cancel_sent:
            return None
        self._cancel_sent = True
        invite = self.request
        names = ("From", "To", "Call-ID")
        pairs = [("Via", invite.headers.lines("Via")[0])]
        pairs += [("Max-Forwards", str(DEFAULT_MAX_FORWARDS))]
        pairs += [("Route", route) for route in invite.headers.lines("Route")]
        pairs += [(name, invite.headers.get(name) or "") for name in names]
        pairs.append(("CSeq", f"{invite.cseq.number} CANCEL"))
        return Request("CANCEL", invite.uri, Headers.of(pairs))

    def authenticate(self, response: Response, username: str, password: str) -> Request:
        """Re-send the INVITE with credentials for a 401/407 (§22.2), once."""
        answered = any(n in self.request.headers for n in ("Authorization", "Proxy-Authorization"))
        if response.status not in (401, 407) or answered:
            raise LocalProtocolError("authenticate answers a first 401/407 only")
        if self.state is not UacState.FAILED:
            raise LocalProtocolError("authenticate needs the 401/407 to be received first")
        proxy = response.status == 407
        challenge = Challenge.parse(
            response.headers.get("Proxy-Authenticate" if proxy else "WWW-Authenticate") or ""
        )
        credentials = authorize(
            challenge, "INVITE", str(self.request.uri), username, password, self._token()
        )
        header = ("Proxy-Authorization" if proxy else "Authorization", str(credentials))
        self.request = self._next_invite((*self._extra, header))
        self.state = TRANSITIONS[(self.state, "retry")]
        return self.request

    def _next_invite(self, extra: tuple[tuple[str, str], ...]) -> Request:
        """The same INVITE (Call-ID, tags, body) with the next CSeq and a new branch."""
        old = self.request
        uri = old.uri
        assert isinstance(uri, SipUri)
        to = NameAddr.parse(old.headers.get("To") or "", "To")
        headers = self._headers(uri, to, old.call_id, old.cseq.number + 1, extra)
        return Request("INVITE", uri, headers, old.body)
