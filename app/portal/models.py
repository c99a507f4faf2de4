"""A company's submissions: every declaration file an operator sent, by page or by API."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, utcnow
from app.intake.models import ImportBatch

CHANNELS = ("web", "api")


class Submission(Base):
    """One file a company user sent for its operator, and what intake made of it.

    `batch_id` is the import batch that stored (or refused) the file; a file already
    received names the earlier batch in `duplicate_of`; a file refused before it was kept
    (too large) has neither, and only its name and message remain.
    """

    __tablename__ = "portal_submission"
    __table_args__ = (Index("ix_portal_submission_licence_at", "licence_no", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    licence_no: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    channel: Mapped[str] = mapped_column(String(8))
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_token.id"))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    filename: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16))  # stored, duplicate, rejected
    message: Mapped[str] = mapped_column(Text, default="")
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)
    duplicate_of: Mapped[int | None] = mapped_column(Integer)

    batch: Mapped[ImportBatch | None] = relationship()
