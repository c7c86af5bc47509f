"""API keys: one tenant each, stored as SHA-256 hashes, created and revoked from the CLI.

A key is ``tk_`` followed by 43 random URL-safe characters (256 bits). Only its SHA-256
hash is stored: a random key of that length needs no slow password hash, and the hash
alone cannot authenticate. The first 11 characters (``tk_`` and 8 more) are kept as the
key's *prefix*, so that people can tell keys apart in listings and revoke one by it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, insert, select, update

from teachkit.errors import ValidationError
from teachkit.storages._sql._schema import api_keys

KEY_PREFIX = "tk_"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def check_tenant(tenant: Any) -> str:
    """A tenant name: 1-64 letters, digits, ``.``, ``_`` or ``-``, starting with a letter or
    digit.

    Tenant names appear in URLs and key listings, so the rule is stricter than the core's
    rule for ids and names (:data:`teachkit._validation.MAX_LENGTH`); a tenant's curriculum
    names (``"<tenant>/<course>"``) always follow the core's rule."""
    if not isinstance(tenant, str) or not _NAME.fullmatch(tenant):
        raise ValidationError(
            "tenant",
            [
                "expected 1-64 letters, digits, '.', '_' or '-', starting with a letter or "
                f"digit, got {tenant!r}"
            ],
        )
    return tenant


def hash_key(key: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class Principal:
    """Who a request acts for: a key's id, tenant and whether it may manage courses."""

    key_id: int
    tenant: str
    admin: bool


@dataclass(frozen=True)
class KeyInfo:
    """A stored key as listed (never the key itself)."""

    id: int
    tenant: str
    prefix: str
    admin: bool
    label: str | None
    created: float
    revoked: float | None


class Keys:
    """The API keys of a database (``teachkit_api_keys``)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def create(self, tenant: str, *, admin: bool = False, label: str | None = None) -> str:
        """Create a key for ``tenant`` and return it (the only time it is seen whole)."""
        check_tenant(tenant)
        if label is not None and (not isinstance(label, str) or len(label) > 200):
            raise ValidationError("label", [f"expected at most 200 characters, got {label!r}"])
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        with self._engine.begin() as conn:
            conn.execute(
                insert(api_keys).values(
                    tenant=tenant,
                    key_hash=hash_key(key),
                    prefix=key[:11],
                    admin=int(admin),
                    label=label,
                    created=time.time(),
                    revoked=None,
                )
            )
        return key

    def verify(self, key: str) -> Principal | None:
        """The principal of a valid, unrevoked key; None otherwise."""
        if not key.startswith(KEY_PREFIX) or len(key) > 100:
            return None
        with self._engine.connect() as conn:
            row = conn.execute(
                select(api_keys.c.id, api_keys.c.tenant, api_keys.c.admin).where(
                    api_keys.c.key_hash == hash_key(key), api_keys.c.revoked.is_(None)
                )
            ).first()
        return None if row is None else Principal(int(row[0]), str(row[1]), bool(row[2]))

    def revoke(self, key_or_prefix: str) -> int:
        """Revoke a key, given whole or by its prefix (which must match exactly one key);
        returns how many keys were revoked (0 when it was revoked already)."""
        if not isinstance(key_or_prefix, str) or not key_or_prefix.startswith(KEY_PREFIX):
            raise ValidationError(
                "keys revoke", [f"expected a key or its prefix (tk_...), got {key_or_prefix!r}"]
            )
        whole = len(key_or_prefix) > 11
        where = (
            api_keys.c.key_hash == hash_key(key_or_prefix)
            if whole
            else api_keys.c.prefix == key_or_prefix
        )
        with self._engine.begin() as conn:
            ids = [int(r[0]) for r in conn.execute(select(api_keys.c.id).where(where))]
            if not ids:
                raise ValidationError(
                    "keys revoke", [f"no key {'is' if whole else 'starts with'} {key_or_prefix!r}"]
                )
            if len(ids) > 1:
                raise ValidationError(
                    "keys revoke",
                    [f"{len(ids)} keys start with {key_or_prefix!r}; give the whole key"],
                )
            result = conn.execute(
                update(api_keys)
                .where(api_keys.c.id == ids[0], api_keys.c.revoked.is_(None))
                .values(revoked=time.time())
            )
        return int(result.rowcount or 0)

    def revoke_labelled(self, label: str) -> int:
        """Revoke every key with this label (``teachkit serve`` replaces its own key)."""
        with self._engine.begin() as conn:
            result = conn.execute(
                update(api_keys)
                .where(api_keys.c.label == label, api_keys.c.revoked.is_(None))
                .values(revoked=time.time())
            )
        return int(result.rowcount or 0)

    def list(self, tenant: str | None = None) -> list[KeyInfo]:
        """Every key (of one tenant), oldest first."""
        query = select(api_keys).order_by(api_keys.c.id)
        if tenant is not None:
            query = query.where(api_keys.c.tenant == tenant)
        with self._engine.connect() as conn:
            return [
                KeyInfo(
                    id=int(r.id),
                    tenant=r.tenant,
                    prefix=r.prefix,
                    admin=bool(r.admin),
                    label=r.label,
                    created=float(r.created),
                    revoked=None if r.revoked is None else float(r.revoked),
                )
                for r in conn.execute(query)
            ]
