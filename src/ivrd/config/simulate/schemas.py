"""Simulation request and answer shapes."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class CannedReply(BaseModel):
    status: int = Field(default=200, ge=100, le=599)
    body: str = Field(default="", max_length=65536)


class SimulationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    caller_id_number: str = Field(default="79001234567", max_length=64)
    caller_id_name: str = Field(default="", max_length=128)
    called_did: str = Field(default="", max_length=64)
    at: str | None = Field(default=None, description="YYYY-MM-DD HH:MM:SS (UTC), for intervals")
    script: list[dict[str, Any]] = Field(default_factory=list, max_length=1000)
    transfers: dict[str, Literal["answer", "busy", "no_answer", "failed"]] = Field(
        default_factory=dict, description="outcome per number; unlisted numbers answer"
    )
    talk_ms: int = Field(default=60_000, ge=0, le=86_400_000)
    call_interactive: Literal["live"] | dict[str, CannedReply] = Field(default_factory=dict)
    speech_available: bool = True


class SimulationAnswer(BaseModel):
    id: str
    menu_version: int
    trace: list[dict[str, Any]]
    outcome: dict[str, Any]
    variables: dict[str, Any]
