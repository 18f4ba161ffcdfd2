"""Answers of the import (and of a restore, which is an import of a stored document)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ImportResult(BaseModel):
    """``changes`` is the structured diff of the menu before and after (see revisions/diff)."""

    dry_run: bool
    changed: bool
    version: int
    revision: int | None
    summary: dict[str, dict[str, int]]
    changes: list[dict[str, Any]]
