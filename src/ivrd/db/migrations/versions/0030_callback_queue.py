"""click-to-call queue and SIP node heartbeats (API-only processes hand calls to nodes)

Revision ID: 0030
Revises: 0025
Create Date: 2026-12-02 12:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "callback_queue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.String(length=32), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("extension_id", sa.Integer(), nullable=False),
        sa.Column("extension_name", sa.String(length=100), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("destination", sa.String(length=32), nullable=False),
        sa.Column("caller_id_number", sa.String(length=32), nullable=True),
        sa.Column("caller_id_name", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("taken_by", sa.String(length=100), nullable=True),
        sa.Column("taken_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_callback_queue_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["extension_id"],
            ["extensions.id"],
            name=op.f("fk_callback_queue_extension_id_extensions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callback_queue")),
        sa.UniqueConstraint("call_id", name=op.f("uq_callback_queue_call_id")),
    )
    with op.batch_alter_table("callback_queue", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_callback_queue_created_at"), ["created_at"], unique=False
        )
    op.create_table(
        "sip_nodes",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_sip_nodes")),
    )


def downgrade() -> None:
    op.drop_table("sip_nodes")
    with op.batch_alter_table("callback_queue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_callback_queue_created_at"))
    op.drop_table("callback_queue")
