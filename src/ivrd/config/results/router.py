"""Result routes: call history, quality ratings, recordings (``record``) and voicemail.

Call API tokens may read them all and delete recordings and voicemail (the provider's access
level documentation); nothing here changes configuration.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse

from ivrd.api.deps import DbDep, PrincipalDep, SettingsDep
from ivrd.config.paging import PageDep
from ivrd.config.results import service
from ivrd.config.results.schemas import (
    CallHistoryItem,
    CallHistoryPage,
    QualityRateItem,
    RecordItem,
    RecordUrl,
)
from ivrd.config.types import Id

router = APIRouter(tags=["results"])
Start = Annotated[str | None, Query(description="YYYY-MM-DD HH:MM:SS (UTC)")]
End = Annotated[str | None, Query(description="YYYY-MM-DD HH:MM:SS (UTC)")]
ExtensionIds = Annotated[list[Id], Query()]


@router.get("/client/{client_id}/call_history", response_model=CallHistoryPage)
def call_history(
    client_id: str,
    db: DbDep,
    principal: PrincipalDep,
    page: PageDep,
    start_datetime: Start = None,
    end_datetime: End = None,
    flow: str | None = None,
    extension_id: ExtensionIds = [],  # noqa: B006
    order: str = "asc",
) -> CallHistoryPage:
    period = service.Period.parse(start_datetime, end_datetime)
    return service.call_history(
        db, principal, client_id, period, flow, list(extension_id), order, page
    )


@router.get("/client/{client_id}/call_history/{call_uuid}", response_model=CallHistoryItem)
def call_history_item(
    client_id: str, call_uuid: str, db: DbDep, principal: PrincipalDep
) -> CallHistoryItem:
    return service.call_history_item(db, principal, client_id, call_uuid)


@router.get("/client/{client_id}/quality_rate", response_model=list[QualityRateItem])
def quality_rates(
    client_id: str,
    db: DbDep,
    principal: PrincipalDep,
    start_datetime: Start = None,
    end_datetime: End = None,
    extension_id: ExtensionIds = [],  # noqa: B006
) -> list[QualityRateItem]:
    period = service.Period.parse(start_datetime, end_datetime)
    return service.quality_rates(db, principal, client_id, period, list(extension_id))


def _add_file_routes(kind: str, collection: str) -> None:
    base = f"/client/{{client_id}}/{collection}"

    @router.get(base, response_model=list[RecordItem], name=f"list_{kind}")
    def listing(
        client_id: str,
        db: DbDep,
        principal: PrincipalDep,
        page: PageDep,
        start_datetime: Start = None,
        end_datetime: End = None,
        order: str = "asc",
    ) -> list[RecordItem]:
        period = service.Period.parse(start_datetime, end_datetime)
        return service.recordings(db, principal, kind, period, page, order, client_ref=client_id)

    def download(
        client_id: str, uuid: str, db: DbDep, principal: PrincipalDep, settings: SettingsDep
    ) -> FileResponse:
        path = service.recording_file(db, principal, client_id, kind, uuid, settings.data_dir)
        return FileResponse(path, media_type="audio/wav", filename=f"{uuid}.wav")

    for suffix in ("", "/download"):
        router.add_api_route(
            f"{base}/{{uuid}}{suffix}",
            download,
            methods=["GET"],
            response_class=FileResponse,
            name=f"download_{kind}{suffix}",
            responses={200: {"content": {"audio/wav": {}}}},
        )

    @router.get(f"{base}/{{uuid}}/storage_url", response_model=RecordUrl, name=f"url_{kind}")
    def storage_url(
        client_id: str,
        uuid: str,
        request: Request,
        db: DbDep,
        principal: PrincipalDep,
        settings: SettingsDep,
    ) -> RecordUrl:
        service.recording_file(db, principal, client_id, kind, uuid, settings.data_dir)
        return RecordUrl(
            record_url=str(
                request.url_for(f"download_{kind}/download", client_id=client_id, uuid=uuid)
            )
        )

    @router.delete(f"{base}/{{uuid}}", response_model=RecordItem, name=f"delete_{kind}")
    def delete(
        client_id: str, uuid: str, db: DbDep, principal: PrincipalDep, settings: SettingsDep
    ) -> RecordItem:
        return service.delete_recording(db, principal, client_id, kind, uuid, settings.data_dir)


_add_file_routes("record", "record")
_add_file_routes("voicemail", "voicemail")


@router.get("/extension/{extension_id}/record", response_model=list[RecordItem])
def extension_records(
    extension_id: str,
    db: DbDep,
    principal: PrincipalDep,
    page: PageDep,
    start_datetime: Start = None,
    end_datetime: End = None,
) -> list[RecordItem]:
    period = service.Period.parse(start_datetime, end_datetime)
    return service.recordings(db, principal, "record", period, page, extension_ref=extension_id)
