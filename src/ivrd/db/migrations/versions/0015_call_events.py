"""call events (webhooks of an extension)

Revision ID: 0015
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "call_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("extension_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("event_type", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["extension_id"], ["extensions.id"],
                                name=op.f("fk_call_events_extension_id_extensions"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_events")),
    )
    with op.batch_alter_table("call_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_call_events_extension_id"), ["extension_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("call_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_call_events_extension_id"))
    op.drop_table("call_events")
