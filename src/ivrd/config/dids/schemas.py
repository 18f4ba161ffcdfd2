"""DID API shapes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ivrd.config.types import Id

DID_NUMBER = r"^\+?[0-9]{3,20}$"


class DidCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = Field(
        pattern=DID_NUMBER, description="the public number, digits with an optional +"
    )
    extension_id: Id | None = None


class DidUpdate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    extension_id: Id | None = None


class DidRead(BaseModel):
    id: int
    name: str
    domain: str | None
    client_id: int
    extension_id: int | None
    create_date: str
