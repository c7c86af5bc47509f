"""Schema versions: create on first use, refuse stale schemas, upgrade on request."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Column, Connection, Engine, MetaData, String, Table, inspect, text

from teachkit.errors import SchemaVersionError, StorageError
from teachkit.storages._sql._damage import RESTORE, not_found
from teachkit.storages._sql._schema import HEAD_REVISION, VERSION_TABLE, metadata

MIGRATIONS = Path(__file__).with_name("migrations")


def current_revision(conn: Connection) -> str | None:
    """The schema revision recorded in the database, or None for a database without one."""
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    row = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).first()
    return None if row is None else str(row[0])


def _alembic_config(conn: Connection) -> object:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the schema to the newest revision; returns ``(before, after)``."""
    from alembic import command

    with schema_lock(engine) as conn:
        before = current_revision(conn)
        command.upgrade(_alembic_config(conn), "head")  # type: ignore[arg-type]
        after = current_revision(conn)
    assert after is not None
    return before, after


SCHEMA_LOCK = 0x7EAC_4B17
"""The PostgreSQL advisory lock every teachkit process takes to create or migrate a schema."""


@contextmanager
def schema_lock(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that holds the database's schema lock.

    Processes starting together on a fresh database (several workers, several servers)
    would otherwise all try to create the tables: PostgreSQL then fails one of them with
    ``UniqueViolation`` on its catalog, or ``DuplicateTable``. On PostgreSQL the lock is a
    transaction-level advisory lock; on SQLite the transaction starts with ``BEGIN
    IMMEDIATE``, which holds the database's write lock. Both are released at commit.
    """
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:  # SQLStorage's begin hook starts such a transaction with BEGIN IMMEDIATE
            conn.execution_options(teachkit_write=True)
        with conn.begin():
            if not sqlite:
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
            yield conn


def create_schema(engine: Engine) -> None:
    """Create the newest schema in an empty database and record its revision.

    Equivalent to running every migration (a test compares the two) but without importing
    Alembic, which makes opening a new database fast. Safe when several processes start on
    the same fresh database at once: they take :func:`schema_lock` in turn, and only the
    first finds the database empty.
    """
    with schema_lock(engine) as conn:
        _create_if_empty(conn)


def _create_if_empty(conn: Connection) -> None:
    if current_revision(conn) is not None or inspect(conn).has_table("teachkit_curricula"):
        return
    version = Table(VERSION_TABLE, MetaData(), Column("version_num", String(32), primary_key=True))
    metadata.create_all(conn)
    version.create(conn)
    conn.execute(version.insert().values(version_num=HEAD_REVISION))


def known_revisions() -> list[str]:
    """Every revision shipped with this version of teachkit, oldest first."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(cfg)
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def ensure_schema(engine: Engine, url: str, *, create: bool = True) -> None:
    """Create the schema in an empty database; raise SchemaVersionError for a stale one.

    With ``create=False`` nothing is written: a database without teachkit's tables raises
    CurriculumNotFoundError.

    The usual case, a database at the current revision, is one unlocked read. Anything else
    is decided under :func:`schema_lock`: read without it, another process's commit could
    fall between reading the revision and listing the tables, and an empty database being
    created would look like foreign tables without a version.
    """
    with engine.connect() as conn:
        revision = current_revision(conn)
        if revision == HEAD_REVISION:
            return
        if not create:
            if revision is None and not inspect(conn).has_table("teachkit_curricula"):
                raise not_found(url, "the database has no teachkit tables")
            _check_revision(conn, revision, url)
    if create:
        with schema_lock(engine) as conn:
            _create_if_empty(conn)
            revision = current_revision(conn)
            if revision == HEAD_REVISION:
                return
            _check_revision(conn, revision, url)
    if revision == HEAD_REVISION:
        return
    if revision is None:
        raise SchemaVersionError(
            f"{url} has teachkit tables but no schema version; it was not created by "
            "teachkit's migrations. Move those tables away or use another database."
        )
    if revision in known_revisions():
        raise SchemaVersionError(
            f"{url} has teachkit schema revision {revision}, but this version of teachkit "
            f"needs {HEAD_REVISION}. Back the database up, then run:\n"
            f"    teachkit storage upgrade '{url}'"
        )
    raise SchemaVersionError(
        f"{url} has teachkit schema revision {revision!r}, which this version of teachkit "
        f"does not know (it expects {HEAD_REVISION}); it was probably written by a newer "
        "teachkit. Upgrade teachkit: pip install -U teachkit"
    )


def _check_revision(conn: Connection, revision: str | None, url: str) -> None:
    """Raise StorageError when an unknown revision is damage, not a newer teachkit: a
    revision that no teachkit could write, or (SQLite) a database that fails its check."""
    if revision is None or revision in known_revisions():
        return
    if not _REVISION.fullmatch(revision):
        raise StorageError(
            f"{url}: the schema version table holds {revision!r}, which no teachkit wrote: "
            f"the database is damaged. {RESTORE}"
        )
    if conn.dialect.name == "sqlite":
        found = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA quick_check(5)")]
        if found != ["ok"]:
            raise StorageError(
                f"{url}: the database is damaged (SQLite's check found: {'; '.join(found)}). "
                f"{RESTORE}"
            )


_REVISION = re.compile(r"\d{4}")
"""What teachkit's revision ids look like (its migrations are numbered)."""


__all__ = [
    "create_schema",
    "current_revision",
    "ensure_schema",
    "known_revisions",
    "schema_lock",
    "upgrade",
]
