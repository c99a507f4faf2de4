"""One import of a feed at a time: the lock that makes "stored once" and amendments hold.

The importer looks for an earlier copy of a file, then stores it, then marks what it amends.
Two imports doing that at once each see the database as it was before the other: both
store the same file, or both declarations of a licence and period stay current. Holding a
lock per feed from before the look until the commit makes the second import wait, then
see the first's batch ("already imported") and its declarations (which it amends).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.db import waiting
from app.errors import Unavailable, explain
from app.intake.models import FEEDS

# First key of Vigía's PostgreSQL advisory locks (the second is the feed): "VIGI".
LOCK_SPACE = 0x56494749


def hold_feed_lock(session: Session, *, feed: str) -> None:
    """Wait for the right to store files of a feed, held until the transaction ends.

    PostgreSQL: a transaction-level advisory lock of the feed (other feeds go on). SQLite:
    the database's one write lock, taken now by a write that changes nothing; a session
    from `Database.session()` already took it with BEGIN IMMEDIATE. Waiting longer than
    the lock timeout raises `Unavailable`.
    """
    connection = session.connection()
    try:
        if connection.dialect.name == "postgresql":
            key = {"space": LOCK_SPACE, "feed": FEEDS.index(feed)}
            if session.execute(text("SELECT pg_try_advisory_xact_lock(:space, :feed)"),
                               key).scalar_one():
                return
            waiting.info("waiting for another import of %s files to finish",
                         feed.replace("_", " "))
            session.execute(text("SELECT pg_advisory_xact_lock(:space, :feed)"), key)
        else:
            session.execute(text("UPDATE import_batch SET id = id WHERE 0 = 1"))
    except OperationalError as exc:
        if explain(exc) is None:
            raise
        raise Unavailable(
            f"another import of {feed.replace('_', ' ')} files (or a detection run) held the "
            "database past the lock timeout: try again when it has finished, or raise "
            "VIGIA_LOCK_TIMEOUT"
        ) from exc
