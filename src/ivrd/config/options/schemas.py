"""Option shapes: ``{"digits": ...}`` in and out."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict

from ivrd.config.fields import OptionDigits, int_to_str


class OptionCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    digits: Annotated[OptionDigits, BeforeValidator(int_to_str)]


class OptionRead(BaseModel):
    digits: str
