"""``teachkit storage``: inspect and upgrade a storage's schema."""

from __future__ import annotations

import argparse
from typing import Any


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


def _engine(url: str) -> Any:
    from sqlalchemy import create_engine

    from teachkit.storages._sql._storage import normalize_url

    return create_engine(normalize_url(url))


def _existing_sqlite_file(url: str) -> None:
    from teachkit.storages._sql._damage import check_sqlite_file
    from teachkit.storages._sql._storage import normalize_url

    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        check_sqlite_file(parsed.database, url, tables=False)


def _upgrade(args: argparse.Namespace) -> int:
    from teachkit.storages._sql._migrate import upgrade

    engine = _engine(args.url)
    try:
        before, after = upgrade(engine)
    finally:
        engine.dispose()
    if before == after:
        print(f"{args.url}: schema already at revision {after}; nothing to do")
    else:
        print(f"{args.url}: schema upgraded from {before or 'empty'} to revision {after}")
    return 0


def _info(args: argparse.Namespace) -> int:
    from teachkit.storages._sql._migrate import current_revision
    from teachkit.storages._sql._schema import HEAD_REVISION

    _existing_sqlite_file(args.url)  # info only reads: a missing file is an error, not created
    engine = _engine(args.url)
    try:
        with engine.connect() as conn:
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
