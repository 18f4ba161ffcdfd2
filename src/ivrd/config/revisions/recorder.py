"""Recording a revision in the transaction of the change that makes it.

``touch`` (``config/ivr/scope.py``), the one place a menu's ``version`` grows, marks the IVR
here; just before the transaction commits, the menu is exported as it then stands and
stored as revision ``version``, with the application that wrote it. Every endpoint that
changes a menu therefore records a revision, and a rolled-back change records none.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session, object_session

from ivrd.config.auth.principal import Principal
from ivrd.config.menufile.document import export_menu
from ivrd.db.models import Application, Ivr, IvrRevision

PENDING = "ivrd.revisions.pending"
AUTHOR = "ivrd.revisions.author"
LOCAL_AUTHOR = "local"  # the ``ivrd`` command acting on the database, with no application


def set_author(session: Session, principal: Principal) -> None:
    """Who the session's changes are made by (set when an IVR is locked for writing)."""
    session.info[AUTHOR] = principal


def record_on_commit(ivr: Ivr, source: str) -> None:
    session = object_session(ivr)
    if session is None:
        return
    pending: dict[int, tuple[Ivr, str]] | None = session.info.get(PENDING)
    if pending is None:
        pending = session.info[PENDING] = {}
        event.listen(session, "before_commit", _record_pending)
    pending[ivr.extension_id] = (ivr, source)


def _record_pending(session: Session) -> None:
    pending: dict[int, tuple[Ivr, str]] = session.info.pop(PENDING, {})
    if not pending:
        return
    session.flush()
    application_id, author = _author(session, session.info.get(AUTHOR))
    for ivr, source in pending.values():
        session.add(
            IvrRevision(
                extension_id=ivr.extension_id,
                number=ivr.version,
                application_id=application_id,
                author=author,
                source=source,
                document=export_menu(session, ivr),
            )
        )


def _author(session: Session, principal: Principal | None) -> tuple[int | None, str]:
    if principal is None or not principal.application_id:
        return None, LOCAL_AUTHOR if principal is None else f"{LOCAL_AUTHOR}:{principal.login}"
    application = session.get(Application, principal.application_id)
    return principal.application_id, application.app_id if application else principal.login
