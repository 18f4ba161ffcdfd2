"""Intervals: validated with the engine's own parser, stored in the canonical JSON form."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivrd.config.auth.principal import Principal
from ivrd.config.intervals.schemas import IntervalRead, IntervalUpdate, IntervalWrite
from ivrd.config.paging import Page
from ivrd.config.references import (
    bump_ivrs_using_interval,
    conflict_message,
    interval_referrers,
)
from ivrd.config.tenancy import client_for
from ivrd.config.types import parse_id
from ivrd.db.models import Client, Interval
from ivrd.db.session import Database
from ivrd.engine import intervals as engine_intervals
from ivrd.errors import BadRequest, Conflict, NotFound


def canonical_conditions(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    try:
        parsed = engine_intervals.conditions_from_mappings(raw)
    except engine_intervals.IntervalError as exc:
        raise BadRequest(str(exc)) from None
    return [engine_intervals.condition_to_mapping(c) for c in parsed]


def checked_timezone(name: str) -> str:
    try:
        engine_intervals.load_zone(name)
    except engine_intervals.IntervalError as exc:
        raise BadRequest(str(exc)) from None
    return name


def _read(interval: Interval) -> IntervalRead:
    return IntervalRead(
        id=interval.id,
        client_id=interval.client_id,
        name=interval.name,
        timezone=interval.timezone,
        conditions=list(interval.conditions),
    )


def _interval(session: Session, client: Client, interval_id: str) -> Interval:
    row_id = parse_id(interval_id)
    interval = session.get(Interval, row_id) if row_id else None
    if interval is None or interval.client_id != client.id:
        raise NotFound()
    return interval


def list_intervals(
    db: Database, principal: Principal, client_ref: str, page: Page
) -> list[IntervalRead]:
    with db.read() as session:
        client = client_for(session, principal, client_ref)
        query = select(Interval).where(Interval.client_id == client.id).order_by(Interval.id)
        return [_read(i) for i in session.scalars(page.apply(query))]


def create_interval(
    db: Database, principal: Principal, client_ref: str, body: IntervalWrite
) -> IntervalRead:
    conditions = canonical_conditions(body.conditions)
    with db.write() as session:
        client = client_for(session, principal, client_ref)
        timezone = checked_timezone(body.timezone or client.timezone)
        interval = Interval(
            client_id=client.id, name=body.name, timezone=timezone, conditions=conditions
        )
        session.add(interval)
        session.flush()
        return _read(interval)


def get_interval(
    db: Database, principal: Principal, client_ref: str, interval_id: str
) -> IntervalRead:
    with db.read() as session:
        return _read(_interval(session, client_for(session, principal, client_ref), interval_id))


def update_interval(
    db: Database, principal: Principal, client_ref: str, interval_id: str, body: IntervalUpdate
) -> IntervalRead:
    conditions = None if body.conditions is None else canonical_conditions(body.conditions)
    with db.write() as session:
        interval = _interval(session, client_for(session, principal, client_ref), interval_id)
        if body.name is not None:
            interval.name = body.name
        if body.timezone is not None:
            interval.timezone = checked_timezone(body.timezone)
        if conditions is not None:
            interval.conditions = conditions
        bump_ivrs_using_interval(session, interval.id)
        session.flush()
        return _read(interval)


def delete_interval(
    db: Database, principal: Principal, client_ref: str, interval_id: str
) -> IntervalRead:
    with db.write() as session:
        interval = _interval(session, client_for(session, principal, client_ref), interval_id)
        referrers = interval_referrers(session, interval.id)
        if referrers:
            raise Conflict(conflict_message(f"interval {interval.id}", referrers))
        answer = _read(interval)
        session.delete(interval)
        return answer
