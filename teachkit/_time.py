"""Time helpers: teachkit stores times as timezone-aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_timestamp(t: datetime) -> float:
    """POSIX seconds of an aware datetime (the storage format)."""
    return t.timestamp()


def from_timestamp(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)
