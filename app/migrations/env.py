"""Alembic environment: runs on a connection handed over by Vigía, or on DATABASE_URL."""

from __future__ import annotations

import os

from alembic import context

import app.models  # noqa: F401  (registers every table on the metadata)
from app.config import normalise_database_url
from app.db import Base, make_engine

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate the connection Vigía passed in, or a fresh engine on DATABASE_URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError("set DATABASE_URL (or run `vigia init`, which knows the default)")
    engine = make_engine(normalise_database_url(url))
    with engine.connect() as conn:
        _run(conn)
        conn.commit()
    engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("offline SQL generation is not supported; run against a database")
run_migrations_online()
