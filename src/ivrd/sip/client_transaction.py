"""Client transactions over UDP (RFC 3261 §17.1, with RFC 6026's Accepted state).

Each transaction is a table of legal `(state, event) -> state` moves. Events are the response
classes received ("1xx", "2xx", "final" for 300-699) and timer expiries; a response the table
does not list for the current state is absorbed, as §17.1 requires. The machine returns the
actions to perform; it never sends by itself.
"""

from __future__ import annotations

from enum import Enum

from ivrd.sip.actions import (
    Action,
    Address,
    ResponseReceived,
    SendMessage,
    TransactionKey,
    TransactionTerminated,
    TransactionTimedOut,
)
from ivrd.sip.errors import LocalProtocolError
from ivrd.sip.headers import Headers
from ivrd.sip.machine import TableMachine
from ivrd.sip.message import Request, Response
from ivrd.sip.timers import T1, T2, TIMER_B, TIMER_D, TIMER_F, TIMER_K, TIMER_M, Timers


class ClientState(Enum):
    CALLING = "Calling"  # INVITE only
    TRYING = "Trying"  # non-INVITE only
    PROCEEDING = "Proceeding"
    ACCEPTED = "Accepted"  # RFC 6026 §7.2, INVITE only
    COMPLETED = "Completed"
    TERMINATED = "Terminated"


S = ClientState
# RFC 3261 §17.1.1.2, figure 5, as amended by RFC 6026 figure 3
INVITE_TABLE: dict[tuple[ClientState, str], ClientState] = {
    (S.CALLING, "timer A"): S.CALLING,
    (S.CALLING, "timer B"): S.TERMINATED,
    (S.CALLING, "1xx"): S.PROCEEDING,
    (S.CALLING, "2xx"): S.ACCEPTED,
    (S.CALLING, "final"): S.COMPLETED,
    (S.PROCEEDING, "1xx"): S.PROCEEDING,
    (S.PROCEEDING, "2xx"): S.ACCEPTED,
    (S.PROCEEDING, "final"): S.COMPLETED,
    (S.PROCEEDING, "timer B"): S.TERMINATED,  # only re-armed by a CANCEL (RFC 3261 §9.1)
    (S.ACCEPTED, "2xx"): S.ACCEPTED,
    (S.ACCEPTED, "timer M"): S.TERMINATED,
    (S.COMPLETED, "final"): S.COMPLETED,
    (S.COMPLETED, "timer D"): S.TERMINATED,
}
# RFC 3261 §17.1.2.2, figure 6
NON_INVITE_TABLE: dict[tuple[ClientState, str], ClientState] = {
    (S.TRYING, "timer E"): S.TRYING,
    (S.TRYING, "timer F"): S.TERMINATED,
    (S.TRYING, "1xx"): S.PROCEEDING,
    (S.TRYING, "2xx"): S.COMPLETED,
    (S.TRYING, "final"): S.COMPLETED,
    (S.PROCEEDING, "timer E"): S.PROCEEDING,
    (S.PROCEEDING, "timer F"): S.TERMINATED,
    (S.PROCEEDING, "1xx"): S.PROCEEDING,
    (S.PROCEEDING, "2xx"): S.COMPLETED,
    (S.PROCEEDING, "final"): S.COMPLETED,
    (S.COMPLETED, "timer K"): S.TERMINATED,
}


def response_class(response: Response) -> str:
    if response.status < 200:
        return "1xx"
    return "2xx" if response.status < 300 else "final"


class ClientTransaction(TableMachine[ClientState]):
    """One request sent by the TU, retransmitted until answered, with its responses matched."""

    def __init__(self, key: TransactionKey, request: Request, destination: Address) -> None:
        if request.method == "ACK":
            raise LocalProtocolError("ACK is sent without a transaction (RFC 3261 §17.1.1.3)")
        self.key = key
        self.request = request
        self.destination = destination
        self.is_invite = request.method == "INVITE"
        self.table = INVITE_TABLE if self.is_invite else NON_INVITE_TABLE
        self.state = S.CALLING if self.is_invite else S.TRYING
        self.timers = Timers()
        self._interval = T1

    @property
    def deadline(self) -> float | None:
        return self.timers.deadline

    def start(self, now: float) -> list[Action]:
        """Send the request and arm timers A and B (or E and F)."""
        if self.is_invite:
            self.timers.start("A", now + T1)
            self.timers.start("B", now + TIMER_B)
        else:
            self.timers.start("E", now + T1)
            self.timers.start("F", now + TIMER_F)
        return [SendMessage(self.request, self.destination)]

    def guard_cancel(self, now: float) -> None:
        """We sent CANCEL: give up on a final response 64*T1 from now (RFC 3261 §9.1)."""
        if self.is_invite and self.state is S.PROCEEDING:
            self.timers.start("B", now + TIMER_B)

    def receive(self, response: Response, now: float) -> list[Action]:
        event = response_class(response)
        if not self._move(event):
            return []
        if self.is_invite:
            return self._invite_response(event, response, now)
        return self._non_invite_response(event, response, now)

    def _invite_response(self, event: str, response: Response, now: float) -> list[Action]:
        self.timers.stop("A", "B")
        deliver: list[Action] = [ResponseReceived(response, self.key)]
        if event == "2xx" and not self.timers.is_running("M"):
            self.timers.start("M", now + TIMER_M)
        if event != "final":
            return deliver
        ack: list[Action] = [SendMessage(self._ack_for(response), self.destination)]
        if self.timers.is_running("D"):
            return ack  # retransmitted final response: ACK again, TU already told
        self.timers.start("D", now + TIMER_D)
        return ack + deliver

    def _non_invite_response(self, event: str, response: Response, now: float) -> list[Action]:
        if event != "1xx":
            self.timers.stop("E", "F")
            self.timers.start("K", now + TIMER_K)
        return [ResponseReceived(response, self.key)]

    def _fire(self, name: str, now: float) -> list[Action]:
        if name in ("A", "E"):
            return self._retransmit(name, now)
        if name in ("B", "F"):
            return [TransactionTimedOut(self.key, name), TransactionTerminated(self.key)]
        return [TransactionTerminated(self.key)]

    def _retransmit(self, name: str, now: float) -> list[Action]:
        self._interval *= 2
        if name == "E":  # RFC 3261 §17.1.2.2: capped at T2, and T2 once a 1xx arrived
            self._interval = T2 if self.state is S.PROCEEDING else min(self._interval, T2)
        self.timers.start(name, now + self._interval)
        return [SendMessage(self.request, self.destination)]

    def _ack_for(self, response: Response) -> Request:
        """The ACK for a non-2xx final response (RFC 3261 §17.1.1.3)."""
        request = self.request
        headers = Headers.of(
            [("Via", request.headers.lines("Via")[0])]
            + [("Route", v) for v in request.headers.lines("Route")]
            + [
                ("Max-Forwards", request.headers.get("Max-Forwards") or "70"),
                ("From", request.headers.get("From") or ""),
                ("To", response.headers.get("To") or ""),
                ("Call-ID", request.call_id),
                ("CSeq", f"{request.cseq.number} ACK"),
            ]
        )
        return Request("ACK", request.uri, headers)
