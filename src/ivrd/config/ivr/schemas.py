"""IVR settings as the seed's step 4 answers them, plus the menu's ``version``."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict

from ivrd.config.fields import Emails, LifetimeAction, RefId, TransferDst
from ivrd.config.types import Count


def _blank_is_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


class IvrUpdate(BaseModel):
    """Partial: only the fields sent change. ``null`` (or ``""``, or ``0`` for an id) clears a
    field that may be empty and leaves the others as they are."""

    model_config = ConfigDict(extra="ignore")

    entry_context: RefId = None
    lifetime: Count | None = None
    lifetime_exp_action: Annotated[LifetimeAction | None, BeforeValidator(_blank_is_none)] = None
    lifetime_exp_transfer_dst: Annotated[TransferDst | None, BeforeValidator(_blank_is_none)] = None
    sleep_time: Count | None = None
    vm_enabled: bool | None = None
    vm_greeting: RefId = None
    vm_attach_file: bool | None = None
    vm_mailto: Annotated[Emails | None, BeforeValidator(_blank_is_none)] = None


class IvrRead(BaseModel):
    entry_context: int | None
    lifetime: int
    lifetime_exp_action: str | None
    lifetime_exp_transfer_dst: str | None
    sleep_time: int
    vm_enabled: bool
    vm_greeting: int | None
    vm_attach_file: bool
    vm_mailto: str | None
    version: int
