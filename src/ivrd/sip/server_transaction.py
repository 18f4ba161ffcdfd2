"""Server transactions over UDP (RFC 3261 §17.2, with RFC 6026's Accepted state).

Events are the TU's responses ("send 1xx", "send 2xx", "send final"), the peer's retransmitted
request ("request"), its ACK ("ack", "ack 2xx") and timer expiries. The TU asking for a move the
table lacks (a second final response, say) is our bug: `LocalProtocolError`. A peer message
the table lacks is absorbed.

Design choice (see docs/sip.md): the INVITE server transaction itself retransmits a 2xx in
the Accepted state (T1 doubling up to T2, RFC 3261 §13.3.1.4) until the dialog's ACK arrives,
and reports timer L as a timeout when no ACK ever came, so the TU can send BYE.
"""

from __future__ import annotations

from enum import Enum

from ivrd.sip.actions import (
    Action,
    Address,
    SendMessage,
    TransactionKey,
    TransactionTerminated,
    TransactionTimedOut,
)
from ivrd.sip.errors import LocalProtocolError
from ivrd.sip.machine import TableMachine
from ivrd.sip.message import Request, Response, make_response
from ivrd.sip.timers import T1, T2, TIMER_H, TIMER_I, TIMER_J, TIMER_L, Timers


class ServerState(Enum):
    TRYING = "Trying"  # non-INVITE only
    PROCEEDING = "Proceeding"
    ACCEPTED = "Accepted"  # RFC 6026 §7.1, INVITE only
    COMPLETED = "Completed"
    CONFIRMED = "Confirmed"  # INVITE only
    TERMINATED = "Terminated"


S = ServerState
# RFC 3261 §17.2.1, figure 7, as amended by RFC 6026 figure 5
INVITE_TABLE: dict[tuple[ServerState, str], ServerState] = {
    (S.PROCEEDING, "request"): S.PROCEEDING,
    (S.PROCEEDING, "send 1xx"): S.PROCEEDING,
    (S.PROCEEDING, "send 2xx"): S.ACCEPTED,
    (S.PROCEEDING, "send final"): S.COMPLETED,
    (S.ACCEPTED, "request"): S.ACCEPTED,
    (S.ACCEPTED, "send 2xx"): S.ACCEPTED,
    (S.ACCEPTED, "ack 2xx"): S.ACCEPTED,
    (S.ACCEPTED, "timer G2xx"): S.ACCEPTED,
    (S.ACCEPTED, "timer L"): S.TERMINATED,
    (S.COMPLETED, "request"): S.COMPLETED,
    (S.COMPLETED, "ack"): S.CONFIRMED,
    (S.COMPLETED, "timer G"): S.COMPLETED,
    (S.COMPLETED, "timer H"): S.TERMINATED,
    (S.CONFIRMED, "request"): S.CONFIRMED,
    (S.CONFIRMED, "ack"): S.CONFIRMED,
    (S.CONFIRMED, "timer I"): S.TERMINATED,
}
# RFC 3261 §17.2.2, figure 8
NON_INVITE_TABLE: dict[tuple[ServerState, str], ServerState] = {
    (S.TRYING, "request"): S.TRYING,
    (S.TRYING, "send 1xx"): S.PROCEEDING,
    (S.TRYING, "send final"): S.COMPLETED,
    (S.PROCEEDING, "request"): S.PROCEEDING,
    (S.PROCEEDING, "send 1xx"): S.PROCEEDING,
    (S.PROCEEDING, "send final"): S.COMPLETED,
    (S.COMPLETED, "request"): S.COMPLETED,
    (S.COMPLETED, "timer J"): S.TERMINATED,
}


class ServerTransaction(TableMachine[ServerState]):
    """One request received from the peer, answered by the TU through this transaction."""

    def __init__(self, key: TransactionKey, request: Request, reply_to: Address) -> None:
        self.key = key
        self.request = request
        self.reply_to = reply_to
        self.is_invite = request.method == "INVITE"
        self.table = INVITE_TABLE if self.is_invite else NON_INVITE_TABLE
        self.state = S.PROCEEDING if self.is_invite else S.TRYING
        self.timers = Timers()
        self.last_response: Response | None = None
        self.acked = False
        self._interval = T1

    @property
    def deadline(self) -> float | None:
        return self.timers.deadline

    def start(self, now: float) -> list[Action]:
        """An INVITE transaction answers 100 Trying at once (RFC 3261 §17.2.1)."""
        if not self.is_invite:
            return []
        return self.respond(make_response(self.request, 100), now)

    def respond(self, response: Response, now: float) -> list[Action]:
        """The TU's response; raises `LocalProtocolError` if the state forbids it."""
        event = self._response_event(response)
        new = self.table.get((self.state, event))
        if new is None:
            raise LocalProtocolError(
                f"cannot {event} in state {self.state.value} of {self.key.method} transaction"
            )
        self.state = new
        self.last_response = response
        self._arm_after_response(event, now)
        return [SendMessage(response, self.reply_to)]

    def _response_event(self, response: Response) -> str:
        if response.is_provisional:
            return "send 1xx"
        return "send 2xx" if response.is_success and self.is_invite else "send final"

    def _arm_after_response(self, event: str, now: float) -> None:
        if event == "send 1xx":
            return
        if not self.is_invite:
            self.timers.start("J", now + TIMER_J)
        elif event == "send final":
            self.timers.start("G", now + T1)
            self.timers.start("H", now + TIMER_H)
        elif not self.timers.is_running("L"):
            self.timers.start("G2xx", now + T1)
            self.timers.start("L", now + TIMER_L)

    def receive_request(self, request: Request, now: float) -> list[Action]:
        """A retransmitted request (or the ACK of a non-2xx): resend or absorb."""
        event = "ack" if request.method == "ACK" else "request"
        if not self._move(event):
            return []
        if event == "ack":
            self.acked = True
            if self.state is S.CONFIRMED and not self.timers.is_running("I"):
                self.timers.stop("G", "H")
                self.timers.start("I", now + TIMER_I)
            return []
        if self.last_response is None or self.state is S.CONFIRMED:
            return []
        return [SendMessage(self.last_response, self.reply_to)]

    def receive_2xx_ack(self) -> None:
        """The dialog's ACK for our 2xx arrived: stop retransmitting (stay to absorb INVITEs)."""
        if self._move("ack 2xx"):
            self.acked = True
            self.timers.stop("G2xx")

    def _fire(self, name: str, now: float) -> list[Action]:
        if name in ("G", "G2xx") and self.last_response is not None:
            self._interval = min(self._interval * 2, T2)
            self.timers.start(name, now + self._interval)
            return [SendMessage(self.last_response, self.reply_to)]
        if name == "H" or (name == "L" and not self.acked):
            return [TransactionTimedOut(self.key, name), TransactionTerminated(self.key)]
        return [TransactionTerminated(self.key)]
