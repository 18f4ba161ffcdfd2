"""ivr revisions: the whole menu after every accepted change

Revision ID: 0020
Revises: 0015
Create Date: 2026-11-26 21:55:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ivr_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("extension_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("create_date", sa.DateTime(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["extension_id"],
            ["extensions.id"],
            name=op.f("fk_ivr_revisions_extension_id_extensions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ivr_revisions")),
        sa.UniqueConstraint(
            "extension_id", "number", name=op.f("uq_ivr_revisions_extension_id_number")
        ),
    )
    with op.batch_alter_table("ivr_revisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ivr_revisions_extension_id"), ["extension_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("ivr_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ivr_revisions_extension_id"))
    op.drop_table("ivr_revisions")
