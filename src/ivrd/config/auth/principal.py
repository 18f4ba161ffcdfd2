"""Who is calling: the user a token acts as, its client and its access level."""

from __future__ import annotations

from dataclasses import dataclass

ACCESS_ALL = "all"
ACCESS_CALL_API = "call_api"
ACCESS_LEVELS = (ACCESS_ALL, ACCESS_CALL_API)


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: int
    login: str
    client_id: int
    admin: bool
    access: str
    application_id: int

    @property
    def may_configure(self) -> bool:
        return self.access == ACCESS_ALL
