"""The service's state in one process: settings, storage, keys, courses, limits."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from teachkit.errors import ValidationError
from teachkit.server._courses import Course, CourseStore
from teachkit.server._keys import Keys, Principal
from teachkit.server._problems import HTTPProblem
from teachkit.server._stats import CourseStats
from teachkit.storages import get_storage
from teachkit.storages._sql import SQLStorage


@dataclass(frozen=True)
class Settings:
    """How a service runs. Every field has a command-line flag (``teachkit serve --help``).

    Attributes:
        storage: the SQL storage URL (SQLite or PostgreSQL).
        rate_limit: requests per second allowed per API key, over the whole server (each
            of ``workers`` processes allows its share); 0 turns the limit off.
        burst: requests a key may send at once before the rate applies (default: twice
            the rate, at least 10).
        max_body: largest request body in bytes (413 above it).
        max_import_body: largest body of an event import or xAPI batch.
        cors_origins: origins allowed to call the API from a browser (none by default).
        key_cache_seconds: how long a verified key is trusted without asking the database
            again (a revoked key stops working within this time).
        workers: worker processes sharing the rate limit.
        snapshot_every: teacher snapshot interval of new courses (ops).
    """

    storage: str = "sqlite:///teachkit.db"
    rate_limit: float = 100.0
    burst: int | None = None
    max_body: int = 1 << 20
    max_import_body: int = 16 << 20
    cors_origins: tuple[str, ...] = ()
    key_cache_seconds: float = 5.0
    workers: int = 1
    snapshot_every: int = 1000

    def __post_init__(self) -> None:
        problems = []
        if not (isinstance(self.rate_limit, int | float) and self.rate_limit >= 0):
            problems.append(f"rate_limit: expected a number >= 0, got {self.rate_limit!r}")
        for name in ("max_body", "max_import_body", "workers", "snapshot_every"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                problems.append(f"{name}: expected a positive integer, got {value!r}")
        if problems:
            raise ValidationError("server settings", problems)


class RateLimiter:
    """A token bucket per API key: ``rate`` tokens a second, at most ``burst`` saved."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._buckets: dict[int, tuple[float, float]] = {}  # key -> (tokens, when)
        self._lock = threading.Lock()

    def take(self, key: int) -> None:
        """Spend a token of ``key``; raise a 429 problem with Retry-After when none is left."""
        if self.rate <= 0:
            return
        now = time.monotonic()
        with self._lock:
            tokens, when = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - when) * self.rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                wait = max(1, math.ceil((1.0 - tokens) / self.rate))
                raise HTTPProblem(
                    429,
                    "rate-limited",
                    "Too many requests",
                    f"this API key may send {self.rate:g} requests a second (bursts of "
                    f"{self.burst}); retry after {wait} s, or ask for a higher limit "
                    "(teachkit serve --rate-limit)",
                    headers={"Retry-After": str(wait)},
                )
            self._buckets[key] = (tokens - 1.0, now)


@dataclass
class Service:
    """Everything a worker process holds: open once, shared by its requests."""

    settings: Settings
    storage: SQLStorage = field(init=False)
    keys: Keys = field(init=False)
    courses: CourseStore = field(init=False)
    limiter: RateLimiter = field(init=False)
    _known: dict[str, tuple[Principal | None, float]] = field(default_factory=dict)
    _stats: dict[int, CourseStats] = field(default_factory=dict)

    def __post_init__(self) -> None:
        storage = get_storage(self.settings.storage)
        if not isinstance(storage, SQLStorage):  # pragma: no cover - URLs give SQL storages
            raise ValidationError("storage", ["the service needs a SQL storage URL"])
        self.storage = storage
        self.keys = Keys(storage.engine)
        self.courses = CourseStore(storage, snapshot_every=self.settings.snapshot_every)
        rate = self.settings.rate_limit / self.settings.workers
        burst = self.settings.burst or max(10, int(2 * self.settings.rate_limit))
        self.limiter = RateLimiter(rate, max(1, burst // self.settings.workers))

    def authenticate(self, key: str) -> Principal | None:
        """The principal of a key, trusting a verified key for ``key_cache_seconds``."""
        now = time.monotonic()
        known = self._known.get(key)
        if known is not None and known[1] > now:
            return known[0]
        principal = self.keys.verify(key)
        if principal is not None:
            if len(self._known) > 10_000:
                self._known.clear()
            self._known[key] = (principal, now + self.settings.key_cache_seconds)
        return principal

    def stats(self, course: Course) -> CourseStats:
        """The running dashboard counts of a course."""
        found = self._stats.get(course.id)
        if found is None:
            found = self._stats.setdefault(course.id, CourseStats())
        return found

    def ready(self) -> dict[str, Any]:
        """Check that the storage answers (``/readyz``)."""
        from sqlalchemy import text

        with self.storage.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"status": "ready", "storage": self.storage.url}

    def close(self) -> None:
        """Close the storage's connections."""
        self.storage.close()
