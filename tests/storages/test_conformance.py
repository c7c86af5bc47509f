"""The storage contract, on every storage: in memory, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from teachkit.storages import InMemoryStorage, SQLStorage
from teachkit.storages._sql import _storage as sql_module
from teachkit.testing.storage import StorageConformance
from tests.conftest import schema_url_kwargs


class TestInMemory(StorageConformance):
    @pytest.fixture
    def storage(self) -> InMemoryStorage:
        return InMemoryStorage()


class TestSQLite(StorageConformance):
    @pytest.fixture
    def storage(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SQLStorage]:
        monkeypatch.setattr(sql_module, "PAGE", 97)  # exercise paging on small logs
        s = SQLStorage(f"sqlite:///{tmp_path / 'conformance.db'}")
        yield s
        s.close()


@pytest.mark.postgres
class TestPostgreSQL(StorageConformance):
    @pytest.fixture
    def storage(
        self, postgres_schema: tuple[str, str], monkeypatch: pytest.MonkeyPatch
    ) -> Iterator[SQLStorage]:
        monkeypatch.setattr(sql_module, "PAGE", 97)
        url, schema = postgres_schema
        s = SQLStorage(url, engine_kwargs=schema_url_kwargs(schema))
        yield s
        s.close()
