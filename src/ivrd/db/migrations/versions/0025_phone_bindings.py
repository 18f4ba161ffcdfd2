"""phone bindings and node secrets: registrations shared by every node

Revision ID: 0025
Revises: 0020
Create Date: 2026-12-02 12:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "phone_bindings",
        sa.Column("extension_id", sa.Integer(), nullable=False),
        sa.Column("contact", sa.String(length=500), nullable=False),
        sa.Column("source_host", sa.String(length=64), nullable=False),
        sa.Column("source_port", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("node", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["extension_id"],
            ["extensions.id"],
            name=op.f("fk_phone_bindings_extension_id_extensions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("extension_id", name=op.f("pk_phone_bindings")),
    )
    op.create_table(
        "node_secrets",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_node_secrets")),
    )


def downgrade() -> None:
    op.drop_table("node_secrets")
    op.drop_table("phone_bindings")
