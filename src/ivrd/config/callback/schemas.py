"""The click-to-call request and answer, as existing clients of the provider send them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from ivrd.config.fields import MAX_TRANSFER_NUMBERS, PLAIN_NUMBER

CallerName = Annotated[str, Field(max_length=128, pattern=r"^[^\r\n]*$")]


def _number(value: str) -> str:
    value = value.strip()
    if not PLAIN_NUMBER.fullmatch(value):
        raise ValueError(f"{value!r} is not a number (digits, *, #, a leading +; at most 32)")
    return value


def _numbers(value: object) -> object:
    """One number, a space- or comma-separated string of them, or a list."""
    if isinstance(value, str):
        return [part for part in value.replace(",", " ").split() if part]
    return value


Number = Annotated[str, AfterValidator(_number)]


class CallbackCreate(BaseModel):
    """``src_num``: the phones to ring first, together (the first to answer is connected);
    ``dst_num``: the number to call then; ``caller_id_*``: what ``dst_num`` sees."""

    model_config = ConfigDict(extra="ignore")

    src_num: Annotated[
        list[Number],
        BeforeValidator(_numbers),
        Field(min_length=1, max_length=MAX_TRANSFER_NUMBERS),
    ]
    dst_num: Number
    caller_id_name: CallerName | None = None
    caller_id_number: Number | None = None


class CallbackStarted(BaseModel):
    call_api_id: str
    call_id: str


@dataclass(frozen=True, slots=True)
class CallbackOrder:
    """What the SIP node needs to place one click-to-call."""

    call_id: str
    client_id: int
    extension_id: int
    extension_name: str
    sources: tuple[str, ...]
    destination: str
    caller_id_number: str | None
    caller_id_name: str | None
