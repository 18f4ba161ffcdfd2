"""``GET .../ivr/export`` and ``PUT .../ivr/import[?dry_run=true]``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body

from ivrd.api.deps import ConfigurerDep, DbDep, PrincipalDep
from ivrd.config.menufile import service
from ivrd.config.menufile.schemas import ImportResult

BASE = "/extension/{extension_id}/ivr"

router = APIRouter(tags=["ivr"])


@router.get(BASE + "/export")
def export_ivr(extension_id: str, db: DbDep, principal: PrincipalDep) -> dict[str, Any]:
    """The whole menu as one document (see docs/menus-as-files.md)."""
    return service.export_ivr(db, principal, extension_id)


@router.put(BASE + "/import", response_model=ImportResult)
def import_ivr(
    extension_id: str,
    document: Annotated[dict[str, Any], Body()],
    db: DbDep,
    principal: ConfigurerDep,
    dry_run: bool = False,
) -> ImportResult:
    """Replace the whole menu by the document, or (``dry_run``) show what would change.
    On any error nothing changes and the answer (400) lists every error."""
    return service.import_ivr(db, principal, extension_id, document, dry_run)
