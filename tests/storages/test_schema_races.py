"""Several processes starting together on a fresh database: exactly one creates the schema,
and every one of them opens it (PostgreSQL: an advisory lock; SQLite: BEGIN IMMEDIATE)."""

from __future__ import annotations

import multiprocessing
import uuid
from pathlib import Path
from typing import Any

import pytest

from teachkit.storages import SQLStorage
from teachkit.storages._sql._schema import HEAD_REVISION
from tests.conftest import postgres_url

PROCESSES = 4
ROUNDS = 20


def _open(url: str, barrier: Any, results: Any, k: int) -> None:
    barrier.wait()  # all four start at once
    try:
        storage = SQLStorage(url)
        storage.create_curriculum(f"c{k}", {"teacher": {}}, b"")
        storage.close()
        results.put((k, "ok"))
    except Exception as exc:  # reported to the test, which fails with it
        results.put((k, f"{type(exc).__name__}: {exc}"))


def _race(url: str) -> list[str]:
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(PROCESSES), ctx.Queue()
    procs = [ctx.Process(target=_open, args=(url, barrier, results, k)) for k in range(PROCESSES)]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    return [o for _, o in sorted(outcomes)]


def _check(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT version_num FROM teachkit_alembic_version")).all()
        names = sorted(r[0] for r in conn.execute(text("SELECT name FROM teachkit_curricula")))
    engine.dispose()
    assert rows == [(HEAD_REVISION,)]
    assert names == [f"c{k}" for k in range(PROCESSES)]


@pytest.mark.slow
def test_four_processes_create_one_sqlite_schema(tmp_path: Path) -> None:
    for r in range(ROUNDS):
        url = f"sqlite:///{tmp_path / f'fresh-{r}.db'}"
        assert _race(url) == ["ok"] * PROCESSES, f"round {r}"
        _check(url)


@pytest.mark.slow
@pytest.mark.postgres
def test_four_processes_create_one_postgres_schema() -> None:
    base = postgres_url()
    if base is None:
        pytest.skip("set TEACHKIT_TEST_POSTGRES_URL to run PostgreSQL tests (.ci/run sets it)")
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(base).set(drivername="postgresql")
    plain = admin.render_as_string(hide_password=False)
    for r in range(ROUNDS):
        name = f"tk_race_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            url = make_url(base).set(database=name).render_as_string(hide_password=False)
            assert _race(url) == ["ok"] * PROCESSES, f"round {r}"
            _check(url)
        finally:
            with psycopg.connect(plain, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
