"""Storages: where curricula keep their log of ops, assignments and snapshots."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from teachkit.errors import ValidationError
from teachkit.storages._base import BaseStorage, CurriculumInfo, Transaction
from teachkit.storages._memory import InMemoryStorage

if TYPE_CHECKING:
    from teachkit.storages._sql import SQLStorage

__all__ = [
    "BaseStorage",
    "CurriculumInfo",
    "InMemoryStorage",
    "SQLStorage",
    "Transaction",
    "get_storage",
]


def get_storage(storage: str | BaseStorage | None, *, create: bool = True) -> BaseStorage:
    """A storage from ``None`` (a new in-memory one), a URL, or a storage object.

    URLs: ``"sqlite:///run.db"`` (a file next to where you run), ``"sqlite:////abs/run.db"``,
    ``"postgresql+psycopg://user@host:5432/db"``. With ``create=False`` (what loading
    uses) a URL must name an existing database with teachkit's schema: nothing is created
    or changed, and a missing one raises :class:`~teachkit.errors.CurriculumNotFoundError`.
    """
    if storage is None:
        return InMemoryStorage()
    if isinstance(storage, BaseStorage):
        return storage
    if isinstance(storage, str):
        if storage.startswith("memory:"):
            raise ValidationError(
                "storage",
                [
                    "a 'memory://' URL would create a new, empty storage each time; pass "
                    "storage=None for a fresh in-memory storage, or share one InMemoryStorage() object"
                ],
            )
        if "://" not in storage:
            raise ValidationError(
                "storage",
                [
                    f"expected a URL like 'sqlite:///{storage}' or "
                    f"'postgresql+psycopg://user@host/db', got {storage!r}"
                ],
            )
        from teachkit.storages._sql import SQLStorage

        return SQLStorage(storage, create=create)
    raise ValidationError(
        "storage",
        [f"expected None, a URL string or a storage object, got {type(storage).__name__}"],
    )


def __getattr__(name: str) -> Any:
    if name == "SQLStorage":
        from teachkit.storages._sql import SQLStorage

        return SQLStorage
    raise AttributeError(name)
