"""Engine, session factory and the declarative base shared by every model."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import JSON, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every Vigía model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def json_text(value) -> str:
    """Write a value as the text of a JSON column: UTF-8 as is, anything else by its str().

    NaN and infinities, which JSON cannot say (PostgreSQL's json refuses them), are null.
    """
    try:
        return _JSON.encode(value)
    except ValueError:
        return _JSON.encode(_finite(value))


# One encoder for every value: `json.dumps` with these options builds a new one per call,
# which was a third of the time of writing 480,000 JSON values in a detection run.
_JSON = json.JSONEncoder(ensure_ascii=False, default=str, allow_nan=False)


def _finite(value):
    """Return a value with every NaN or infinite float inside it replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


# A JSON column that may be empty: Python's None is stored as SQL NULL, not as JSON `null`.
NullableJSON = JSON(none_as_null=True)


@compiles(JSON, "sqlite")
def _json_as_text(type_, compiler, **kw) -> str:
    """Declare JSON columns TEXT on SQLite: a column declared JSON gets numeric affinity there,
    which would turn a stored `5` into an integer; TEXT keeps the JSON text exactly."""
    return "TEXT"


# How long a statement waits for a lock another transaction holds (an import of the same
# feed, a running `vigia detect` on SQLite) before it fails with "lock timeout".
DEFAULT_LOCK_TIMEOUT = 120.0
# Execution option of a connection that will write: on SQLite its transaction starts with
# BEGIN IMMEDIATE, taking the database's one write lock at once (waiting for it up to the
# lock timeout). A transaction that began by reading and writes later cannot wait: if another
# writer committed meanwhile, SQLite fails it at once ("database is locked").
WRITES = "vigia_writes"
# Key of a SQLite connection's info: the driver's count of changed rows when its
# transaction began (`rows_changed_in_transaction`).
_CHANGES_AT_BEGIN = "vigia_changes_at_begin"
# Said when work has to wait for a lock (the console shows it): a wait is not a hang.
waiting = logging.getLogger("app.waiting")


def _configure_sqlite(engine: Engine, lock_timeout: float) -> None:
    """Make pysqlite honour BEGIN/SAVEPOINT and foreign keys, and wait on locks."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - driver hook
        # Let SQLAlchemy emit BEGIN itself so SAVEPOINTs and rollbacks work as documented.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(lock_timeout * 1000)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # pragma: no cover - driver hook
        _begin(connection)
        connection.info[_CHANGES_AT_BEGIN] = connection.connection.driver_connection.total_changes

    def _begin(connection) -> None:
        if not connection.get_execution_options().get(WRITES):
            connection.exec_driver_sql("BEGIN")
            return
        connection.exec_driver_sql("PRAGMA busy_timeout=0")
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError:  # another writer: say so, then wait for it
            waiting.info("waiting for the database: another import or detection run is "
                         "writing (up to %g s)", lock_timeout)
        finally:
            connection.exec_driver_sql(f"PRAGMA busy_timeout={int(lock_timeout * 1000)}")
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def rows_changed_in_transaction(session: Session) -> int | None:
    """Return how many rows the session's SQLite transaction has inserted, updated or deleted.

    None where that is not known: PostgreSQL, or a connection this module did not set up.
    (A second connection sees none of these rows until they are committed.)
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return None
    began = connection.info.get(_CHANGES_AT_BEGIN)
    if began is None:
        return None
    return connection.connection.driver_connection.total_changes - began


def make_engine(url: str, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT, **kwargs) -> Engine:
    """Create an engine with the settings Vigía relies on for each backend.

    `lock_timeout` (seconds) bounds every wait for a lock on both engines: SQLite's busy
    timeout, PostgreSQL's `lock_timeout`.
    """
    # JSON columns are written by one serializer on every path (ORM, Core, bulk COPY).
    kwargs.setdefault("json_serializer", json_text)
    if url.startswith("sqlite"):
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine, lock_timeout)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    connect_args = dict(kwargs.pop("connect_args", {}))
    options = connect_args.get("options", "")
    connect_args["options"] = f"{options} -c lock_timeout={int(lock_timeout * 1000)}".strip()
    # A server that does not answer is reported after 10 s, not after the OS gives up.
    connect_args.setdefault("connect_timeout", 10)
    return create_engine(url, connect_args=connect_args, **kwargs)


class Database:
    """The engine and session factory of one application."""

    def __init__(self, url: str, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        self.url = url
        self.lock_timeout = lock_timeout
        self.engine = make_engine(url, lock_timeout=lock_timeout)
        self.sessionmaker: sessionmaker[Session] = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        """Return the backend's name: 'sqlite' or 'postgresql'."""
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """Yield a session that writes: committed on success, rolled back on error.

        On SQLite its transaction takes the write lock when it starts (BEGIN IMMEDIATE), so
        that a concurrent import or detection run is waited for instead of failing it.
        """
        session = self.sessionmaker()
        try:
            if self.dialect == "sqlite":
                session.connection(execution_options={WRITES: True})
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
