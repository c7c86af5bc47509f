"""Time helpers: teachkit stores times as timezone-aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, timezone-aware UTC."""
    return datetime.now(UTC)


def from_timestamp(ts: float) -> datetime:
    """The aware UTC datetime of POSIX seconds ``ts`` (the storage format)."""
    return datetime.fromtimestamp(ts, UTC)
