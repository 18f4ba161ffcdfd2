"""Interval API shapes. Conditions are checked by ``ivrd.engine.intervals``, the same code
that evaluates them on calls, so what the API accepts is exactly what the engine runs."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class IntervalWrite(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1, max_length=200)
    timezone: str | None = Field(default=None, max_length=64, description="IANA name")
    conditions: list[dict[str, Any]] = Field(default_factory=list, max_length=100)


class IntervalUpdate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    timezone: str | None = Field(default=None, max_length=64)
    conditions: list[dict[str, Any]] | None = Field(default=None, max_length=100)


class IntervalRead(BaseModel):
    id: int
    client_id: int
    name: str
    timezone: str
    conditions: list[dict[str, Any]]
