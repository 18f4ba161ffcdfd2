"""What client and server transactions share: a state moved only by a ``(state, event)``
table, and named timers whose expiry is just another event of that table."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Generic, TypeVar

from ivrd.sip.actions import Action
from ivrd.sip.timers import Timers

StateT = TypeVar("StateT", bound=Enum)

TERMINATED = "TERMINATED"  # RFC 3261 §17: every transaction state machine ends here


class TableMachine(Generic[StateT]):
    """Subclasses set ``state``, ``table`` and ``timers`` and say what a timer does."""

    state: StateT
    table: Mapping[tuple[StateT, str], StateT]
    timers: Timers

    def tick(self, now: float) -> list[Action]:
        """Fire every timer that is due, in deadline order, if the table allows it."""
        actions: list[Action] = []
        for name in self.timers.due(now):
            if self._move(f"timer {name}"):
                actions += self._fire(name, now)
        return actions

    def _move(self, event: str) -> bool:
        """Take ``event`` if the table has a move for it; a terminated machine drops its timers."""
        new = self.table.get((self.state, event))
        if new is None:
            return False
        self.state = new
        if new.name == TERMINATED:
            self.timers.clear()
        return True

    def _fire(self, name: str, now: float) -> list[Action]:
        raise NotImplementedError
