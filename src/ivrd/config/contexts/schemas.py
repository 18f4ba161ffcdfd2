"""Context shapes: ``name`` required on create; every answer carries the eight fields."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from ivrd.config.types import Count

MAX_DIGIT_LEN = 50  # the longest option key a context can hold


class ContextFields(BaseModel):
    model_config = ConfigDict(extra="ignore")

    timeout: Count | None = None
    inter_digit_timeout: Count | None = None
    allow_any_dial: bool | None = None
    digit_len: int | None = Field(default=None, ge=0, le=MAX_DIGIT_LEN)
    extra_params: str | None = Field(default=None, max_length=10_000)
    description: str | None = Field(default=None, max_length=10_000)


class ContextCreate(ContextFields):
    name: str = Field(min_length=1, max_length=200)
    timeout: Count = 0
    inter_digit_timeout: Count = 0
    allow_any_dial: bool = True
    digit_len: int = Field(default=0, ge=0, le=MAX_DIGIT_LEN)

    @field_validator("timeout", "inter_digit_timeout", "allow_any_dial", "digit_len", mode="before")
    @classmethod
    def _null_means_default(cls, value: Any, info: ValidationInfo) -> Any:
        return cls.model_fields[info.field_name or ""].get_default() if value is None else value


class ContextUpdate(ContextFields):
    """Partial: only the fields sent change; ``null`` leaves a field with a default as it is."""

    name: str | None = Field(default=None, min_length=1, max_length=200)


class ContextRead(BaseModel):
    id: int
    name: str
    timeout: int
    inter_digit_timeout: int
    allow_any_dial: bool
    digit_len: int
    extra_params: str | None
    description: str | None
