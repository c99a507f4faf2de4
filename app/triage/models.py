"""Suppressions: a supervisor silences one rule for one party (and substance) until a date."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class Suppression(Base):
    """A rule silenced for a party until a day: its alerts leave the queue, findings stay."""

    __tablename__ = "suppression"
    __table_args__ = (Index("ix_suppression_rule_party", "rule_id", "party"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(120))
    # The alert's party: its licence number, else its tax id.
    party: Mapped[str] = mapped_column(String(64))
    substance_code: Mapped[str | None] = mapped_column(String(80))  # None: every substance
    until: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    lifted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    lifted_by: Mapped[str | None] = mapped_column(String(254))
