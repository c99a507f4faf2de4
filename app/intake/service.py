"""Receive a file for a feed: keep the original, read it, store it as one batch."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.intake.bulk import bulk_insert
from app.intake.feeds import StoreResult, storer_for
from app.intake.models import ImportBatch
from app.intake.read_ahead import read_ahead
from app.intake.reader_process import read_in_process, reading_plan, warm_up
from importers import FileRejected, ReadContext, RowError, iter_file

CHUNK = 1024 * 1024
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


def keep_original(*, source: Path, upload_folder: Path) -> tuple[str, Path, int]:
    """Copy a received file into the store under its SHA-256; return hash, path and size."""
    upload_folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=upload_folder, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            while block := src.read(CHUNK):
                digest.update(block)
                out.write(block)
                size += len(block)
        sha = digest.hexdigest()
        target = upload_folder / sha[:2] / sha
        target.parent.mkdir(exist_ok=True)
        if target.exists():
            os.unlink(tmp_name)
        else:
            # Rename is atomic: a crash never leaves a half-written original under its hash.
            os.replace(tmp_name, target)
        return sha, target, size
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise


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
    source: Path,
    submitted_by: str,
    upload_folder: Path,
    context: ReadContext,
    as_of: date,
    filename: str | None = None,
    progress: Callable[[int], None] | None = None,
    chunk_rows: int = 100_000,
    processes: bool = True,
) -> ImportOutcome:
    """Import one file as one batch; the caller commits (or rolls back) once afterwards.

    A large file is read and validated in a separate process while this one stores it
    (`processes=False`: in a thread of this process, as small files always are).
    """
    store = storer_for(feed)
    filename = filename or source.name
    in_process, chunk_rows = reading_plan(source, chunk_rows)
    in_process = in_process and processes
    if in_process:
        warm_up()  # while the original is copied and hashed
    sha, stored_path, size = keep_original(source=source, upload_folder=upload_folder)
    earlier = stored_batch_for(session=session, feed=feed, sha256=sha)
    if earlier is not None:
        return ImportOutcome(
            feed=feed, filename=filename, status="duplicate", duplicate_of=earlier.id,
            message=(f"already imported as batch #{earlier.id} ({earlier.filename}, "
                     f"{earlier.submitted_at:%Y-%m-%d %H:%M}); nothing new stored"),
        )
    batch = ImportBatch(feed=feed, filename=filename, sha256=sha, size_bytes=size,
                        submitted_by=submitted_by, status="stored", message="")
    session.add(batch)
    session.flush()
    # A file can still prove unreadable after some chunks were stored (a quote never closed):
    # the savepoint takes those rows back, so a rejected batch never holds half a file.
    savepoint = session.begin_nested()
    try:
        if in_process:
            chunks = read_in_process(feed, stored_path, filename=filename, context=context,
                                     chunk_rows=chunk_rows, categorical=feed in BULK_FEEDS)
        else:
            chunks = read_ahead(iter_file(feed, stored_path, filename=filename,
                                          context=context, chunk_rows=chunk_rows))
        result: StoreResult = store(
            session=session, batch=batch, chunks=_counting(chunks, progress), as_of=as_of,
            context=context,
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
    rejected_rows = len({e.row for e in errors})
    batch.rows_read = result.rows_read
    batch.rows_stored = result.rows_stored
    batch.rows_rejected = rejected_rows
    batch.message = result.message
    batch.sheet, batch.encoding = result.sheet, result.encoding
    session.flush()
    return ImportOutcome(
        feed=feed, filename=filename, status="stored", message=result.message,
        batch_id=batch.id, rows_read=result.rows_read, rows_stored=result.rows_stored,
        rows_rejected=rejected_rows, errors=errors, warnings=result.warnings,
    )


def _counting(chunks, progress: Callable[[int], None] | None):
    """Pass chunks through, reporting the running count of rows read."""
    total = 0
    for chunk in chunks:
        total += chunk.rows_read
        if progress is not None:
            progress(total)
        yield chunk

