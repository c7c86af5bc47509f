"""The SQL schema: migrations, version checks and `teachkit storage upgrade`."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from teachkit.cli import main
from teachkit.errors import SchemaVersionError, ValidationError
from teachkit.storages import SQLStorage, get_storage
from teachkit.storages._sql import _migrate
from teachkit.storages._sql._schema import HEAD_REVISION, VERSION_TABLE, metadata


def _shape(url: str) -> dict[str, object]:
    engine = create_engine(url)
    insp = inspect(engine)
    shape = {
        table: (
            sorted((c["name"], str(c["type"]), c["nullable"]) for c in insp.get_columns(table)),
            sorted(insp.get_pk_constraint(table)["constrained_columns"]),
            sorted((i["name"], tuple(i["column_names"])) for i in insp.get_indexes(table)),
        )
        for table in sorted(insp.get_table_names())
    }
    engine.dispose()
    return shape


def test_head_revision_is_alembics_head() -> None:
    assert _migrate.known_revisions()[-1] == HEAD_REVISION


def test_migrations_build_the_same_schema_as_create_all(tmp_path: Path) -> None:
    migrated, created = f"sqlite:///{tmp_path / 'm.db'}", f"sqlite:///{tmp_path / 'c.db'}"
    engine = create_engine(migrated)
    assert _migrate.upgrade(engine) == (None, HEAD_REVISION)
    engine.dispose()
    SQLStorage(created).close()
    assert _shape(migrated) == _shape(created)
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = create_engine(migrated)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    # Alembic's own bookkeeping table is not part of the models.
    diff = [d for d in diff if not (d[0] == "remove_table" and d[1].name == VERSION_TABLE)]
    assert diff == []


def _set_revision(url: str, revision: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = :v"), {"v": revision})
    engine.dispose()


def _at_revision(url: str, revision: str) -> None:
    from alembic import command

    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(_migrate._alembic_config(conn), revision)  # type: ignore[arg-type]
    engine.dispose()


def test_an_older_schema_asks_for_an_upgrade_and_gets_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    _at_revision(url, "0001")
    engine = create_engine(url)
    with engine.begin() as conn:  # a curriculum stored by a teachkit at revision 0001
        conn.execute(
            text(
                "INSERT INTO teachkit_curricula (name, config, created, last_seq, "
                "next_assignment_id) VALUES ('old', :c, 0, 0, 1)"
            ),
            {"c": '{"teacher": {}}'},
        )
    engine.dispose()
    with pytest.raises(SchemaVersionError) as info:
        SQLStorage(url)
    assert (
        f"has teachkit schema revision 0001, but this version of teachkit needs {HEAD_REVISION}"
        in str(info.value)
    )
    assert f"teachkit storage upgrade '{url}'" in str(info.value)
    assert main(["storage", "upgrade", url]) == 0
    storage = SQLStorage(url)
    assert storage.list_curricula() == ["old"]
    storage.close()


def test_a_newer_schema_asks_to_upgrade_teachkit(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    SQLStorage(url).close()
    _set_revision(url, "9999")
    with pytest.raises(SchemaVersionError, match="probably written by a newer teachkit"):
        SQLStorage(url)


def test_foreign_tables_are_not_touched(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'foreign.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE teachkit_curricula (id INTEGER)"))
    engine.dispose()
    with pytest.raises(SchemaVersionError, match="has teachkit tables but no schema version"):
        SQLStorage(url)


def test_storage_upgrade_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["storage", "upgrade", url]) == 0
    assert f"schema upgraded from empty to revision {HEAD_REVISION}" in capsys.readouterr().out
    assert main(["storage", "upgrade", url]) == 0
    assert "nothing to do" in capsys.readouterr().out
    assert main(["storage", "info", url]) == 0
    assert "curricula (0)" in capsys.readouterr().out
    assert main(["storage", "upgrade", "mysql://x/y"]) == 2
    assert "expected a sqlite:// or postgresql:// URL" in capsys.readouterr().err


def test_url_errors() -> None:
    with pytest.raises(ValidationError, match="storage=None for a fresh in-memory storage"):
        get_storage("memory://")
    with pytest.raises(
        ValidationError, match="expected None, a URL string or a storage object, got int"
    ):
        get_storage(3)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="expected a URL like"):
        SQLStorage("::nonsense::")
    with pytest.raises(ValidationError, match="synchronous: expected 'NORMAL' or 'FULL'"):
        SQLStorage("sqlite://", synchronous="sometimes")
