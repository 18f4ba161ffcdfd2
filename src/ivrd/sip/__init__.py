"""Sans-IO SIP: messages, SDP offer/answer, transactions and dialogs (RFC 3261, 3264, 4566).

Nothing here touches a socket, a clock or a random generator: the runtime feeds datagrams,
decisions and `now`, and carries out the actions it gets back (see docs/sip.md).
"""

from __future__ import annotations

from ivrd.sip.actions import (
    Action,
    Address,
    CancelReceived,
    RequestReceived,
    ResponseReceived,
    SendMessage,
    TransactionKey,
    TransactionTerminated,
    TransactionTimedOut,
)
from ivrd.sip.dialog import (
    AckReceived,
    ByeReceived,
    Dialog,
    DialogEvent,
    DialogId,
    DialogUpdate,
    InfoReceived,
    ReInviteReceived,
    options_response,
)
from ivrd.sip.endpoint import Endpoint, Token
from ivrd.sip.errors import LocalProtocolError, RemoteProtocolError, SipError, SipParseError
from ivrd.sip.fields import CSeq, NameAddr, Via
from ivrd.sip.headers import Headers
from ivrd.sip.message import Message, Request, Response, make_response, parse_message
from ivrd.sip.offer_answer import (
    AudioSession,
    IncompatibleOffer,
    LocalMedia,
    accept_answer,
    answer_offer,
    build_offer,
)
from ivrd.sip.sdp import SdpParseError, SessionDescription, parse_sdp
from ivrd.sip.transaction import TransactionLayer
from ivrd.sip.uac import Answered, Progress, Redirected, Rejected, UacEvent, UacInvite
from ivrd.sip.uas import UasInvite, precheck, reply_to_unparsable
from ivrd.sip.uri import AbsoluteUri, SipUri, Uri, parse_uri

__all__ = [
    "AbsoluteUri", "AckReceived", "Action", "Address", "Answered", "AudioSession", "ByeReceived",
    "CSeq", "CancelReceived", "Dialog", "DialogEvent", "DialogId", "DialogUpdate", "Endpoint",
    "Headers", "IncompatibleOffer", "InfoReceived", "LocalMedia", "LocalProtocolError", "Message",
    "NameAddr", "Progress", "ReInviteReceived", "Redirected", "Rejected", "RemoteProtocolError",
    "Request", "RequestReceived", "Response", "ResponseReceived", "SdpParseError", "SendMessage",
    "SessionDescription", "SipError", "SipParseError", "SipUri", "Token", "TransactionKey",
    "TransactionLayer", "TransactionTerminated", "TransactionTimedOut", "UacEvent", "UacInvite",
    "UasInvite", "Uri", "Via", "accept_answer", "answer_offer", "build_offer", "make_response",
    "options_response", "parse_message", "parse_sdp", "parse_uri", "precheck",
    "reply_to_unparsable",
]  # fmt: skip
