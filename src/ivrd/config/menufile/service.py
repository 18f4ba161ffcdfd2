"""Export and import of a whole menu; an import is one transaction or nothing.

The document is validated completely before anything is written (``load.py``); any error
refuses the import with the list of every error, and the menu and its revisions stay as
they were. A valid import rewrites the menu under the IVR's row lock and bumps ``version``
once, so calls in progress keep the snapshot they started with and new calls see the new
menu at once. A dry run does the same work and rolls it back. An import that changes
nothing bumps nothing and records no revision.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivrd.config.auth.principal import Principal
from ivrd.config.ivr.scope import ivr_for_read, ivr_for_write, touch
from ivrd.config.menufile.apply import apply_menu
from ivrd.config.menufile.document import client_of_ivr, export_menu
from ivrd.config.menufile.load import Catalog, Loader
from ivrd.config.menufile.schemas import ImportResult
from ivrd.config.references import sound_visible_to
from ivrd.config.revisions.diff import diff_documents
from ivrd.db.models import Interval, Ivr, Sound
from ivrd.db.session import Database
from ivrd.errors import InvalidDocument


class _DryRun(Exception):
    def __init__(self, result: ImportResult) -> None:
        super().__init__("dry run")
        self.result = result


def export_ivr(db: Database, principal: Principal, extension_ref: str) -> dict[str, Any]:
    with db.read() as session:
        return export_menu(session, ivr_for_read(session, principal, extension_ref))


def import_ivr(
    db: Database, principal: Principal, extension_ref: str, document: Any, dry_run: bool
) -> ImportResult:
    try:
        with db.write() as session:
            ivr = ivr_for_write(session, principal, extension_ref)
            result = replace_menu(session, ivr, document, "import", dry_run)
            if dry_run:
                raise _DryRun(result)
            return result
    except _DryRun as done:
        return done.result


def replace_menu(
    session: Session, ivr: Ivr, document: Any, source: str, dry_run: bool = False
) -> ImportResult:
    """Validate ``document`` and make it the IVR's menu (the caller holds the lock)."""
    loader = Loader(catalog(session, ivr))
    menu = loader.load(document)
    if menu is None:
        count = len(loader.errors)
        raise InvalidDocument(
            f"the menu was not imported: {count} error{'s' if count != 1 else ''}; "
            "nothing was changed",
            loader.errors,
        )
    before = export_menu(session, ivr)
    counts = apply_menu(session, ivr, menu)
    changes = diff_documents(before, export_menu(session, ivr))
    if changes and not dry_run:
        touch(ivr, source)
    return ImportResult(
        dry_run=dry_run,
        changed=bool(changes),
        version=ivr.version,
        revision=ivr.version if changes and not dry_run else None,
        summary=counts.as_dict(),
        changes=changes,
    )


def catalog(session: Session, ivr: Ivr) -> Catalog:
    client = client_of_ivr(session, ivr)
    sounds = session.execute(select(Sound.id, Sound.title).where(sound_visible_to(client.id)))
    intervals = session.execute(
        select(Interval.id, Interval.name).where(Interval.client_id == client.id)
    )
    return Catalog(
        sounds=dict(sounds.all()),
        intervals=dict(intervals.all()),
        speech_enabled=client.speech_enabled,
    )
