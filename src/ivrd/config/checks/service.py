"""Checks and pictures of a stored IVR: compile the snapshot, gather the facts it lacks.

The facts: which sounds the menu plays have no audio file under the sound directory, the
client's interval names, which intervals can never be active again (as of ``now``), and the
IVR's own numbers. The analysis itself is pure (``ivrd.analysis``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivrd.analysis import MenuFacts, analyze, counts
from ivrd.analysis.dot import to_dot
from ivrd.analysis.intervals import never_active_map
from ivrd.analysis.mermaid import to_mermaid
from ivrd.analysis.overlay import overlay
from ivrd.analysis.picture import picture
from ivrd.analysis.references import sounds_used
from ivrd.config.auth.principal import Principal
from ivrd.config.checks.schemas import CheckAnswer, FindingRead, GraphFormat
from ivrd.config.checks.svg import render_svg
from ivrd.config.compile import compile_menu
from ivrd.config.tenancy import extension_for
from ivrd.db import models
from ivrd.db.session import Database
from ivrd.engine.menu import Menu
from ivrd.errors import NotFound

MEDIA_TYPES: dict[str, str] = {
    "svg": "image/svg+xml",
    "dot": "text/vnd.graphviz; charset=utf-8",
    "mermaid": "text/plain; charset=utf-8",
}


@dataclass(frozen=True, slots=True)
class Drawing:
    media_type: str
    content: bytes


def _missing_audio(session: Session, sound_ids: Iterable[int], sound_dir: Path) -> set[int]:
    rows = session.execute(
        select(models.Sound.id, models.Sound.stored_name).where(models.Sound.id.in_(set(sound_ids)))
    )
    return {sound_id for sound_id, stored in rows if not (sound_dir / stored).is_file()}


def load_menu(
    db: Database, principal: Principal, extension_ref: str, sound_dir: Path, now: datetime
) -> tuple[Menu, MenuFacts, str]:
    """The IVR's snapshot, the facts about it, and its extension's name."""
    with db.read() as session:
        extension = extension_for(session, principal, extension_ref)
        if extension.type != "ivr":
            raise NotFound(f"extension {extension.name} is not an IVR")
        menu = compile_menu(session, extension.id)
        used = {s for s, _, _ in sounds_used(menu) if s in menu.sound_durations_ms}
        missing = _missing_audio(session, used, sound_dir)
        rows = session.execute(
            select(models.Interval.id, models.Interval.name).where(
                models.Interval.client_id == extension.client_id
            )
        )
        names: dict[int, str] = {row[0]: row[1] for row in rows}
        own = frozenset({extension.name, extension.short_name})
        name = extension.name
    facts = MenuFacts(
        missing_audio=frozenset(missing),
        interval_names=names,
        never_active=never_active_map(menu.intervals, now),
        own_numbers=own,
    )
    return menu, facts, name


def check_menu(
    db: Database, principal: Principal, extension_ref: str, sound_dir: Path, now: datetime
) -> CheckAnswer:
    menu, facts, _ = load_menu(db, principal, extension_ref, sound_dir, now)
    findings = analyze(menu, facts)
    return CheckAnswer(
        findings=[FindingRead.model_validate(f.as_dict()) for f in findings],
        counts=counts(findings),
    )


def draw_menu(
    db: Database,
    principal: Principal,
    extension_ref: str,
    fmt: GraphFormat,
    trace: list[dict[str, Any]] | None = None,
) -> Drawing:
    """The picture of the IVR in ``fmt``, with ``trace``'s path marked when given."""
    with db.read() as session:
        extension = extension_for(session, principal, extension_ref)
        if extension.type != "ivr":
            raise NotFound(f"extension {extension.name} is not an IVR")
        menu = compile_menu(session, extension.id)
        name = extension.name
    drawn = picture(menu)
    if trace:
        drawn = overlay(drawn, trace)
    if fmt == "mermaid":
        return Drawing(MEDIA_TYPES[fmt], to_mermaid(drawn).encode())
    text = to_dot(drawn, name)
    content = render_svg(text) if fmt == "svg" else text.encode()
    return Drawing(MEDIA_TYPES[fmt], content)
