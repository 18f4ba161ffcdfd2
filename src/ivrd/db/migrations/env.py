"""Alembic environment: runs on the connection ivrd hands it (see ivrd.db.migrate)."""

from __future__ import annotations

from alembic import context

from ivrd.db import models  # noqa: F401  (registers the tables)
from ivrd.db.base import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
