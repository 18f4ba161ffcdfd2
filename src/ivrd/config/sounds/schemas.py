"""Sound API shapes (the upload itself is multipart: ``title`` and ``file``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class SoundRead(BaseModel):
    id: int
    client_id: int | None
    title: str
    dealer_id: int | None
    filename: str
    stored_filename: str = Field(description="name Call Interactive's <PlaySound> may use")
    duration: int = Field(description="milliseconds of audio")
    create_date: str


class SoundUpdate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    title: str = Field(min_length=1, max_length=300)
