"""Alembic environment for teachkit's schema; run through ``teachkit storage upgrade``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from teachkit.storages._sql._schema import VERSION_TABLE, metadata

config = context.config


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        url = config.get_main_option("sqlalchemy.url")
        assert url is not None, "set sqlalchemy.url or pass a connection"
        engine = create_engine(url)
        with engine.begin() as conn:
            _migrate(conn)
        engine.dispose()
    else:
        _migrate(connection)


def _migrate(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
