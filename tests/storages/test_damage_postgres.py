"""Loading writes nothing and damage is a StorageError on PostgreSQL too (each test in a
schema of its own, since some of them damage it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text

import teachkit as tk
from teachkit.errors import CurriculumNotFoundError, SchemaVersionError, StorageError
from teachkit.storages import SQLStorage
from tests.conftest import postgres_url, schema_url_kwargs

pytestmark = pytest.mark.postgres


@pytest.fixture
def schema() -> Iterator[tuple[str, str]]:
    url = postgres_url()
    if url is None:
        pytest.skip("set TEACHKIT_TEST_POSTGRES_URL to run PostgreSQL tests")
    import uuid

    import psycopg

    from teachkit.storages._sql._storage import normalize_url

    name = f"tk_damage_{uuid.uuid4().hex[:10]}"
    plain = normalize_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
        conn.execute(f'CREATE TABLE "{name}".orders (id int)')
    try:
        yield url, name
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{name}" CASCADE')


def _open(schema: tuple[str, str], create: bool) -> SQLStorage:
    url, name = schema
    return SQLStorage(url, engine_kwargs=schema_url_kwargs(name), create=create)


def _tables(storage: SQLStorage) -> list[str]:
    with storage.engine.connect() as conn:
        return sorted(
            r[0]
            for r in conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            )
        )


def _made(schema: tuple[str, str]) -> SQLStorage:
    storage = _open(schema, create=True)
    cur = tk.Curriculum(tk.teachers.TSCL(tk.spaces.Discrete(["a", "b"]), seed=0), storage, "m")
    for i in range(4):
        cur.tell(cur.ask("x"), tk.Outcome(score=float(i % 2)))
    cur.snapshot()
    return storage


def test_loading_from_a_database_without_teachkit_tables_adds_none(
    schema: tuple[str, str],
) -> None:
    url, name = schema
    import psycopg

    from teachkit.storages._sql._storage import normalize_url

    with pytest.raises(CurriculumNotFoundError, match="no teachkit tables"):
        tk.Curriculum.load(_open(schema, create=False), "m")
    plain = normalize_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain) as conn:
        found = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s", (name,)
        ).fetchall()
    assert found == [("orders",)]


@pytest.mark.parametrize(
    ("damage", "error", "match"),
    [
        (
            "UPDATE teachkit_curricula SET config = '{\"teacher\": '",
            StorageError,
            "configuration of curriculum 'm' is damaged",
        ),
        (
            "UPDATE teachkit_snapshots SET state = '\\x00ff'::bytea WHERE seq > 0",
            StorageError,
            "snapshot after op 8 .* is damaged",
        ),
        (
            "UPDATE teachkit_alembic_version SET version_num = 'zz?'",
            StorageError,
            "no teachkit wrote",
        ),
        ("UPDATE teachkit_alembic_version SET version_num = '0042'", SchemaVersionError, "newer"),
    ],
)
def test_damage_is_reported_and_nothing_is_written(
    schema: tuple[str, str], damage: str, error: type[Exception], match: str
) -> None:
    storage = _made(schema)
    with storage.engine.begin() as conn:
        conn.execute(text(damage))
    tables = _tables(storage)
    storage.close()
    with pytest.raises(error, match=match):
        tk.Curriculum.load(_open(schema, create=False), "m")
    if "version" not in damage:  # the schema opens: nothing was written
        again = _open(schema, create=True)
        assert _tables(again) == tables
        assert again.last_seq(1) == 8
        again.close()
