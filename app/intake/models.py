"""One import batch per received file, with its rejected rows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, NullableJSON, utcnow

FEEDS = ("registry", "declarations", "customs", "baselines", "export_notifications")
BATCH_STATUSES = ("stored", "rejected", "duplicate")


class ImportBatch(Base):
    """A file received for one feed, kept byte for byte under its SHA-256."""

    __tablename__ = "import_batch"
    # A file is stored once per feed, whatever runs at the same time (rejected tries repeat).
    __table_args__ = (
        Index("uq_import_batch_stored_file", "feed", "sha256", unique=True,
              sqlite_where=text("status = 'stored'"),
              postgresql_where=text("status = 'stored'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    feed: Mapped[str] = mapped_column(String(32), index=True)
    filename: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int] = mapped_column(Integer)
    submitted_by: Mapped[str] = mapped_column(String(200))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text, default="")
    warnings: Mapped[list[str] | None] = mapped_column(NullableJSON)  # the file's warnings
    sheet: Mapped[str | None] = mapped_column(String(200))
    encoding: Mapped[str | None] = mapped_column(String(32))
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_stored: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)

    row_errors: Mapped[list[RowErrorRecord]] = relationship(
        back_populates="batch", order_by="RowErrorRecord.row"
    )


class RowErrorRecord(Base):
    """A rejected cell or row of a batch: where it was and why."""

    __tablename__ = "import_row_error"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"), index=True)
    row: Mapped[int] = mapped_column(Integer)
    column: Mapped[str | None] = mapped_column(String(200))
    value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)

    batch: Mapped[ImportBatch] = relationship(back_populates="row_errors")
