"""SIP requests and responses: parse one datagram, render one, build a response to a request.

Parsing checks everything the transaction and dialog layers will rely on (start line, the
mandatory headers and their syntax, Content-Length framing), so a message that parses can be
used without further defensive checks; anything else raises `SipParseError` with the reason
and the status to answer with. Header values are decoded as UTF-8 with surrogate escapes,
so arbitrary bytes survive a parse/render round trip.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ivrd.sip.errors import VERSION_NOT_SUPPORTED, SipParseError
from ivrd.sip.fields import CSeq, NameAddr, Via
from ivrd.sip.headers import Headers
from ivrd.sip.syntax import is_token, is_word
from ivrd.sip.uri import SipUri, Uri, parse_uri

SIP_VERSION = "SIP/2.0"  # RFC 3261 §7.1
MANDATORY_HEADERS = ("Via", "From", "To", "Call-ID", "CSeq")  # RFC 3261 §8.1.1
SINGLE_HEADERS = ("From", "To", "Call-ID", "CSeq", "Content-Length", "Max-Forwards",
                  "Content-Type", "Expires", "Date")  # fmt: skip
MAX_MAX_FORWARDS = 255  # RFC 3261 §20.22
REASONS = {
    100: "Trying", 180: "Ringing", 181: "Call Is Being Forwarded", 182: "Queued",
    183: "Session Progress", 200: "OK", 202: "Accepted", 300: "Multiple Choices",
    301: "Moved Permanently", 302: "Moved Temporarily", 400: "Bad Request",
    401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
    406: "Not Acceptable", 407: "Proxy Authentication Required", 408: "Request Timeout",
    415: "Unsupported Media Type", 416: "Unsupported URI Scheme", 420: "Bad Extension",
    423: "Interval Too Brief", 480: "Temporarily Unavailable",
    481: "Call/Transaction Does Not Exist", 482: "Loop Detected", 483: "Too Many Hops",
    486: "Busy Here", 487: "Request Terminated", 488: "Not Acceptable Here",
    491: "Request Pending", 500: "Server Internal Error", 501: "Not Implemented",
    503: "Service Unavailable", 504: "Server Time-out", 505: "Version Not Supported",
    600: "Busy Everywhere", 603: "Decline", 604: "Does Not Exist Anywhere",
    606: "Not Acceptable",
}  # RFC 3261 §21  # fmt: skip

_STATUS_RE = re.compile(r"SIP/(\d+\.\d+) (\d+)(?: (.*))?", re.DOTALL)
_DATE_RE = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    r" \d{4} \d{2}:\d{2}:\d{2} GMT"
)  # RFC 3261 §20.17: rfc1123-date, always GMT
_FOLD_RE = re.compile(r"\r\n[ \t]+")


class _Common:
    """Typed accessors shared by requests and responses (valid once parsed)."""

    __slots__ = ()
    headers: Headers
    body: bytes

    @property
    def vias(self) -> list[Via]:
        return [Via.parse(v) for v in self.headers.get_all("Via")]

    @property
    def top_via(self) -> Via:
        return Via.parse(self.headers.get_all("Via")[0])

    @property
    def from_(self) -> NameAddr:
        return NameAddr.parse(self._one("From"), "From")

    @property
    def to(self) -> NameAddr:
        return NameAddr.parse(self._one("To"), "To")

    @property
    def call_id(self) -> str:
        return self._one("Call-ID")

    @property
    def cseq(self) -> CSeq:
        return CSeq.parse(self._one("CSeq"))

    @property
    def contacts(self) -> list[NameAddr]:
        values = self.headers.get_all("Contact")
        return [NameAddr.parse(v, "Contact") for v in values if v != "*"]

    @property
    def record_routes(self) -> list[NameAddr]:
        return [NameAddr.parse(v, "Record-Route") for v in self.headers.get_all("Record-Route")]

    @property
    def content_type(self) -> str | None:
        value = self.headers.get("Content-Type")
        return None if value is None else value.split(";")[0].strip().lower()

    def _one(self, name: str) -> str:
        value = self.headers.get(name)
        if value is None:
            raise SipParseError(f"missing {name} header")
        return value.strip()

    def _encode(self, start_line: str) -> bytes:
        lines = [start_line]
        lines += [f"{n}: {v}" for n, v in self.headers if n != "Content-Length"]
        lines.append(f"Content-Length: {len(self.body)}")
        head = "\r\n".join(lines) + "\r\n\r\n"
        return head.encode("utf-8", "surrogateescape") + self.body


@dataclass(frozen=True, slots=True)
class Request(_Common):
    """A SIP request; `bytes(request)` renders it with a correct Content-Length."""

    method: str
    uri: Uri
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""

    def __post_init__(self) -> None:
        if not is_token(self.method):
            raise ValueError(f"invalid method {self.method!r}")

    @property
    def max_forwards(self) -> int | None:
        value = self.headers.get("Max-Forwards")
        return None if value is None else int(value)

    def __bytes__(self) -> bytes:
        return self._encode(f"{self.method} {self.uri} {SIP_VERSION}")

    def replace_headers(self, headers: Headers) -> Request:
        return Request(self.method, self.uri, headers, self.body)


@dataclass(frozen=True, slots=True)
class Response(_Common):
    """A SIP response; `bytes(response)` renders it with a correct Content-Length."""

    status: int
    reason: str = ""
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""

    def __post_init__(self) -> None:
        if not 100 <= self.status <= 699:
            raise ValueError(f"status {self.status} out of range 100..699")
        if "\r" in self.reason or "\n" in self.reason:
            raise ValueError("reason phrase contains a line break")

    @property
    def is_provisional(self) -> bool:
        return self.status < 200

    @property
    def is_success(self) -> bool:
        return 200 <= self.status < 300

    def __bytes__(self) -> bytes:
        return self._encode(f"{SIP_VERSION} {self.status} {self.reason}")


Message = Request | Response


def parse_message(data: bytes) -> Message:
    """Parse one UDP datagram into a validated `Request` or `Response`."""
    try:
        return _parse(data)
    except SipParseError:
        raise
    except ValueError as exc:  # a value object refused a field the checks above let through
        raise SipParseError(str(exc)) from exc


def _parse(data: bytes) -> Message:
    data = data.lstrip(b"\r\n")  # RFC 3261 §7.5: ignore CRLFs before the start line
    if not data:
        raise SipParseError("empty message")
    end = data.find(b"\r\n\r\n")
    if end < 0:
        raise SipParseError("no empty line after the headers (truncated message?)")
    text = data[:end].decode("utf-8", "surrogateescape")
    start, *lines = _FOLD_RE.sub(" ", text).split("\r\n")
    headers = Headers.of(_parse_header_line(line) for line in lines)
    body = _frame_body(headers, data[end + 4 :])
    if "\r" in start or "\n" in start:
        raise SipParseError("bare CR or LF in the start line")
    message: Message
    if start.startswith("SIP/"):
        message = Response(*_parse_status_line(start), headers, body)
    else:
        message = Request(*_parse_request_line(start), headers, body)
    validate(message)
    return message


def _parse_status_line(line: str) -> tuple[int, str]:
    match = _STATUS_RE.fullmatch(line)
    if match is None:
        raise SipParseError(f"invalid status line {line!r}")
    if match[1] != "2.0":
        raise SipParseError(f"unsupported SIP version 'SIP/{match[1]}'", VERSION_NOT_SUPPORTED)
    code = match[2]
    if len(code) != 3 or not code.isascii() or not 100 <= int(code) <= 699:
        raise SipParseError(f"invalid status code {code!r}")
    return int(code), match[3] or ""


def _parse_request_line(line: str) -> tuple[str, Uri]:
    parts = line.split(" ")
    if len(parts) != 3 or not all(parts):
        raise SipParseError(f"request line must be 'Method SP Request-URI SP SIP/2.0': {line!r}")
    method, uri_text, version = parts
    if not is_token(method):
        raise SipParseError(f"invalid method {method!r}")
    if not version.upper().startswith("SIP/"):
        raise SipParseError(f"invalid SIP version {version!r}")
    if version.upper() != SIP_VERSION:
        raise SipParseError(f"unsupported SIP version {version!r}", VERSION_NOT_SUPPORTED)
    if uri_text.startswith("<"):
        raise SipParseError("Request-URI must not be enclosed in <>")
    uri = parse_uri(uri_text)
    if isinstance(uri, SipUri) and uri.headers:
        raise SipParseError(f"Request-URI must not carry headers: {uri_text!r}")
    return method, uri


def _parse_header_line(line: str) -> tuple[str, str]:
    name, colon, value = line.partition(":")
    if not colon:
        raise SipParseError(f"header line without a colon: {line!r}")
    name = name.rstrip(" \t")
    if not is_token(name):
        raise SipParseError(f"invalid header name {name!r}")
    if "\r" in value or "\n" in value:
        raise SipParseError(f"bare CR or LF in header {name}")
    return name, value.strip(" \t")


def _frame_body(headers: Headers, rest: bytes) -> bytes:
    lengths = headers.lines("Content-Length")
    if not lengths:
        return rest  # RFC 3261 §18.3: over UDP the body is the rest of the datagram
    if len(lengths) > 1:
        raise SipParseError("multiple Content-Length headers")
    text = lengths[0]
    if not text.isdigit() or not text.isascii():
        raise SipParseError(f"invalid Content-Length {text!r}")
    length = int(text)
    if length > len(rest):
        raise SipParseError(f"Content-Length {length} exceeds the {len(rest)} body bytes received")
    return rest[:length]


def validate(message: Message) -> None:
    """Check the headers every later layer relies on; raise `SipParseError` on the first defect."""
    headers = message.headers
    missing = [name for name in MANDATORY_HEADERS if name not in headers]
    if missing:
        raise SipParseError(f"missing mandatory header(s): {', '.join(missing)}")
    for name in SINGLE_HEADERS:
        if len(headers.lines(name)) > 1:
            raise SipParseError(f"multiple {name} headers")
    _validate_fields(message)
    if isinstance(message, Request):
        _validate_request(message)


def _validate_fields(message: Message) -> None:
    for value in message.headers.get_all("Via"):
        Via.parse(value)
    for name in ("From", "To"):
        NameAddr.parse(message._one(name), name)
    for name in ("Contact", "Route", "Record-Route"):
        for value in message.headers.get_all(name):
            if not (name == "Contact" and value == "*"):
                NameAddr.parse(value, name)
    CSeq.parse(message._one("CSeq"))
    call_id = message.call_id
    if not all(is_word(part) for part in call_id.split("@", 1)):
        raise SipParseError(f"invalid Call-ID {call_id!r}")
    date = message.headers.get("Date")
    if date is not None and not _DATE_RE.fullmatch(date):
        raise SipParseError(f"invalid Date {date!r} (RFC 1123 format in GMT required)")


def _validate_request(request: Request) -> None:
    cseq = request.cseq
    if cseq.method != request.method:
        raise SipParseError(f"CSeq method {cseq.method} does not match {request.method}")
    value = request.headers.get("Max-Forwards")
    if value is not None and not (value.isdigit() and value.isascii()):
        raise SipParseError(f"invalid Max-Forwards {value!r}")
    if value is not None and int(value) > MAX_MAX_FORWARDS:
        raise SipParseError(f"Max-Forwards {value} exceeds {MAX_MAX_FORWARDS}")


def make_response(
    request: Request,
    status: int,
    reason: str | None = None,
    *,
    to_tag: str | None = None,
    extra: tuple[tuple[str, str], ...] = (),
    body: bytes = b"",
) -> Response:
    """A response to `request` (RFC 3261 §8.2.6.2): Via, From, To(+tag), Call-ID and CSeq copied."""
    to = request.to
    if to_tag is not None and to.tag is None:
        to = to.with_tag(to_tag)
    pairs = [("Via", v) for v in request.headers.lines("Via")]
    pairs += [("From", request._one("From")), ("To", str(to))]
    pairs += [("Call-ID", request.call_id), ("CSeq", request._one("CSeq"))]
    headers = Headers.of([*pairs, *extra])
    return Response(status, REASONS.get(status, "") if reason is None else reason, headers, body)
