"""Result shapes as the provider's clients read them (timestamps ``YYYY-MM-DD HH:MM:SS``, UTC)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class CallHistoryItem(BaseModel):
    call_uuid: str
    flow: str
    init_time_gmt: str
    start_time_gmt: str | None
    hangup_time_gmt: str | None
    duration: int
    bridged: bool
    bridged_username: str | None
    extension_id: int | None
    extension_name: str | None
    extension_type: str | None
    from_username: str | None
    to_username: str | None
    did_number: str | None
    result: str
    hangup_cause: str | None
    hangup_disposition: str | None
    cdr: list[dict[str, Any]]


class CallHistoryPage(BaseModel):
    page: int
    per_page: int
    order: str
    call_history: list[CallHistoryItem]


class QualityRateItem(BaseModel):
    id: int
    call_uuid: str
    datetime: str
    extension_id: int | None
    client_id: int
    max_rate: int
    rate: int


class RecordItem(BaseModel):
    record_uuid: str
    call_uuid: str
    client_id: int
    extension_id: int | None
    start_time_gmt: str
    duration: int
    caller_id_number: str | None
    caller_id_name: str | None


class RecordUrl(BaseModel):
    record_url: str
