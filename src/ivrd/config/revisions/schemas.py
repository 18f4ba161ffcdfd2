"""Revision answers: the list item, one revision with its document, and a diff."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class RevisionRead(BaseModel):
    number: int
    create_date: str
    application_id: int | None
    author: str
    source: str


class RevisionDocument(RevisionRead):
    document: dict[str, Any]


class RevisionDiff(BaseModel):
    from_revision: int
    to_revision: int
    changes: list[dict[str, Any]]
