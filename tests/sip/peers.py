"""Two transaction layers wired back to back over a lossy in-memory 'network', in virtual time.

Every message is rendered to bytes and parsed again on delivery, so the real codec is in the
loop. A `drop` predicate loses chosen datagrams; every datagram put on the wire is logged
with its time so tests can count retransmissions exactly.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from ivrd.sip.actions import Action, Address, SendMessage
from ivrd.sip.message import Message, Request, Response, parse_message
from ivrd.sip.transaction import TransactionLayer

Drop = Callable[[Message, Address, Address], bool]


def counter_tags(prefix: str) -> Callable[[], str]:
    numbers = itertools.count(1)
    return lambda: f"{prefix}{next(numbers)}"


TransactionUser = Callable[[Action, float], list[Action]]


@dataclass
class Peer:
    """One endpoint; `tu`, when set, reacts to each event with more actions (an automatic TU)."""

    address: Address
    layer: TransactionLayer
    events: list[tuple[float, Action]] = field(default_factory=list)
    tu: TransactionUser | None = None

    def tu_events(self) -> list[tuple[float, Action]]:
        return [(t, a) for t, a in self.events if not isinstance(a, SendMessage)]


@dataclass
class Wire:
    """Datagram log entry: (time, source, destination, start line)."""

    time: float
    source: Address
    destination: Address
    message: Message

    @property
    def label(self) -> str:
        if isinstance(self.message, Request):
            return self.message.method
        return str(self.message.status)


class Network:
    def __init__(self, a: Peer, b: Peer, drop: Drop | None = None) -> None:
        self.peers = {a.address: a, b.address: b}
        self.drop = drop or (lambda message, source, destination: False)
        self.now = 0.0
        self.wire: list[Wire] = []

    def run(self, peer: Peer, actions: list[Action]) -> None:
        """Carry out `peer`'s actions at the current time, delivering what it sends."""
        for action in actions:
            peer.events.append((self.now, action))
            if isinstance(action, SendMessage):
                self._deliver(peer, action)
            elif peer.tu is not None:
                self.run(peer, peer.tu(action, self.now))

    def _deliver(self, sender: Peer, action: SendMessage) -> None:
        destination = action.address
        self.wire.append(Wire(self.now, sender.address, destination, action.message))
        if self.drop(action.message, sender.address, destination):
            return
        receiver = self.peers[destination]
        message = parse_message(bytes(action.message))
        self.run(receiver, receiver.layer.receive(message, sender.address, self.now))

    def advance(self, until: float) -> None:
        """Fire timers in deadline order up to `until`."""
        while True:
            deadlines = [p.layer.next_deadline() for p in self.peers.values()]
            due = min((d for d in deadlines if d is not None), default=None)
            if due is None or due > until:
                break
            self.now = due
            for peer in self.peers.values():
                self.run(peer, peer.layer.tick(self.now))
        self.now = until

    def sent(self, label: str, source: Address) -> list[float]:
        """Times at which `source` put a `label` (method or status) on the wire."""
        return [w.time for w in self.wire if w.label == label and w.source == source]


def response_of(action: Action) -> Response:
    assert isinstance(action, SendMessage) and isinstance(action.message, Response)
    return action.message
