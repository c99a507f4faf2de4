"""Detection runs: which rules ran, what they read, what they found and raised, how long."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class DetectionRun(Base):
    """One run of `vigia detect`: which rules, what it read, what it raised, how long."""

    __tablename__ = "detection_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    seconds: Mapped[float | None] = mapped_column(Float)
    as_of: Mapped[date] = mapped_column(Date)
    since: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="running")
    message: Mapped[str] = mapped_column(Text, default="")
    # The rule files (path, sha256), versions and per-rule results; [] until the run records it.
    rule_files: Mapped[dict | list] = mapped_column(JSON, default=list)
    rows_read: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)  # table -> rows
    findings: Mapped[int] = mapped_column(Integer, default=0)
    alerts_raised: Mapped[int] = mapped_column(Integer, default=0)
    alerts_refreshed: Mapped[int] = mapped_column(Integer, default=0)
    alerts_reopened: Mapped[int] = mapped_column(Integer, default=0)
