"""Reading, comparing and restoring the revisions of one IVR (newest first).

A restore is an import of the stored document (``menufile.service.replace_menu``): it is
validated the same way (a sound deleted since is an error), bumps ``version`` once and is
itself recorded as a new revision whose source is ``restore of N``.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivrd.config.auth.principal import Principal
from ivrd.config.ivr.scope import ivr_for_read, ivr_for_write
from ivrd.config.menufile.schemas import ImportResult
from ivrd.config.menufile.service import replace_menu
from ivrd.config.paging import Page
from ivrd.config.revisions.diff import diff_documents, unified_diff
from ivrd.config.revisions.schemas import RevisionDiff, RevisionDocument, RevisionRead
from ivrd.config.types import INT32_MAX
from ivrd.db.models import Ivr, IvrRevision
from ivrd.db.session import Database
from ivrd.errors import NotFound
from ivrd.timeutil import format_api_datetime


def to_read(revision: IvrRevision) -> RevisionRead:
    return RevisionRead(
        number=revision.number,
        create_date=format_api_datetime(revision.create_date) or "",
        application_id=revision.application_id,
        author=revision.author,
        source=revision.source,
    )


def revision_of(session: Session, ivr: Ivr, number: int) -> IvrRevision:
    found = (
        session.scalar(
            select(IvrRevision).where(
                IvrRevision.extension_id == ivr.extension_id, IvrRevision.number == number
            )
        )
        if 0 < number <= INT32_MAX
        else None
    )
    if found is None:
        raise NotFound(f"revision {number} not found")
    return found


def list_revisions(
    db: Database, principal: Principal, extension_ref: str, page: Page
) -> list[RevisionRead]:
    with db.read() as session:
        ivr = ivr_for_read(session, principal, extension_ref)
        query = (
            select(IvrRevision)
            .where(IvrRevision.extension_id == ivr.extension_id)
            .order_by(IvrRevision.number.desc())
        )
        return [to_read(revision) for revision in session.scalars(page.apply(query))]


def get_revision(
    db: Database, principal: Principal, extension_ref: str, number: int
) -> RevisionDocument:
    with db.read() as session:
        revision = revision_of(session, ivr_for_read(session, principal, extension_ref), number)
        return RevisionDocument(**to_read(revision).model_dump(), document=revision.document)


def diff_revisions(
    db: Database, principal: Principal, extension_ref: str, old: int, new: int
) -> RevisionDiff:
    with db.read() as session:
        ivr = ivr_for_read(session, principal, extension_ref)
        before, after = revision_of(session, ivr, old), revision_of(session, ivr, new)
        changes = diff_documents(before.document, after.document)
        return RevisionDiff(from_revision=old, to_revision=new, changes=changes)


def unified_revisions(
    db: Database, principal: Principal, extension_ref: str, old: int, new: int
) -> str:
    with db.read() as session:
        ivr = ivr_for_read(session, principal, extension_ref)
        before, after = revision_of(session, ivr, old), revision_of(session, ivr, new)
        return unified_diff(before.document, after.document, f"revision {old}", f"revision {new}")


def restore_revision(
    db: Database, principal: Principal, extension_ref: str, number: int
) -> ImportResult:
    with db.write() as session:
        ivr = ivr_for_write(session, principal, extension_ref)
        document = revision_of(session, ivr, number).document
        return replace_menu(session, ivr, document, f"restore of {number}")
