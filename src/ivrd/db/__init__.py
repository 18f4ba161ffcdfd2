"""Storage: SQLAlchemy 2 typed models, engine/session factory and Alembic migrations."""
