"""Receive a file for a feed: keep the original, read it, store it as one batch."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db import utcnow
from app.intake.locks import hold_feed_lock
from app.intake.models import ImportBatch
from app.intake.originals import TooLarge, keep_original
from app.intake.read_ahead import read_ahead
from app.intake.reader_process import (
    FileAhead,
    NextFile,
    ReadKey,
    read_in_process,
    reading_plan,
    warm_up,
)
from app.storage.bulk import bulk_insert
from app.storage.results import Storer, StoreResult
from importers import Chunk, FileRejected, Limits, ReadContext, RowError, iter_file
from importers.formats import describe_size
from importers.text import UNSAFE_IN_CELL, printable_name

MAX_SUBMITTER_CHARS = 200  # import_batch.submitted_by
MAX_ROW_ERRORS = 100_000  # rejected cells stored and listed per file; the rest are counted
# Feeds whose storers only hand records on to the bulk writers (which take Categoricals).
BULK_FEEDS = frozenset({"declarations", "customs", "export_notifications"})


@dataclass
class ImportOutcome:
    """What happened to one file: the batch, the counts and every rejected row."""

    feed: str
    filename: str
    status: str
    message: str
    batch_id: int | None = None
    rows_read: int = 0
    rows_stored: int = 0
    rows_rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    duplicate_of: int | None = None
    errors_not_listed: int = 0  # rejected cells past the file's limit: counted, not stored

    def summary(self) -> str:
        """Return the one-line summary printed for this file."""
        if self.status == "duplicate":
            return f"{self.filename}: {self.message}"
        if self.status == "rejected":
            return f"{self.filename}: rejected: {self.message}"
        return (
            f"{self.filename}: read {self.rows_read}, stored {self.rows_stored}, "
            f"rejected {self.rows_rejected} (batch #{self.batch_id}){self._detail()}"
        )

    def _detail(self) -> str:
        """Return the feed-specific part of the summary, if any."""
        return f"; {self.message}" if self.message else ""


def stored_batch_for(*, session: Session, feed: str, sha256: str) -> ImportBatch | None:
    """Return the batch that already stored a file with this checksum, if any."""
    return session.scalars(
        select(ImportBatch)
        .where(ImportBatch.feed == feed, ImportBatch.sha256 == sha256,
               ImportBatch.status == "stored")
        .order_by(ImportBatch.id)
        .limit(1)
    ).first()


def import_file(
    *,
    session: Session,
    feed: str,
    store: Storer,
    source: Path,
    submitted_by: str,
    upload_folder: Path,
    context: ReadContext,
    as_of: date,
    filename: str | None = None,
    progress: Callable[[int], None] | None = None,
    chunk_rows: int = 100_000,
    processes: bool = True,
    submitted_at: datetime | None = None,
    limits: Limits | None = None,
    max_row_errors: int = MAX_ROW_ERRORS,
    next_file: NextFile | None = None,
    upcoming: Path | None = None,
) -> ImportOutcome:
    """Import one file as one batch, its records stored by `store`; the caller commits once.

    The pipeline hands the feed's storer (`app.pipeline.import_file`); a failure is rolled
    back by the caller.

    Safe beside other imports: the feed's lock is held from the look for an earlier copy to
    the caller's commit, so the same file is stored once and amendments see each other.
    `submitted_at` (default now) is when the file was received: of two declarations of a
    licence and period the later submission is current, whatever order they are stored in.
    A large file is read and validated in a separate process while this one stores it
    (`processes=False`: in a thread of this process, as small files always are).

    `next_file`, `upcoming`: the file imported after this one (a command's list) is kept and
    read in a reader process while this one is stored; this file's turn takes what
    `next_file` read ahead for it, if it was read the same way.
    """
    submitted_at = _in_utc(submitted_at or utcnow())
    submitted_by = check_submitter(submitted_by)
    filename = printable_name(filename or source.name)
    limits = limits or Limits()
    in_process, plan_rows = reading_plan(source, chunk_rows)
    ahead = None
    if next_file is not None:
        ahead = next_file.take(ReadKey(feed, source, filename, context, plan_rows, limits,
                                       upload_folder))
        if upcoming is not None and processes and upcoming.is_file():
            next_file.start(ReadKey(feed, upcoming, printable_name(upcoming.name), context,
                                    reading_plan(upcoming, chunk_rows)[1], limits,
                                    upload_folder),
                            categorical=feed in BULK_FEEDS)
    try:
        return _import_file(
            session=session, feed=feed, store=store, source=source, submitted_by=submitted_by,
            upload_folder=upload_folder, context=context, as_of=as_of, filename=filename,
            progress=progress, chunk_rows=plan_rows, in_process=in_process and processes,
            submitted_at=submitted_at, limits=limits, max_row_errors=max_row_errors,
            ahead=ahead)
    finally:
        if ahead is not None:
            ahead.close()


def _import_file(
    *, session: Session, feed: str, store: Storer, source: Path, submitted_by: str,
    upload_folder: Path, context: ReadContext, as_of: date, filename: str,
    progress: Callable[[int], None] | None, chunk_rows: int, in_process: bool,
    submitted_at: datetime, limits: Limits, max_row_errors: int, ahead: FileAhead | None,
) -> ImportOutcome:
    """Import one file as one batch (`import_file`, its arguments checked and its reading
    planned: `in_process`, `chunk_rows` from `reading_plan`)."""
    try:
        if ahead is not None:
            sha, stored_path, size = ahead.kept()
        else:
            if in_process:
                warm_up()  # while the original is copied and hashed
            sha, stored_path, size = keep_original(source=source, upload_folder=upload_folder,
                                                   max_bytes=limits.max_bytes)
    except TooLarge as too_large:
        return ImportOutcome(
            feed=feed, filename=filename, status="rejected",
            message=(f"file is {describe_size(too_large.args[0])}, more than the "
                     f"{describe_size(limits.max_bytes)} allowed; not kept"),
        )
    hold_feed_lock(session, feed=feed)
    earlier = stored_batch_for(session=session, feed=feed, sha256=sha)
    if earlier is not None:
        return _duplicate(feed, filename, earlier)
    batch = ImportBatch(feed=feed, filename=filename, sha256=sha, size_bytes=size,
                        submitted_by=submitted_by, submitted_at=submitted_at, status="stored",
                        message="")
    try:
        with session.begin_nested():  # the unique index of stored files, should a lock fail
            session.add(batch)
            session.flush()
    except IntegrityError:
        earlier = stored_batch_for(session=session, feed=feed, sha256=sha)
        if earlier is None:
            raise
        return _duplicate(feed, filename, earlier)
    # A file can still prove unreadable after some chunks were stored (a quote never closed):
    # the savepoint takes those rows back, so a rejected batch never holds half a file.
    tally = _ErrorTally(max_row_errors)
    savepoint = session.begin_nested()
    try:
        if ahead is not None:
            chunks = ahead.chunks()
        elif in_process:
            chunks = read_in_process(feed, stored_path, filename=filename, context=context,
                                     chunk_rows=chunk_rows, categorical=feed in BULK_FEEDS,
                                     limits=limits)
        else:
            chunks = read_ahead(iter_file(feed, stored_path, filename=filename,
                                          context=context, chunk_rows=chunk_rows,
                                          limits=limits))
        result: StoreResult = store(
            session=session, batch=batch, chunks=tally.watch(_counting(chunks, progress)),
            as_of=as_of, context=context,
        )
    except FileRejected as rejected:
        savepoint.rollback()
        batch.status, batch.message = "rejected", rejected.reason
        session.flush()
        return ImportOutcome(feed=feed, filename=filename, status="rejected",
                             message=rejected.reason, batch_id=batch.id)
    savepoint.commit()
    errors = sorted(result.errors, key=lambda e: (e.row, e.column or ""))
    bulk_insert(session, "import_row_error", pd.DataFrame({
        "batch_id": batch.id,
        "row": pd.Series([e.row for e in errors], dtype="int64"),
        "column": pd.Series([e.column for e in errors], dtype=object),
        "value": pd.Series([e.value for e in errors], dtype=object),
        "reason": pd.Series([e.reason for e in errors], dtype=object),
    }))
    rejected_rows = len({e.row for e in errors}) + tally.rows
    warnings = list(result.warnings)
    if tally.dropped:
        warnings.append(
            f"{tally.dropped:,} more rejected cells past the first {max_row_errors:,} are "
            "counted but not listed or stored (VIGIA_MAX_ROW_ERRORS)"
        )
    batch.rows_read = result.rows_read
    batch.rows_stored = result.rows_stored
    batch.rows_rejected = rejected_rows
    batch.message = result.message
    batch.warnings = warnings or None
    batch.sheet = printable_name(result.sheet, 200) if result.sheet else None
    batch.encoding = result.encoding
    session.flush()
    return ImportOutcome(
        feed=feed, filename=filename, status="stored", message=result.message,
        batch_id=batch.id, rows_read=result.rows_read, rows_stored=result.rows_stored,
        rows_rejected=rejected_rows, errors=errors, warnings=warnings,
        errors_not_listed=tally.dropped,
    )


def check_submitter(submitted_by: str) -> str:
    """Return who sent a file, stripped; raise ValueError if it cannot be stored as it is."""
    who = str(submitted_by).strip()
    if not who:
        raise ValueError("say who sent the file (--by)")
    if len(who) > MAX_SUBMITTER_CHARS:
        raise ValueError(f"--by is {len(who):,} characters long; at most "
                         f"{MAX_SUBMITTER_CHARS} are stored")
    if UNSAFE_IN_CELL.search(who) or "\n" in who or "\r" in who:
        raise ValueError("--by holds a control character or line break; write a plain name")
    return who


def _in_utc(moment: datetime) -> datetime:
    """Return an aware time in UTC (a naive one is taken as UTC): SQLite stores no offset."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _duplicate(feed: str, filename: str, earlier: ImportBatch) -> ImportOutcome:
    """Say that a file was already stored, by which batch."""
    return ImportOutcome(
        feed=feed, filename=filename, status="duplicate", duplicate_of=earlier.id,
        message=(f"already imported as batch #{earlier.id} ({earlier.filename}, "
                 f"{earlier.submitted_at:%Y-%m-%d %H:%M}); nothing new stored"),
    )


class _ErrorTally:
    """Let through the first `limit` rejected cells of a file; count the rest and their rows.

    A file of millions of bad rows stored 14.8 million row errors (900 MB); past the limit
    the rows are still counted as rejected, their cells are no longer kept.
    """

    def __init__(self, limit: int):
        self.limit = limit
        self.kept = 0  # cells let through
        self.dropped = 0  # cells counted only
        self.rows = 0  # rows rejected only by cells counted, not kept

    def watch(self, chunks: Iterator[Chunk]) -> Iterator[Chunk]:
        """Pass chunks through, trimming their errors once the limit is reached."""
        for chunk in chunks:
            room = self.limit - self.kept
            if len(chunk.errors) > room:
                kept, dropped = chunk.errors[:room], chunk.errors[room:]
                self.rows += len({e.row for e in dropped} - {e.row for e in kept})
                self.dropped += len(dropped)
                self.kept = self.limit
                chunk.errors = kept
            else:
                self.kept += len(chunk.errors)
            yield chunk


def _counting(chunks, progress: Callable[[int], None] | None):
    """Pass chunks through, reporting the running count of rows read."""
    total = 0
    for chunk in chunks:
        total += chunk.rows_read
        if progress is not None:
            progress(total)
        yield chunk

