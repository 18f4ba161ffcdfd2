"""Revision routes under ``/extension/{extension_id}/ivr/revisions``."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from ivrd.api.deps import ConfigurerDep, DbDep, PrincipalDep
from ivrd.config.menufile.schemas import ImportResult
from ivrd.config.paging import PageDep
from ivrd.config.revisions import service
from ivrd.config.revisions.schemas import RevisionDiff, RevisionDocument, RevisionRead

BASE = "/extension/{extension_id}/ivr/revisions"

router = APIRouter(tags=["ivr"])


@router.get(BASE, response_model=list[RevisionRead])
def list_revisions(
    extension_id: str, page: PageDep, db: DbDep, principal: PrincipalDep
) -> list[RevisionRead]:
    """Revisions newest first: number (the menu's version then), time, author, source."""
    return service.list_revisions(db, principal, extension_id, page)


@router.get(BASE + "/{number}", response_model=RevisionDocument)
def get_revision(
    extension_id: str, number: int, db: DbDep, principal: PrincipalDep
) -> RevisionDocument:
    return service.get_revision(db, principal, extension_id, number)


@router.get(BASE + "/{old}/diff/{new}", response_model=None)
def diff_revisions(
    extension_id: str,
    old: int,
    new: int,
    db: DbDep,
    principal: PrincipalDep,
    format: Literal["json", "unified"] = "json",
) -> RevisionDiff | PlainTextResponse:
    """What changed from revision ``old`` to ``new``: structured changes, or
    (``format=unified``) a unified diff of the two documents as text."""
    if format == "unified":
        text = service.unified_revisions(db, principal, extension_id, old, new)
        return PlainTextResponse(text)
    return service.diff_revisions(db, principal, extension_id, old, new)


@router.post(BASE + "/{number}/restore", response_model=ImportResult)
def restore_revision(
    extension_id: str, number: int, db: DbDep, principal: ConfigurerDep
) -> ImportResult:
    """Import the revision's document: the menu becomes what it was, as a new revision."""
    return service.restore_revision(db, principal, extension_id, number)
