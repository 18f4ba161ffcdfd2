"""Queries over the results the nodes store (``runtime/results.py`` writes them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from ivrd.config.auth.principal import Principal
from ivrd.config.paging import Page
from ivrd.config.results.schemas import (
    CallHistoryItem,
    CallHistoryPage,
    QualityRateItem,
    RecordItem,
)
from ivrd.config.tenancy import client_for, extension_for
from ivrd.db.models import CallRecord, QualityRating, Recording
from ivrd.db.session import Database
from ivrd.errors import BadRequest, NotFound
from ivrd.timeutil import format_api_datetime, parse_api_datetime

VOICEMAIL_MAX_SPAN = timedelta(days=62)  # "at most two months apart"
FOLDERS = {"record": "recordings", "voicemail": "voicemail"}


@dataclass(frozen=True, slots=True)
class Period:
    start: datetime | None = None
    end: datetime | None = None

    @classmethod
    def parse(cls, start: str | None, end: str | None) -> Period:
        return cls(_when("start_datetime", start), _when("end_datetime", end))


def _when(field: str, text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return parse_api_datetime(text).replace(tzinfo=None)
    except ValueError:
        raise BadRequest(f"{field}: expected YYYY-MM-DD HH:MM:SS") from None


def _dt(value: datetime | None) -> str | None:
    return format_api_datetime(value)


def _history_item(row: CallRecord) -> CallHistoryItem:
    return CallHistoryItem(
        call_uuid=row.call_uuid,
        flow=row.flow,
        init_time_gmt=_dt(row.init_time) or "",
        start_time_gmt=_dt(row.start_time),
        hangup_time_gmt=_dt(row.hangup_time),
        duration=row.duration,
        bridged=row.bridged,
        bridged_username=row.bridged_username,
        extension_id=row.extension_id,
        extension_name=row.extension_name,
        extension_type=row.extension_type,
        from_username=row.from_username,
        to_username=row.to_username,
        did_number=row.did_number,
        result=row.result,
        hangup_cause=row.hangup_cause,
        hangup_disposition=row.hangup_disposition,
        cdr=list(row.cdr or []),
    )


def _between(query: Select[Any], column: Any, period: Period) -> Select[Any]:
    if period.start is not None:
        query = query.where(column >= period.start)
    if period.end is not None:
        query = query.where(column <= period.end)
    return query


def call_history(
    db: Database,
    principal: Principal,
    client_ref: str,
    period: Period,
    flow: str | None,
    extension_ids: list[int],
    order: str,
    page: Page,
) -> CallHistoryPage:
    if order not in ("asc", "desc"):
        raise BadRequest("order: asc or desc")
    with db.read() as session:
        client = client_for(session, principal, client_ref)
        query = _between(
            select(CallRecord).where(CallRecord.client_id == client.id),
            CallRecord.init_time,
            period,
        )
        if flow:
            query = query.where(CallRecord.flow == flow)
        if extension_ids:
            query = query.where(CallRecord.extension_id.in_(extension_ids))
        sort = CallRecord.init_time.asc() if order == "asc" else CallRecord.init_time.desc()
        rows = session.scalars(page.apply(query.order_by(sort, CallRecord.id)))
        items = [_history_item(r) for r in rows]
    return CallHistoryPage(page=page.page, per_page=page.per_page, order=order, call_history=items)


def call_history_item(
    db: Database, principal: Principal, client_ref: str, uuid: str
) -> CallHistoryItem:
    with db.read() as session:
        client = client_for(session, principal, client_ref)
        row = session.scalar(
            select(CallRecord).where(
                CallRecord.call_uuid == uuid, CallRecord.client_id == client.id
            )
        )
        if row is None:
            raise NotFound()
        return _history_item(row)


def quality_rates(
    db: Database, principal: Principal, client_ref: str, period: Period, extension_ids: list[int]
) -> list[QualityRateItem]:
    with db.read() as session:
        client = client_for(session, principal, client_ref)
        query = _between(
            select(QualityRating).where(QualityRating.client_id == client.id),
            QualityRating.datetime,
            period,
        )
        if extension_ids:
            query = query.where(QualityRating.extension_id.in_(extension_ids))
        return [
            QualityRateItem(
                id=r.id,
                call_uuid=r.call_uuid,
                datetime=_dt(r.datetime) or "",
                extension_id=r.extension_id,
                client_id=r.client_id,
                max_rate=r.max_rate,
                rate=r.rate,
            )
            for r in session.scalars(query.order_by(QualityRating.datetime, QualityRating.id))
        ]


def _record_item(row: Recording) -> RecordItem:
    return RecordItem(
        record_uuid=row.record_uuid,
        call_uuid=row.call_uuid,
        client_id=row.client_id,
        extension_id=row.extension_id,
        start_time_gmt=_dt(row.start_time) or "",
        duration=round(row.duration_ms / 1000),
        caller_id_number=row.caller_id_number,
        caller_id_name=row.caller_id_name,
    )


def recordings(
    db: Database,
    principal: Principal,
    kind: str,
    period: Period,
    page: Page,
    order: str = "asc",
    client_ref: str | None = None,
    extension_ref: str | None = None,
) -> list[RecordItem]:
    if kind == "voicemail" and (period.start is None or period.end is None):
        raise BadRequest("start_datetime and end_datetime are required")
    if kind == "voicemail" and period.end - period.start > VOICEMAIL_MAX_SPAN:  # type: ignore[operator]
        raise BadRequest("end_datetime: at most two months after start_datetime")
    with db.read() as session:
        query = select(Recording).where(Recording.kind == kind)
        if extension_ref is not None:
            extension = extension_for(session, principal, extension_ref)
            query = query.where(Recording.extension_id == extension.id)
        else:
            client = client_for(session, principal, client_ref or "@me")
            query = query.where(Recording.client_id == client.id)
        query = _between(query, Recording.start_time, period)
        sort = Recording.start_time.desc() if order == "desc" else Recording.start_time.asc()
        return [_record_item(r) for r in session.scalars(page.apply(query.order_by(sort)))]


def _recording(
    session: Session, principal: Principal, client_ref: str, kind: str, uuid: str
) -> Recording:
    client = client_for(session, principal, client_ref)
    row = session.scalar(
        select(Recording).where(
            Recording.record_uuid == uuid, Recording.kind == kind, Recording.client_id == client.id
        )
    )
    if row is None:
        raise NotFound()
    return row


def recording_file(
    db: Database, principal: Principal, client_ref: str, kind: str, uuid: str, data_dir: Path
) -> Path:
    with db.read() as session:
        row = _recording(session, principal, client_ref, kind, uuid)
        path = data_dir / FOLDERS[kind] / row.stored_name
    if not path.is_file():
        raise NotFound(f"the audio of {uuid} is missing from storage")
    return path


def delete_recording(
    db: Database, principal: Principal, client_ref: str, kind: str, uuid: str, data_dir: Path
) -> RecordItem:
    with db.write() as session:
        row = _recording(session, principal, client_ref, kind, uuid)
        answer, stored = _record_item(row), row.stored_name
        session.delete(row)
    (data_dir / FOLDERS[kind] / stored).unlink(missing_ok=True)
    return answer
