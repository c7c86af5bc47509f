"""What ``teachkit serve`` does once before the workers start: the schema, the demo course
and, in the default setup, an admin key to print."""

from __future__ import annotations

from dataclasses import dataclass

from teachkit.server._courses import CourseStore
from teachkit.server._demo import DEMO_COURSE, demo_definition
from teachkit.server._keys import Keys, Principal
from teachkit.server._models import CourseIn
from teachkit.storages._sql import SQLStorage

SERVE_LABEL = "teachkit serve"
"""The label of the admin key ``teachkit serve`` makes; the next start replaces it."""


@dataclass(frozen=True)
class Prepared:
    """What the start prepared."""

    key: str | None
    demo: str | None
    tenant: str


def prepare(url: str, *, demo: bool, new_key: bool, tenant: str = "default") -> Prepared:
    """Create the schema (safely, if several servers start together), the demo course of
    ``tenant`` when asked, and a fresh admin key (revoking the one the previous start
    printed) when asked."""
    storage = SQLStorage(url)
    try:
        keys = Keys(storage.engine)
        key = None
        if new_key:
            keys.revoke_labelled(SERVE_LABEL)
            key = keys.create(tenant, admin=True, label=SERVE_LABEL)
        made = None
        if demo:
            store = CourseStore(storage)
            who = Principal(0, tenant, True)
            if DEMO_COURSE not in store.names(who):
                store.create(who, CourseIn.model_validate(demo_definition()))
            made = DEMO_COURSE
        return Prepared(key, made, tenant)
    finally:
        storage.close()
