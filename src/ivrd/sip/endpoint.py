"""Who we are on the wire: our Via sent-by, our Contact, and the capabilities we advertise.

Randomness never comes from a global: every builder takes a `Token` callable that returns a
fresh unguessable string (the runtime passes `secrets.token_hex`-like; tests pass a counter).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ivrd.sip.fields import BRANCH_MAGIC_COOKIE
from ivrd.sip.syntax import is_token

Token = Callable[[], str]

ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO"  # RFC 3261 §20.5: methods ivrd answers
ACCEPT = "application/sdp, application/dtmf-relay, application/dtmf"  # RFC 3261 §20.1
SUPPORTED_EXTENSIONS: tuple[str, ...] = ()  # RFC 3261 §20.37: no option tags
DEFAULT_MAX_FORWARDS = 70  # RFC 3261 §8.1.1.6


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Our UDP listening address as peers should reach it."""

    host: str
    port: int
    transport: str = "UDP"
    user_agent: str = "ivrd"

    def __post_init__(self) -> None:
        if not 0 < self.port <= 65535 or not is_token(self.transport):
            raise ValueError(f"invalid endpoint {self.host}:{self.port}/{self.transport}")

    def via(self, token: Token) -> str:
        """A top Via with a fresh RFC 3261 branch, asking for rport (RFC 3581)."""
        return (
            f"SIP/2.0/{self.transport} {self.host}:{self.port}"
            f";branch={BRANCH_MAGIC_COOKIE}{token()};rport"
        )

    def contact(self, user: str | None = None) -> str:
        userinfo = f"{user}@" if user else ""
        return f"<sip:{userinfo}{self.host}:{self.port}>"

    def new_call_id(self, token: Token) -> str:
        return f"{token()}@{self.host}"
