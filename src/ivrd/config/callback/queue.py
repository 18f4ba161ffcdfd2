"""The click-to-call queue in the database, for processes that run no SIP node.

``ivrd serve --no-sip`` (the API alone, beside ``ivrd sip`` nodes on the same database) cannot
place a call itself: it queues the order, and the first node to claim it places it. Nodes
beat a heart in ``sip_nodes`` so the API can still answer 503 when no node is up, instead of
accepting a call nobody will make. An order not taken within :data:`MAX_WAIT_S` is dropped:
a phone ringing a minute after the click would surprise its owner.

Claiming is an ``UPDATE ... WHERE taken_by IS NULL`` per order: on SQLite and PostgreSQL
alike exactly one node's update matches, so an order is placed once. Every function blocks
(SQLAlchemy): the node calls them in worker threads.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import timedelta

from sqlalchemy import delete, select, update

from ivrd.config.callback.schemas import CallbackOrder
from ivrd.db import models
from ivrd.db.session import Database
from ivrd.timeutil import utcnow

__all__ = ["MAX_WAIT_S", "NODE_ALIVE_S", "enqueue", "heartbeat", "node_alive", "prune", "take"]

NODE_ALIVE_S = 10  # a node whose heartbeat is older is taken for dead
MAX_WAIT_S = 30  # an order nobody took by then is not placed any more
KEEP_S = 86400  # taken or expired orders are deleted after a day


def node_alive(db: Database) -> bool:
    since = utcnow() - timedelta(seconds=NODE_ALIVE_S)
    with db.read() as session:
        return session.scalar(select(models.SipNodeSeen.name).where(
            models.SipNodeSeen.seen_at >= since).limit(1)) is not None  # fmt: skip


def enqueue(db: Database, order: CallbackOrder) -> None:
    with db.write() as session:
        session.add(models.CallbackQueueItem(**{**asdict(order), "sources": list(order.sources)}))


def heartbeat(db: Database, node: str) -> None:
    with db.write() as session:
        seen = session.get(models.SipNodeSeen, node)
        if seen is None:
            session.add(models.SipNodeSeen(name=node, seen_at=utcnow()))
        else:
            seen.seen_at = utcnow()


def take(db: Database, node: str, limit: int = 10) -> list[CallbackOrder]:
    """Claim up to ``limit`` fresh orders for ``node``."""
    fresh = utcnow() - timedelta(seconds=MAX_WAIT_S)
    item = models.CallbackQueueItem
    with db.read() as session:
        waiting = session.scalars(
            select(item)
            .where(item.taken_by.is_(None), item.created_at >= fresh)
            .order_by(item.id)
            .limit(limit)
        ).all()
        candidates = [(row.id, _order(row)) for row in waiting]
    taken = []
    for row_id, order in candidates:
        with db.write() as session:
            claimed = session.execute(
                update(item)
                .where(item.id == row_id, item.taken_by.is_(None))
                .values(taken_by=node, taken_at=utcnow())
            )
            if claimed.rowcount == 1:  # type: ignore[attr-defined]
                taken.append(order)
    return taken


def prune(db: Database) -> None:
    with db.write() as session:
        old = utcnow() - timedelta(seconds=KEEP_S)
        session.execute(delete(models.CallbackQueueItem).where(
            models.CallbackQueueItem.created_at < old))  # fmt: skip


def _order(row: models.CallbackQueueItem) -> CallbackOrder:
    values = {field.name: getattr(row, field.name) for field in fields(CallbackOrder)}
    return CallbackOrder(**{**values, "sources": tuple(row.sources)})
