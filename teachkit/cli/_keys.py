"""``teachkit keys``: create, list and revoke the service's API keys."""

from __future__ import annotations

import argparse
import time
from typing import Any

DEFAULT_STORAGE = "sqlite:///teachkit.db"


def register(sub: Any) -> None:
    parser = sub.add_parser("keys", help="create, list or revoke API keys of the service")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="make a key (printed on the last line, once)")
    create.add_argument("--tenant", required=True, help="the tenant the key acts for")
    create.add_argument("--admin", action="store_true", help="may create and change courses")
    create.add_argument("--label", default=None, help="a note to recognise the key by")
    create.set_defaults(func=_create)
    listing = actions.add_parser("list", help="list keys (prefixes only, never whole keys)")
    listing.add_argument("--tenant", default=None)
    listing.set_defaults(func=_list)
    revoke = actions.add_parser("revoke", help="revoke a key, given whole or by its prefix")
    revoke.add_argument("key", help="the key, or the prefix `keys list` shows (tk_xxxxxxxx)")
    revoke.set_defaults(func=_revoke)
    for p in (create, listing, revoke):
        p.add_argument("--storage", default=DEFAULT_STORAGE, help="SQL storage URL")


def _keys(url: str) -> Any:
    try:
        from teachkit.server._keys import Keys
    except ImportError as exc:
        from teachkit.errors import MissingDependencyError

        raise MissingDependencyError(
            f"teachkit keys needs {exc.name}: pip install 'teachkit[server]'"
        ) from None
    from teachkit.cli._storage import _database_errors
    from teachkit.storages._sql import SQLStorage

    with _database_errors(url):  # a file that is not a database, a server that is not there
        storage = SQLStorage(url)
        return storage, Keys(storage.engine)


def _create(args: argparse.Namespace) -> int:
    storage, keys = _keys(args.storage)
    try:
        key = keys.create(args.tenant, admin=args.admin, label=args.label)
    finally:
        storage.close()
    kind = "admin key" if args.admin else "key"
    print(f"new {kind} of tenant {args.tenant!r} in {args.storage}; it is shown only now:")
    print(key)
    return 0


def _list(args: argparse.Namespace) -> int:
    storage, keys = _keys(args.storage)
    try:
        found = keys.list(args.tenant)
    finally:
        storage.close()
    for k in found:
        made = time.strftime("%Y-%m-%d %H:%M", time.gmtime(k.created))
        state = "revoked" if k.revoked is not None else "active"
        print(
            f"{k.prefix}  tenant={k.tenant}  {'admin' if k.admin else 'user '}  {state:7}  "
            f"created {made} UTC  {k.label or ''}".rstrip()
        )
    if not found:
        print("no keys")
    return 0


def _revoke(args: argparse.Namespace) -> int:
    storage, keys = _keys(args.storage)
    try:
        n = keys.revoke(args.key)
    finally:
        storage.close()
    print("revoked" if n else "that key was already revoked")
    return 0
