"""What the transaction layer asks its caller to do, and how transactions are named.

The runtime executes `SendMessage`, hands `RequestReceived` / `ResponseReceived` /
`CancelReceived` / `TransactionTimedOut` to the call logic, and may log `TransactionTerminated`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ivrd.sip.message import Message, Request, Response

Address = tuple[str, int]


@dataclass(frozen=True, slots=True)
class TransactionKey:
    """RFC 3261 §17.1.3 / §17.2.3 matching key; `sent_by` is empty for client transactions."""

    branch: str
    method: str
    sent_by: str = ""

    def __post_init__(self) -> None:
        if not self.branch or not self.method:
            raise ValueError("a transaction key needs a branch and a method")


@dataclass(frozen=True, slots=True)
class SendMessage:
    """Put `message` on the wire to `address`."""

    message: Message
    address: Address


@dataclass(frozen=True, slots=True)
class RequestReceived:
    """A new request for the TU; `transaction` is None for an ACK to a 2xx (no transaction)."""

    request: Request
    source: Address
    transaction: TransactionKey | None


@dataclass(frozen=True, slots=True)
class ResponseReceived:
    """A response to a request the TU sent through `transaction` (2xx retransmits included)."""

    response: Response
    transaction: TransactionKey


@dataclass(frozen=True, slots=True)
class CancelReceived:
    """The peer cancelled a pending INVITE; 200 (CANCEL) and 487 (INVITE) are already sent."""

    invite: Request
    transaction: TransactionKey


@dataclass(frozen=True, slots=True)
class TransactionTimedOut:
    """Timer B/F (no response: treat as 408), H (no ACK to a final) or L (no ACK to a 2xx)."""

    transaction: TransactionKey
    timer: str

    def __post_init__(self) -> None:
        if self.timer not in ("B", "F", "H", "L"):
            raise ValueError(f"timer {self.timer!r} does not time out a transaction")


@dataclass(frozen=True, slots=True)
class TransactionTerminated:
    """The transaction is gone; later messages with its key start afresh or are dropped."""

    transaction: TransactionKey


Action = (
    SendMessage
    | RequestReceived
    | ResponseReceived
    | CancelReceived
    | TransactionTimedOut
    | TransactionTerminated
)
