"""A company's declarations: send one through intake, read its receipt, list its own history.

The upload goes through the same intake service as `vigia import declarations` (same
readers, limits, storage, amendments); the portal adds only that a company declares for its
own licence (rows of another are refused) and the record of who sent what (`Submission`).
Every read here is scoped by the caller's licence: a submission of another operator is
answered as if it did not exist.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.db import utcnow
from app.extensions import Vigia
from app.intake.models import ImportBatch, RowErrorRecord
from app.movements.models import Declaration
from app.pipeline import import_file, read_context
from app.portal.models import Submission
from app.registry.models import Operator

FEED = "declarations"
HISTORY_SHOWN = 200
ERRORS_SHOWN = 1000  # refused cells listed on a receipt; all are stored with the batch


@dataclass(frozen=True)
class Sender:
    """Who sends a declaration: the company user and the licence of its operator."""

    user_id: int
    email: str
    licence_no: str


@dataclass
class PeriodStored:
    """A period a file declared: its lines, and the earlier declaration it amends, if any."""

    period: date
    lines: int
    current: bool
    amends_batch: int | None = None
    amends_received: datetime | None = None


@dataclass
class Receipt:
    """What a submission did: the file, its batch, the periods stored and the refused rows."""

    submission: Submission
    batch: ImportBatch | None
    periods: list[PeriodStored] = field(default_factory=list)
    errors: list[RowErrorRecord] = field(default_factory=list)
    errors_total: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def refused_rows(self) -> list[int]:
        """Return the row numbers refused, in order."""
        return sorted({e.row for e in self.errors})


def operator_of(*, session: Session, licence_no: str) -> Operator | None:
    """Return the registered operator of a licence, None when the registry does not know it."""
    return session.scalar(select(Operator).where(Operator.licence_no == licence_no))


def submit_declaration(services: Vigia, *, session: Session, sender: Sender, source: Path,
                       filename: str, channel: str, token_id: int | None = None,
                       as_of: date | None = None) -> Submission:
    """Import a declaration file for the sender's operator and record the submission.

    The caller commits once (the batch, its rows and the submission together).
    """
    intake = services.settings.intake
    context = dataclasses.replace(read_context(services, session=session, feed=FEED),
                                  declarant=sender.licence_no)
    received = utcnow()
    outcome = import_file(
        session=session, feed=FEED, source=source, submitted_by=sender.email,
        upload_folder=services.settings.upload_folder, context=context,
        as_of=as_of or date.today(), filename=filename, submitted_at=received,
        limits=intake.limits, max_row_errors=intake.max_row_errors,
    )
    message = outcome.message
    if outcome.status == "duplicate" and not _own_batch(session, sender.licence_no,
                                                        outcome.duplicate_of):
        message = "this exact file was already received; nothing new stored"  # not theirs
    submission = Submission(
        licence_no=sender.licence_no, user_id=sender.user_id, channel=channel,
        token_id=token_id, received_at=received, filename=outcome.filename,
        status=outcome.status, message=message, batch_id=outcome.batch_id,
        duplicate_of=outcome.duplicate_of,
    )
    session.add(submission)
    session.flush()
    return submission


def own_submission(*, session: Session, licence_no: str,
                   submission_id: int) -> Submission | None:
    """Return a submission of this licence; None for another operator's or none at all."""
    submission = session.get(Submission, submission_id)
    if submission is None or submission.licence_no != licence_no:
        return None
    return submission


def load_receipt(*, session: Session, licence_no: str, submission_id: int,
                 errors_shown: int = ERRORS_SHOWN) -> Receipt | None:
    """Return the receipt of one of this licence's submissions, None when it is not theirs."""
    submission = own_submission(session=session, licence_no=licence_no,
                                submission_id=submission_id)
    if submission is None:
        return None
    batch_id = submission.batch_id
    if submission.status == "duplicate" and _own_batch(session, licence_no,
                                                       submission.duplicate_of):
        batch_id = submission.duplicate_of  # else another operator's: say nothing of it
    batch = session.get(ImportBatch, batch_id) if batch_id else None
    receipt = Receipt(submission=submission, batch=batch)
    if batch is None or submission.status == "duplicate":
        return receipt
    receipt.periods = _periods(session, batch.id)
    receipt.errors = list(session.scalars(
        select(RowErrorRecord).where(RowErrorRecord.batch_id == batch.id)
        .order_by(RowErrorRecord.row, RowErrorRecord.id).limit(errors_shown)))
    receipt.errors_total = session.scalar(select(func.count(RowErrorRecord.id)).where(
        RowErrorRecord.batch_id == batch.id)) or 0
    receipt.warnings = list(batch.warnings or [])
    return receipt


def _own_batch(session: Session, licence_no: str, batch_id: int | None) -> bool:
    """Tell whether a batch was sent through the portal for this licence."""
    return batch_id is not None and session.scalar(select(Submission.id).where(
        Submission.batch_id == batch_id, Submission.licence_no == licence_no).limit(1)) is not None


def _periods(session: Session, batch_id: int) -> list[PeriodStored]:
    """Return the periods a batch declared and the earlier declarations each amends."""
    stored = list(session.scalars(select(Declaration).where(Declaration.batch_id == batch_id)
                                  .order_by(Declaration.period)))
    earlier = {}
    if stored:
        rows = session.execute(
            select(Declaration.superseded_by_id, ImportBatch.id, ImportBatch.submitted_at)
            .join(ImportBatch, ImportBatch.id == Declaration.batch_id)
            .where(Declaration.superseded_by_id.in_([d.id for d in stored]))
            .order_by(ImportBatch.submitted_at))
        for by, earlier_batch, at in rows:
            earlier[by] = (earlier_batch, at)
    return [PeriodStored(period=d.period, lines=d.lines, current=d.is_current,
                         amends_batch=earlier.get(d.id, (None, None))[0],
                         amends_received=earlier.get(d.id, (None, None))[1]) for d in stored]


def own_submissions(*, session: Session, licence_no: str, limit: int = HISTORY_SHOWN,
                    before_id: int | None = None) -> list[Submission]:
    """Return this licence's submissions, newest first (those before an id, for a page)."""
    query = (select(Submission).where(Submission.licence_no == licence_no)
             .options(selectinload(Submission.batch)))
    if before_id is not None:
        query = query.where(Submission.id < before_id)
    return list(session.scalars(query.order_by(Submission.id.desc()).limit(limit)))
