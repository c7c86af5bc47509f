"""Shared fixtures: PostgreSQL (when TEACHKIT_TEST_POSTGRES_URL is set) in a private schema."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

POSTGRES_ENV = "TEACHKIT_TEST_POSTGRES_URL"


def postgres_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[tuple[str, str]]:
    """``(url, schema)``: a schema created for this test session and dropped after it."""
    url = postgres_url()
    if url is None:
        pytest.skip(f"set {POSTGRES_ENV} to run PostgreSQL tests (.ci/run sets it)")
    import psycopg

    from teachkit.storages._sql._storage import normalize_url

    schema = f"tk_test_{uuid.uuid4().hex[:10]}"
    plain = normalize_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield url, schema
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def schema_url_kwargs(schema: str) -> dict[str, object]:
    return {"connect_args": {"options": f"-csearch_path={schema}"}}
