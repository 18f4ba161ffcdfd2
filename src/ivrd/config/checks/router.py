"""``GET .../ivr/check``, ``GET .../ivr/graph`` and ``POST .../ivr/graph`` (with a trace)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Response

from ivrd.api.deps import DbDep, PrincipalDep, SettingsDep
from ivrd.config.checks import service
from ivrd.config.checks.schemas import CheckAnswer, GraphFormat, GraphRequest

router = APIRouter(tags=["ivr"])
GRAPH = "/extension/{extension_id}/ivr/graph"
PICTURE: dict[int | str, dict[str, Any]] = {
    200: {"content": {t: {} for t in service.MEDIA_TYPES.values()}}
}


@router.get(
    "/extension/{extension_id}/ivr/check",
    response_model=CheckAnswer,
    summary="Static checks of the stored menu (docs/checks.md)",
)
def check_ivr(
    extension_id: str, db: DbDep, principal: PrincipalDep, settings: SettingsDep
) -> CheckAnswer:
    now = datetime.now(UTC)
    return service.check_menu(db, principal, extension_id, settings.sound_dir, now)


@router.get(GRAPH, response_class=Response, responses=PICTURE, summary="The menu as a picture")
def graph_ivr(
    extension_id: str, db: DbDep, principal: PrincipalDep, format: GraphFormat = "svg"
) -> Response:
    drawing = service.draw_menu(db, principal, extension_id, format)
    return Response(drawing.content, media_type=drawing.media_type)


@router.post(
    GRAPH,
    response_class=Response,
    responses=PICTURE,
    summary="The menu as a picture, with a simulated call's path marked",
)
def graph_ivr_trace(
    extension_id: str, body: GraphRequest, db: DbDep, principal: PrincipalDep
) -> Response:
    drawing = service.draw_menu(db, principal, extension_id, body.format, body.trace_entries())
    return Response(drawing.content, media_type=drawing.media_type)
