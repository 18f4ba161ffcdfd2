"""SIP dialogs (RFC 3261 §12): the state two UAs share for one call, and in-dialog requests.

A `Dialog` is created by `UasInvite.answer` or `UacInvite.receive_response` and then:
- builds our in-dialog requests (BYE, re-INVITE, INFO, the ACK for a 2xx) with the right
  CSeq, Request-URI and Route set (§12.2.1.1, loose and strict routing);
- takes the peer's in-dialog requests (`receive_request`) and returns a `DialogUpdate`: the
  response to send now (if the dialog can decide alone) and the event for the call logic.
  BYE is answered 200 and ends the dialog; OPTIONS and INFO are answered 200; a re-INVITE is
  handed to the call logic with its parsed offer, which answers with `accept_reinvite`
  (hold is just an offer with sendonly/inactive or c=0.0.0.0; see `offer_answer`).

States move by the table `TRANSITIONS`; a request asked for on a terminated dialog is our
bug (`LocalProtocolError`), the peer's request on one is answered 481.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from ivrd.sip.endpoint import ACCEPT, ALLOW, DEFAULT_MAX_FORWARDS, Endpoint, Token
from ivrd.sip.errors import LocalProtocolError, SipParseError
from ivrd.sip.fields import NameAddr
from ivrd.sip.headers import Headers
from ivrd.sip.message import Request, Response, make_response
from ivrd.sip.sdp import SessionDescription, parse_sdp
from ivrd.sip.uri import SipUri, Uri

SERVER_INTERNAL_ERROR = 500  # RFC 3261 §12.2.2: CSeq not above the last one seen
RETRY_AFTER_SECONDS = "3"  # RFC 3261 §14.2: a re-INVITE while one is pending


class DialogState(Enum):
    EARLY = "early"
    CONFIRMED = "confirmed"
    TERMINATED = "terminated"


D = DialogState
TRANSITIONS: dict[tuple[DialogState, str], DialogState] = {
    (D.EARLY, "confirm"): D.CONFIRMED,
    (D.EARLY, "send"): D.EARLY,
    (D.EARLY, "terminate"): D.TERMINATED,
    (D.CONFIRMED, "confirm"): D.CONFIRMED,
    (D.CONFIRMED, "send"): D.CONFIRMED,
    (D.CONFIRMED, "terminate"): D.TERMINATED,
}  # RFC 3261 §12.1, §15


@dataclass(frozen=True, slots=True)
class DialogId:
    """Call-ID plus our tag and theirs (RFC 3261 §12)."""

    call_id: str
    local_tag: str
    remote_tag: str

    @classmethod
    def of_incoming(cls, request: Request) -> DialogId:
        """The id of the dialog a received in-dialog request belongs to."""
        return cls(request.call_id, request.to.tag or "", request.from_.tag or "")

    @classmethod
    def of_response(cls, response: Response) -> DialogId:
        """The id of the dialog a response to one of our requests belongs to."""
        return cls(response.call_id, response.from_.tag or "", response.to.tag or "")


@dataclass(frozen=True, slots=True)
class AckReceived:
    request: Request


@dataclass(frozen=True, slots=True)
class ByeReceived:
    request: Request


@dataclass(frozen=True, slots=True)
class ReInviteReceived:
    """Answer with `Dialog.accept_reinvite` (or a rejection via `Dialog.respond`)."""

    request: Request
    offer: SessionDescription | None


@dataclass(frozen=True, slots=True)
class InfoReceived:
    """INFO body for the DTMF parser (application/dtmf-relay, application/dtmf)."""

    request: Request
    content_type: str | None
    body: bytes


DialogEvent = AckReceived | ByeReceived | ReInviteReceived | InfoReceived


@dataclass(frozen=True, slots=True)
class DialogUpdate:
    """What to send now (through the server transaction) and what to tell the call logic."""

    response: Response | None
    event: DialogEvent | None


class Dialog:
    """One dialog; mutable, but only through the methods below."""

    def __init__(
        self,
        dialog_id: DialogId,
        local: NameAddr,
        remote: NameAddr,
        remote_target: Uri,
        route_set: tuple[str, ...],
        local_seq: int,
        remote_seq: int | None,
        endpoint: Endpoint,
        token: Token,
    ) -> None:
        self.id = dialog_id
        self.local = local
        self.remote = remote
        self.remote_target = remote_target
        self.route_set = route_set
        self.local_seq = local_seq
        self.remote_seq = remote_seq
        self.endpoint = endpoint
        self._token = token
        self.state = DialogState.EARLY
        self.contact_user: str | None = None
        self._reinvite_in: Request | None = None
        self._reinvite_out: Request | None = None

    @classmethod
    def for_uas(
        cls, invite: Request, response: Response, endpoint: Endpoint, token: Token
    ) -> Dialog:
        """§12.1.1: the UAS side, from the INVITE and our response carrying the To-tag."""
        dialog = cls(
            DialogId(invite.call_id, response.to.tag or "", invite.from_.tag or ""),
            response.to, invite.from_, _target(invite),
            tuple(invite.headers.get_all("Record-Route")), 0, invite.cseq.number, endpoint, token,
        )  # fmt: skip
        dialog._move("confirm" if response.is_success else "send")
        return dialog

    @classmethod
    def for_uac(
        cls, invite: Request, response: Response, endpoint: Endpoint, token: Token
    ) -> Dialog:
        """§12.1.2: the UAC side, from our INVITE and the peer's response; route set reversed."""
        routes = tuple(reversed(response.headers.get_all("Record-Route")))
        dialog = cls(
            DialogId(invite.call_id, invite.from_.tag or "", response.to.tag or ""),
            invite.from_, response.to, _target(response), routes,
            invite.cseq.number, None, endpoint, token,
        )  # fmt: skip
        dialog._move("confirm" if response.is_success else "send")
        return dialog

    def _move(self, event: str) -> None:
        new = TRANSITIONS.get((self.state, event))
        if new is None:
            raise LocalProtocolError(f"cannot {event} a dialog in state {self.state.value}")
        self.state = new

    def confirm(self, response: Response) -> None:
        """A 2xx turned our early dialog into a confirmed one (refreshes the target)."""
        self._move("confirm")
        self.remote_target = _target(response)
        self.route_set = tuple(reversed(response.headers.get_all("Record-Route")))

    @property
    def next_hop(self) -> tuple[str, int]:
        """Where our in-dialog requests go: the first route, else the remote target."""
        uri = (
            NameAddr.parse(self.route_set[0], "Route").uri if self.route_set else self.remote_target
        )
        if not isinstance(uri, SipUri):
            raise LocalProtocolError(f"cannot route to non-SIP URI {uri}")
        return uri.host_port

    def new_request(
        self, method: str, body: bytes = b"", content_type: str | None = None,
        extra: tuple[tuple[str, str], ...] = (),
    ) -> Request:  # fmt: skip
        """An in-dialog request with the next CSeq (§12.2.1.1); not for ACK or CANCEL."""
        if method in ("ACK", "CANCEL"):
            raise LocalProtocolError(f"{method} is not built with new_request")
        self._move("send")
        self.local_seq += 1
        request = self._build(method, self.local_seq, body, content_type, extra)
        if method == "INVITE":
            self._reinvite_out = request
        if method == "BYE":
            self._move("terminate")
        return request

    def ack(self, invite: Request, body: bytes = b"", content_type: str | None = None) -> Request:
        """The ACK for a 2xx to `invite` (§13.2.2.4): same CSeq number and credentials."""
        names = ("Authorization", "Proxy-Authorization")
        credentials = tuple((n, v) for n in names for v in invite.headers.lines(n))
        return self._build("ACK", invite.cseq.number, body, content_type, credentials)

    def _build(
        self, method: str, seq: int, body: bytes, content_type: str | None,
        extra: tuple[tuple[str, str], ...],
    ) -> Request:  # fmt: skip
        uri, routes = self._request_uri_and_routes()
        pairs = [
            ("Via", self.endpoint.via(self._token)),
            ("Max-Forwards", str(DEFAULT_MAX_FORWARDS)),
        ]
        pairs += [("Route", route) for route in routes]
        pairs += [("From", str(self.local)), ("To", str(self.remote)), ("Call-ID", self.id.call_id)]
        pairs += [("CSeq", f"{seq} {method}")]
        if method == "INVITE":
            pairs.append(("Contact", self.endpoint.contact(self.contact_user)))
        if content_type is not None:
            pairs.append(("Content-Type", content_type))
        return Request(method, uri, Headers.of([*pairs, *extra]), body)

    def _request_uri_and_routes(self) -> tuple[Uri, list[str]]:
        if not self.route_set:
            return self.remote_target, []
        first = NameAddr.parse(self.route_set[0], "Route")
        if isinstance(first.uri, SipUri) and first.uri.lr:
            return self.remote_target, list(self.route_set)
        # §12.2.1.1 strict routing: the first route becomes the Request-URI
        return first.uri, [*self.route_set[1:], f"<{self.remote_target}>"]

    def receive_response(self, response: Response, request: Request) -> Request | None:
        """A final response to our in-dialog `request`; returns the ACK a re-INVITE 2xx needs."""
        if request.method != "INVITE" or response.is_provisional:
            return None
        self._reinvite_out = None
        if not response.is_success:
            return None
        self.remote_target = _target(response)
        return self.ack(request)

    def receive_request(self, request: Request) -> DialogUpdate:
        """A request the peer sent inside this dialog (matched by `DialogId.of_incoming`)."""
        if request.method == "ACK":
            return self._receive_ack(request)
        if self.state is DialogState.TERMINATED:
            return DialogUpdate(self.respond(request, 481), None)
        if self.remote_seq is not None and request.cseq.number <= self.remote_seq:
            return DialogUpdate(self.respond(request, SERVER_INTERNAL_ERROR), None)
        self.remote_seq = request.cseq.number
        handler = _HANDLERS.get(request.method, Dialog._not_allowed)
        return handler(self, request)

    def _receive_ack(self, ack: Request) -> DialogUpdate:
        if self.state is DialogState.EARLY:
            self._move("confirm")
        return DialogUpdate(None, AckReceived(ack))

    def _bye(self, request: Request) -> DialogUpdate:
        self._move("terminate")
        return DialogUpdate(self.respond(request, 200), ByeReceived(request))

    def _info(self, request: Request) -> DialogUpdate:
        event = InfoReceived(request, request.content_type, request.body)
        return DialogUpdate(self.respond(request, 200), event)

    def _options(self, request: Request) -> DialogUpdate:
        return DialogUpdate(options_response(request, self.id.local_tag), None)

    def _not_allowed(self, request: Request) -> DialogUpdate:
        return DialogUpdate(self.respond(request, 405, extra=(("Allow", ALLOW),)), None)

    def _reinvite(self, request: Request) -> DialogUpdate:
        if self._reinvite_out is not None:
            return DialogUpdate(self.respond(request, 491), None)  # §14.2 glare
        if self._reinvite_in is not None:
            retry = (("Retry-After", RETRY_AFTER_SECONDS),)
            return DialogUpdate(self.respond(request, 500, extra=retry), None)
        try:
            offer = parse_sdp(request.body) if request.body else None
        except SipParseError as exc:
            return DialogUpdate(self.respond(request, 400, reason=f"Bad SDP: {exc}"), None)
        self._reinvite_in = request
        self.remote_target = _target(request)
        return DialogUpdate(None, ReInviteReceived(request, offer))

    def accept_reinvite(self, request: Request, answer: bytes) -> Response:
        """200 with our SDP answer to the pending re-INVITE `request`."""
        if self._reinvite_in is not request:
            raise LocalProtocolError("no such re-INVITE is pending")
        self._reinvite_in = None
        extra = (("Contact", self.endpoint.contact(self.contact_user)),
                 ("Content-Type", "application/sdp"))  # fmt: skip
        return self.respond(request, 200, extra=extra, body=answer)

    def respond(
        self, request: Request, status: int, reason: str | None = None,
        extra: tuple[tuple[str, str], ...] = (), body: bytes = b"",
    ) -> Response:  # fmt: skip
        """A response to an in-dialog `request` (clears a pending re-INVITE on a final one)."""
        if request is self._reinvite_in and status >= 200:
            self._reinvite_in = None
        return make_response(request, status, reason, to_tag=self.id.local_tag, extra=extra,
                             body=body)  # fmt: skip


def options_response(request: Request, to_tag: str) -> Response:
    """200 to OPTIONS, in or out of a dialog (keepalive probes, RFC 3261 §11.2)."""
    extra = (("Allow", ALLOW), ("Accept", ACCEPT), ("Accept-Encoding", "identity"),
             ("Accept-Language", "en"))  # fmt: skip
    return make_response(request, 200, to_tag=to_tag, extra=extra)


def _target(message: Request | Response) -> Uri:
    contacts = message.contacts
    if not contacts:
        raise SipParseError("dialog-creating message without a Contact")
    return contacts[0].uri


_HANDLERS = {
    "BYE": Dialog._bye,
    "INFO": Dialog._info,
    "OPTIONS": Dialog._options,
    "INVITE": Dialog._reinvite,
}
