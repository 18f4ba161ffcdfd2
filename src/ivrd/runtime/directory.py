"""What the node asks the database: where a dialled number goes, and the menu it runs.

Lookups run in a worker thread (the event loop never waits on the database). Menu snapshots are
cached per IVR and rebuilt when the IVR's ``version`` or the client's set of extensions
changes, so a configuration change applies to the next call at once and never to calls in
progress (each call keeps the snapshot it started with).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ivrd.config.compile import compile_menu
from ivrd.config.events.service import hooks_for
from ivrd.config.references import sound_visible_to
from ivrd.db import models
from ivrd.db.session import Database
from ivrd.engine.menu import Menu


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A call's menu and where the audio of the sounds it may play is stored."""

    menu: Menu
    sound_files: dict[int, str]


@dataclass(frozen=True, slots=True)
class Target:
    """A dialled extension, with what the call driver needs to know of it."""

    extension_id: int
    client_id: int
    name: str
    short_name: str
    type: str
    status: str
    did: str | None
    phone_password: str | None


class CallSetup(NamedTuple):
    """The dialled extension (None: no such number); snapshot and hooks for an active IVR."""

    target: Target | None
    snapshot: Snapshot | None
    hooks: list[tuple[str, str, str]]


def _split_user(user: str) -> tuple[str | None, str]:
    prefix, star, short = user.rpartition("*")
    return (prefix if star else None), short


def _target(session: Session, extension: models.Extension, did: str | None) -> Target:
    password = extension.phone.password if extension.phone is not None else None
    return Target(
        extension.id,
        extension.client_id,
        extension.name,
        extension.short_name,
        extension.type,
        extension.status,
        did,
        password,
    )


def find_target(session: Session, user: str) -> Target | None:
    """``000*071``, a DID number (``+7495...``/``7495...``) or a unique short number."""
    did = session.scalar(
        select(models.Did).where(
            models.Did.name.in_((user, user.lstrip("+"), f"+{user.lstrip('+')}"))
        )
    )
    if did is not None and did.extension_id is not None:
        extension = session.get(models.Extension, did.extension_id)
        return None if extension is None else _target(session, extension, did.name)
    prefix, short = _split_user(user)
    query = select(models.Extension).where(models.Extension.short_name == short)
    if prefix is not None:
        query = query.join(models.Client).where(models.Client.prefix == prefix)
    found = list(session.scalars(query.limit(2)))
    return _target(session, found[0], None) if len(found) == 1 else None


class Directory:
    """Thread-safe lookups and the menu snapshot cache."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._menus: dict[int, tuple[tuple[int, int, int], Snapshot]] = {}
        self._lock = threading.Lock()

    def target(self, user: str) -> Target | None:
        with self.db.read() as session:
            return find_target(session, user)

    def phone_target(self, client_id: int, short_name: str) -> Target | None:
        with self.db.read() as session:
            extension = session.scalar(
                select(models.Extension).where(
                    models.Extension.client_id == client_id,
                    models.Extension.short_name == short_name,
                )
            )
            return None if extension is None else _target(session, extension, None)

    def call_setup(self, user: str) -> CallSetup:
        """What a new call needs from the database, read in one session and one worker hop:
        the dialled extension and, for an active IVR, its snapshot and call events."""
        with self.db.read() as session:
            target = find_target(session, user)
            if target is None or target.status != "active" or target.type != "ivr":
                return CallSetup(target, None, [])
            snapshot = self._snapshot(session, target.extension_id)
            return CallSetup(target, snapshot, hooks_for(session, target.extension_id))

    def snapshot(self, extension_id: int) -> Snapshot:
        """The current snapshot of an IVR (compiled again only when something changed)."""
        with self.db.read() as session:
            return self._snapshot(session, extension_id)

    def _snapshot(self, session: Session, extension_id: int) -> Snapshot:
        key = self._menu_key(session, extension_id)
        with self._lock:
            cached = self._menus.get(extension_id)
        if cached is not None and cached[0] == key:
            return cached[1]
        menu = compile_menu(session, extension_id)
        client_id = session.scalar(
            select(models.Extension.client_id).where(models.Extension.id == extension_id)
        )
        visible = sound_visible_to(client_id or 0)
        rows = session.execute(select(models.Sound.id, models.Sound.stored_name).where(visible))
        files = {int(sid): str(name) for sid, name in rows.all()}
        snapshot = Snapshot(menu, files)
        with self._lock:
            self._menus[extension_id] = (key, snapshot)
        return snapshot

    @staticmethod
    def _menu_key(session: Session, extension_id: int) -> tuple[int, int, int]:
        version = (
            session.scalar(
                select(models.Ivr.version).where(models.Ivr.extension_id == extension_id)
            )
            or 0
        )
        client_id = (
            select(models.Extension.client_id)
            .where(models.Extension.id == extension_id)
            .scalar_subquery()
        )
        count, top = session.execute(
            select(func.count(), func.max(models.Extension.id)).where(
                models.Extension.client_id == client_id
            )
        ).one()
        return version, int(count or 0), int(top or 0)
