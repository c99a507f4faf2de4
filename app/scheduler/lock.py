"""One scheduler acts at a time: a PostgreSQL advisory lock, or a lock row on SQLite.

PostgreSQL: `pg_try_advisory_lock` on a connection held for the scheduler's life; the
server releases it when that connection ends (the process died, the network broke), and
the scheduler checks the connection at each heartbeat. SQLite (one machine): a row of
`scheduler_lock` naming its holder, renewed at each heartbeat; another scheduler takes it
over only when it has not been renewed for `lock_seconds`.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

from app.db import Database, make_engine, utcnow
from app.scheduler.models import SchedulerLock

# Keys of the advisory lock: Vigía's space (as intake's feed locks) and the scheduler's.
LOCK_SPACE = 0x56494749
SCHEDULER_KEY = 1000
LOCK_NAME = "scheduler"


def holder_name() -> str:
    """Return who this scheduler is, as the lock and the job runs record it: host:pid:tag.

    The tag tells apart two schedulers of one process (tests) and a pid used again.
    """
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(2)}"


class SchedulerLockHolder:
    """The right to schedule: try to take it, keep it alive, give it back."""

    def __init__(self, db: Database, *, lock_seconds: float, holder: str | None = None):
        self.db = db
        self.lock_seconds = lock_seconds
        self.holder = holder or holder_name()
        self._connection: Connection | None = None
        self._engine: Engine | None = None  # PostgreSQL: the lock's own connection, unpooled

    def acquire(self) -> bool:
        """Take the lock if nobody holds it; return whether this process holds it now."""
        if self.db.dialect == "postgresql":
            if self._engine is None:
                # Not from the pool: closing it must end the session (and its lock) for sure.
                self._engine = make_engine(self.db.url, lock_timeout=self.db.lock_timeout,
                                           poolclass=NullPool)
            return self._acquire_advisory(self._engine)
        return self._claim_row(take=True)

    def renew(self) -> bool:
        """Keep the lock alive; return False when it was lost (then stop scheduling)."""
        if self.db.dialect == "postgresql":
            if self._connection is None:
                return False
            try:
                self._connection.execute(text("SELECT 1"))
                return True
            except Exception:
                self._drop_connection()
                return False
        return self._claim_row(take=False)

    def release(self) -> None:
        """Give the lock back (a stopped scheduler lets a standby take over at once)."""
        if self.db.dialect == "postgresql":
            if self._connection is not None:
                try:
                    self._connection.execute(text("SELECT pg_advisory_unlock(:s, :k)"),
                                             {"s": LOCK_SPACE, "k": SCHEDULER_KEY})
                finally:
                    self._drop_connection()
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None
            return
        with self.db.session() as session:
            session.execute(delete(SchedulerLock).where(SchedulerLock.name == LOCK_NAME,
                                                        SchedulerLock.holder == self.holder))

    def _drop_connection(self) -> None:
        """Close the lock's connection (the server releases the lock with its session)."""
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):  # already broken: nothing left to release
                connection.close()

    def current_holder(self) -> str | None:
        """Return who holds the lock row (SQLite), for the message of a standby."""
        if self.db.dialect == "postgresql":
            return None
        with self.db.sessionmaker() as session:
            row = session.get(SchedulerLock, LOCK_NAME)
            return row.holder if row is not None and _aware(row.expires_at) > utcnow() else None

    def _acquire_advisory(self, engine: Engine) -> bool:
        """Try the session-level advisory lock on a connection kept open while it is held."""
        if self._connection is not None:
            return True
        connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        taken = connection.execute(text("SELECT pg_try_advisory_lock(:s, :k)"),
                                   {"s": LOCK_SPACE, "k": SCHEDULER_KEY}).scalar_one()
        if not taken:
            connection.close()
            return False
        self._connection = connection
        return True

    def _claim_row(self, *, take: bool) -> bool:
        """Renew the row if this process holds it; with `take`, also claim a free or stale one."""
        now = utcnow()
        expires = now + timedelta(seconds=self.lock_seconds)
        with self.db.session() as session:  # BEGIN IMMEDIATE: the look and the claim are one
            row = session.get(SchedulerLock, LOCK_NAME)
            if row is None:
                if not take:
                    return False
                session.add(SchedulerLock(name=LOCK_NAME, holder=self.holder, heartbeat_at=now,
                                          expires_at=expires))
                return True
            mine = row.holder == self.holder
            if not mine and not (take and _aware(row.expires_at) <= now):
                return False
            session.execute(update(SchedulerLock).where(SchedulerLock.name == LOCK_NAME).values(
                holder=self.holder, heartbeat_at=now, expires_at=expires))
            return True


def _aware(moment: datetime) -> datetime:
    """Return a stored time as aware UTC (SQLite gives it back without its offset)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def lock_rows(db: Database) -> list[SchedulerLock]:
    """Return the lock rows (for tests and the status line)."""
    with db.sessionmaker() as session:
        return list(session.scalars(select(SchedulerLock)))
