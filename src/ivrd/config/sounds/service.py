"""Sounds: decode at upload, keep the audio on disk and only its metadata in the database.

The file is written before the row is committed and removed if the transaction fails; a
deleted row's file is removed after the commit. Changing a sound's audio bumps the version of
every IVR that plays it, since call snapshots carry sound durations.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivrd.config.auth.principal import Principal
from ivrd.config.paging import Page
from ivrd.config.references import (
    bump_ivrs_using_sound,
    conflict_message,
    sound_referrers,
    sound_visible_to,
)
from ivrd.config.sounds.schemas import SoundRead, SoundUpdate
from ivrd.config.tenancy import client_for
from ivrd.config.types import parse_id
from ivrd.db.models import Client, Sound
from ivrd.db.session import Database
from ivrd.errors import BadRequest, Conflict, NotFound
from ivrd.media.decode import decode_sound
from ivrd.media.errors import SoundError
from ivrd.media.stored import write_stored
from ivrd.timeutil import format_api_datetime


@dataclass(frozen=True, slots=True)
class Upload:
    filename: str
    data: bytes


@dataclass(frozen=True, slots=True)
class SoundFilter:
    ids: tuple[int, ...] = ()
    titles: tuple[str, ...] = ()
    own_only: bool = False


def _read(sound: Sound) -> SoundRead:
    return SoundRead(
        id=sound.id,
        client_id=sound.client_id,
        title=sound.title,
        dealer_id=sound.dealer_id,
        filename=sound.filename,
        stored_filename=sound.stored_name,
        duration=sound.duration_ms,
        create_date=format_api_datetime(sound.create_date) or "",
    )


def _sound(session: Session, client: Client, sound_id: str, own: bool = False) -> Sound:
    row_id = parse_id(sound_id)
    sound = session.get(Sound, row_id) if row_id else None
    if sound is None or (sound.client_id != client.id and (own or sound.client_id is not None)):
        raise NotFound()
    return sound


def _store(sound_dir: Path, upload: Upload) -> tuple[str, int]:
    """Decode and write the stored form; returns (stored name, duration ms)."""
    try:
        decoded = decode_sound(upload.data)
    except SoundError as exc:
        raise BadRequest(str(exc)) from None
    stored_name = f"{secrets.token_hex(20)}.wav"
    write_stored(sound_dir / stored_name, decoded.pcm)
    return stored_name, decoded.duration_ms


def list_sounds(
    db: Database, principal: Principal, client_ref: str, filters: SoundFilter, page: Page
) -> list[SoundRead]:
    with db.read() as session:
        client = client_for(session, principal, client_ref)
        own = Sound.client_id == client.id
        query = select(Sound).where(own if filters.own_only else sound_visible_to(client.id))
        if filters.ids:
            query = query.where(Sound.id.in_(filters.ids))
        if filters.titles:
            query = query.where(Sound.title.in_(filters.titles))
        return [_read(s) for s in session.scalars(page.apply(query.order_by(Sound.id)))]


def create_sound(
    db: Database,
    principal: Principal,
    client_ref: str,
    title: str,
    upload: Upload,
    sound_dir: Path,
) -> SoundRead:
    if not title.strip():
        raise BadRequest("title: must not be empty")
    with db.read() as session:
        client_for(session, principal, client_ref)
    stored_name, duration = _store(sound_dir, upload)
    try:
        with db.write() as session:
            client = client_for(session, principal, client_ref)
            sound = Sound(
                client_id=client.id,
                dealer_id=None,
                title=title,
                filename=upload.filename,
                stored_name=stored_name,
                duration_ms=duration,
            )
            session.add(sound)
            session.flush()
            return _read(sound)
    except BaseException:
        (sound_dir / stored_name).unlink(missing_ok=True)
        raise


def get_sound(db: Database, principal: Principal, client_ref: str, sound_id: str) -> SoundRead:
    with db.read() as session:
        return _read(_sound(session, client_for(session, principal, client_ref), sound_id))


def sound_file(
    db: Database, principal: Principal, client_ref: str, sound_id: str, sound_dir: Path
) -> tuple[Path, str]:
    """The stored audio's path and the download name."""
    with db.read() as session:
        sound = _sound(session, client_for(session, principal, client_ref), sound_id)
        path, name = sound_dir / sound.stored_name, sound.filename
    if not path.is_file():
        raise NotFound(f"the audio of sound {sound_id} is missing from storage")
    return path, Path(name).with_suffix(".wav").name


def update_sound(
    db: Database, principal: Principal, client_ref: str, sound_id: str, body: SoundUpdate
) -> SoundRead:
    with db.write() as session:
        sound = _sound(session, client_for(session, principal, client_ref), sound_id, own=True)
        sound.title = body.title
        session.flush()
        return _read(sound)


def replace_sound(
    db: Database,
    principal: Principal,
    client_ref: str,
    sound_id: str,
    upload: Upload,
    sound_dir: Path,
) -> SoundRead:
    with db.read() as session:
        _sound(session, client_for(session, principal, client_ref), sound_id, own=True)
    stored_name, duration = _store(sound_dir, upload)
    try:
        with db.write() as session:
            sound = _sound(session, client_for(session, principal, client_ref), sound_id, own=True)
            old_name = sound.stored_name
            sound.stored_name, sound.duration_ms = stored_name, duration
            sound.filename = upload.filename
            bump_ivrs_using_sound(session, sound.id)
            session.flush()
            answer = _read(sound)
    except BaseException:
        (sound_dir / stored_name).unlink(missing_ok=True)
        raise
    (sound_dir / old_name).unlink(missing_ok=True)
    return answer


def delete_sound(
    db: Database, principal: Principal, client_ref: str, sound_id: str, sound_dir: Path
) -> SoundRead:
    with db.write() as session:
        sound = _sound(session, client_for(session, principal, client_ref), sound_id, own=True)
        referrers = sound_referrers(session, sound.id)
        if referrers:
            raise Conflict(conflict_message(f"sound {sound.id}", referrers))
        answer, stored_name = _read(sound), sound.stored_name
        session.delete(sound)
    (sound_dir / stored_name).unlink(missing_ok=True)
    return answer
