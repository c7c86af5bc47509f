"""``teachkit storage``: inspect and upgrade a storage's schema."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CONNECT_TIMEOUT = 10
"""Seconds to wait for a PostgreSQL server before saying it cannot be reached."""


def register(sub: Any) -> None:
    parser = sub.add_parser("storage", help="inspect or upgrade a SQL storage")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    upgrade = actions.add_parser(
        "upgrade", help="migrate a database to this teachkit's schema (back it up first)"
    )
    upgrade.add_argument("url", help="e.g. sqlite:///run.db or postgresql+psycopg://user@host/db")
    upgrade.set_defaults(func=_upgrade)
    info = actions.add_parser("info", help="schema revision and curricula of a database")
    info.add_argument("url")
    info.set_defaults(func=_info)


def _engine(url: str, *, must_exist: bool = True) -> Any:
    """An engine for a database (an existing one unless ``must_exist`` is false: upgrade
    creates a new SQLite file); a server is waited for at most :data:`CONNECT_TIMEOUT`
    seconds."""
    from sqlalchemy import create_engine

    from teachkit.errors import ValidationError
    from teachkit.storages._sql._storage import normalize_url

    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        db = parsed.database or ""
        if db and db != ":memory:" and not Path(db).is_file():
            if Path(db).is_dir():
                what = "a folder, not a database file"
            elif must_exist:
                what = "no such file"
            else:
                return create_engine(parsed)
            raise ValidationError(
                "storage URL", [f"expected an existing SQLite database, got {url!r}: {what}"]
            )
        return create_engine(parsed)
    return create_engine(parsed, connect_args={"connect_timeout": CONNECT_TIMEOUT})


def _shown(url: str) -> str:
    """The URL as printed in messages: any password replaced by ``***``."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # printed only after normalize_url accepted it; stay safe anyway
        return "the storage URL"


@contextmanager
def _database_errors(url: str) -> Iterator[None]:
    """Turn what the database driver raises into a StorageError that says what to check."""
    from sqlalchemy.exc import DatabaseError, InterfaceError, OperationalError, SQLAlchemyError

    from teachkit.errors import StorageError

    def first_line(exc: SQLAlchemyError) -> str:
        text = str(getattr(exc, "orig", None) or exc)
        return " ".join(text.split("\n")[0].split())

    url = _shown(url)
    try:
        yield
    except (OperationalError, InterfaceError) as exc:
        raise StorageError(
            f"{url}: cannot open the database ({first_line(exc)}); check that the server "
            "is running and reachable, the address, user and password, and the file's "
            "permissions"
        ) from None
    except DatabaseError as exc:
        raise StorageError(
            f"{url}: this is not a readable database ({first_line(exc)}); check the path, "
            "or restore the file from a backup"
        ) from None


def _existing_sqlite_file(url: str) -> None:
    from teachkit.storages._sql._damage import check_sqlite_file
    from teachkit.storages._sql._storage import normalize_url

    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        check_sqlite_file(parsed.database, url, tables=False)


def _upgrade(args: argparse.Namespace) -> int:
    from teachkit.errors import SchemaVersionError
    from teachkit.storages._sql._migrate import current_revision, known_revisions, upgrade
    from teachkit.storages._sql._schema import HEAD_REVISION

    engine = _engine(args.url, must_exist=False)
    try:
        with _database_errors(args.url):
            with engine.connect() as conn:
                revision = current_revision(conn)
            if revision is not None and revision not in known_revisions():
                raise SchemaVersionError(
                    f"{_shown(args.url)} has schema revision {revision!r}, which this teachkit does "
                    f"not know (its newest is {HEAD_REVISION}); it was probably written by a "
                    "newer teachkit, and downgrading is not supported. Upgrade teachkit "
                    "instead: pip install -U teachkit"
                )
            before, after = upgrade(engine)
    finally:
        engine.dispose()
    if before == after:
        print(f"{_shown(args.url)}: schema already at revision {after}; nothing to do")
    else:
        print(f"{_shown(args.url)}: schema upgraded from {before or 'empty'} to revision {after}")
    return 0


def _info(args: argparse.Namespace) -> int:
    from teachkit.storages._sql._migrate import current_revision
    from teachkit.storages._sql._schema import HEAD_REVISION

    _existing_sqlite_file(args.url)  # info only reads: a missing file is an error, not created
    engine = _engine(args.url)
    try:
        with _database_errors(args.url), engine.connect() as conn:
            revision = current_revision(conn)
    finally:
        engine.dispose()
    print(f"schema revision: {revision or 'none'} (this teachkit expects {HEAD_REVISION})")
    if revision == HEAD_REVISION:
        from teachkit.storages import get_storage

        storage = get_storage(args.url, create=False)
        names = storage.list_curricula()
        storage.close()
        print(f"curricula ({len(names)}): {', '.join(names) if names else '-'}")
    return 0
