"""Time formats of the provider's API: ``YYYY-MM-DD HH:MM:SS`` in UTC, never ISO ``T...Z``."""

from __future__ import annotations

from datetime import UTC, datetime

API_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def utcnow() -> datetime:
    """Naive UTC now: the database stores naive UTC timestamps."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def format_api_datetime(value: datetime | None) -> str | None:
    return None if value is None else value.strftime(API_DATETIME_FORMAT)


def parse_api_datetime(text: str) -> datetime:
    """Parse ``YYYY-MM-DD HH:MM:SS`` (also with ``T`` or a fraction); raises ValueError."""
    return datetime.fromisoformat(text.strip().replace("T", " ").removesuffix("Z"))
