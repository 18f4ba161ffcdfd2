"""``/client/{client_id}/sound/`` routes: multipart upload, metadata, replace and download."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import FileResponse

from ivrd.api.deps import ConfigurerDep, DbDep, PrincipalDep, SettingsDep
from ivrd.config.paging import PageDep
from ivrd.config.sounds import service
from ivrd.config.sounds.schemas import SoundRead, SoundUpdate
from ivrd.config.types import Id
from ivrd.errors import BadRequest
from ivrd.media.decode import MAX_UPLOAD_BYTES

router = APIRouter(tags=["sound"])
ITEM = "/client/{client_id}/sound/{sound_id}"


def _upload(file: UploadFile) -> service.Upload:
    data = file.file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise BadRequest("file: larger than 10 MB")
    return service.Upload(filename=(file.filename or "sound.wav")[-300:], data=data)


@router.get("/client/{client_id}/sound", response_model=list[SoundRead])
def list_sounds(
    client_id: str,
    db: DbDep,
    principal: PrincipalDep,
    page: PageDep,
    id: Annotated[list[Id], Query()] = [],  # noqa: B006  (FastAPI copies defaults)
    title: Annotated[list[str], Query()] = [],  # noqa: B006
    own_only: bool = False,
) -> list[SoundRead]:
    filters = service.SoundFilter(tuple(id), tuple(title), own_only)
    return service.list_sounds(db, principal, client_id, filters, page)


@router.post("/client/{client_id}/sound", response_model=SoundRead)
def create_sound(
    client_id: str,
    db: DbDep,
    principal: ConfigurerDep,
    settings: SettingsDep,
    title: Annotated[str, Form(max_length=300)],
    file: Annotated[UploadFile, File()],
) -> SoundRead:
    return service.create_sound(db, principal, client_id, title, _upload(file), settings.sound_dir)


@router.get(ITEM, response_model=SoundRead)
def get_sound(client_id: str, sound_id: str, db: DbDep, principal: PrincipalDep) -> SoundRead:
    return service.get_sound(db, principal, client_id, sound_id)


@router.post(ITEM, response_model=SoundRead, summary="Replace the sound's audio")
def replace_sound(
    client_id: str,
    sound_id: str,
    db: DbDep,
    principal: ConfigurerDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File()],
) -> SoundRead:
    return service.replace_sound(
        db, principal, client_id, sound_id, _upload(file), settings.sound_dir
    )


@router.put(ITEM, response_model=SoundRead)
def update_sound(
    client_id: str, sound_id: str, body: SoundUpdate, db: DbDep, principal: ConfigurerDep
) -> SoundRead:
    return service.update_sound(db, principal, client_id, sound_id, body)


@router.delete(ITEM, response_model=SoundRead)
def delete_sound(
    client_id: str, sound_id: str, db: DbDep, principal: ConfigurerDep, settings: SettingsDep
) -> SoundRead:
    return service.delete_sound(db, principal, client_id, sound_id, settings.sound_dir)


@router.get(
    f"{ITEM}/download", response_class=FileResponse, responses={200: {"content": {"audio/wav": {}}}}
)
def download_sound(
    client_id: str, sound_id: str, db: DbDep, principal: PrincipalDep, settings: SettingsDep
) -> FileResponse:
    path, name = service.sound_file(db, principal, client_id, sound_id, settings.sound_dir)
    return FileResponse(path, media_type="audio/wav", filename=name)
