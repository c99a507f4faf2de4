"""The schema itself refuses what the race of issue 12 stored, on both engines.

The per-feed lock makes the second import wait (tests/intake/test_concurrent_imports.py);
these partial unique indexes (migration 0010) hold the same promises should a lock ever be
missed: one stored batch per feed and SHA-256, one current declaration per licence and period.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from app.intake.models import ImportBatch
from app.movements.models import Declaration

SHA = "ab" * 32


def batch(db_session, *, status: str = "stored", feed: str = "declarations") -> ImportBatch:
    """Add a batch of the same file and flush it."""
    found = ImportBatch(feed=feed, filename="enero.csv", sha256=SHA, size_bytes=10,
                        submitted_by="t", status=status, message="")
    db_session.add(found)
    db_session.flush()
    return found


def test_a_file_cannot_be_stored_twice_in_one_feed(db_session):
    batch(db_session)
    batch(db_session, status="rejected")  # refused or duplicate copies are kept as they are
    batch(db_session, status="duplicate")
    batch(db_session, feed="customs")  # the same bytes sent as another feed are another file
    with pytest.raises(IntegrityError), db_session.begin_nested():
        batch(db_session)


def test_a_licence_and_period_cannot_have_two_current_declarations(db_session):
    first, second = batch(db_session), batch(db_session, status="duplicate")

    def declaration(of: ImportBatch, *, current: bool, period=date(2025, 1, 1)) -> None:
        db_session.add(Declaration(batch_id=of.id, licence_no="LIC-001", period=period,
                                   lines=1, is_current=current))
        db_session.flush()

    declaration(first, current=True)
    declaration(second, current=False)  # superseded versions are kept beside it
    declaration(second, current=True, period=date(2025, 2, 1))
    with pytest.raises(IntegrityError), db_session.begin_nested():
        declaration(second, current=True)
