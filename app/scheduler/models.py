"""Job runs, the scheduler's lock row, and APScheduler's job store (built by our migrations)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Float, LargeBinary, String, Table, Text, Unicode
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, NullableJSON, utcnow

JOB_RUN_STATUSES = ("running", "completed", "failed", "skipped", "interrupted")

# APScheduler's SQLAlchemyJobStore table, with the columns it defines itself: declared here so
# that the schema is built by the migrations like every other table (the job store then finds
# it and creates nothing).
APSCHEDULER_JOBS = Table(
    "apscheduler_jobs",
    Base.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)


class JobRun(Base):
    """One run of a scheduled job: when, how it ended, what it did or why it failed."""

    __tablename__ = "job_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 index=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    seconds: Mapped[float | None] = mapped_column(Float)
    summary: Mapped[str] = mapped_column(Text, default="")  # one line a supervisor reads
    details: Mapped[dict | None] = mapped_column(NullableJSON)  # batch ids, run id, counts
    error: Mapped[str | None] = mapped_column(Text)
    holder: Mapped[str] = mapped_column(String(200), default="")  # host:pid of the scheduler


class SchedulerLock(Base):
    """The row that lets one scheduler act at a time on SQLite (PostgreSQL: an advisory lock).

    The holder renews `expires_at` while it lives; another scheduler takes the row over only
    once it has expired.
    """

    __tablename__ = "scheduler_lock"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    heartbeat_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
