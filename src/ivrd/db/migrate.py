"""Apply Alembic migrations programmatically (``ivrd db upgrade`` and ``ivrd serve``)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from ivrd.db.session import Database

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(db: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    config = alembic_config(db)
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def autogenerate(db: Database, message: str) -> None:
    """Developer helper: write a new revision file from the models (review it by hand)."""
    config = alembic_config(db)
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
