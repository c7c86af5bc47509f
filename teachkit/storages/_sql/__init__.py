"""SQL storage (SQLite and PostgreSQL through SQLAlchemy 2), with Alembic migrations."""

from teachkit.storages._sql._storage import SQLStorage

__all__ = ["SQLStorage"]
