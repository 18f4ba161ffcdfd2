"""Call event shapes: ``{id, url, method, event_type}``."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

EventType = Literal[
    "dial-in", "dial-out", "answer", "hangup", "message-in", "message-out", "voicemail"
]
EventMethod = Literal["GET", "POST"]
URL_PATTERN = r"^https?://\S+$"


class EventWrite(BaseModel):
    model_config = ConfigDict(extra="ignore")

    url: str = Field(pattern=URL_PATTERN, max_length=2000, description="http:// or https://")
    method: EventMethod = "POST"
    event_type: EventType


class EventUpdate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    url: str | None = Field(default=None, pattern=URL_PATTERN, max_length=2000)
    method: EventMethod | None = None
    event_type: EventType | None = None


class EventRead(BaseModel):
    id: int
    url: str
    method: str
    event_type: str
