"""Published rule versions, proposals awaiting a second regulator, the regulation audit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow

PROPOSAL_STATUSES = ("pending", "published", "refused", "withdrawn", "stale")
PROPOSAL_KINDS = ("edit", "restore")


class RuleVersion(Base):
    """One state of a rule as it was put into the rules folder, kept for history and restore.

    `seq` numbers a rule's history (1, 2, ...); `version` is the rule's own `version:` key.
    A state found in the folder that no proposal put there (the file edited by hand, or the
    state before the first proposal) is recorded with author `rules folder`.
    """

    __tablename__ = "rule_version"
    __table_args__ = (UniqueConstraint("rule_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(120), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[str] = mapped_column(String(255))
    rule_text: Mapped[str] = mapped_column(Text)  # the rule's own lines
    rule_sha256: Mapped[str] = mapped_column(String(64))
    file_text: Mapped[str] = mapped_column(Text)  # the whole rule file as written
    sha256: Mapped[str] = mapped_column(String(64))  # of file_text: what detection runs record
    author: Mapped[str] = mapped_column(String(254))
    approver: Mapped[str | None] = mapped_column(String(254))
    reason: Mapped[str] = mapped_column(Text, default="")
    proposed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("rule_proposal.id"))


class RuleProposal(Base):
    """A change of one rule waiting for a second regulator: the new text and its backtest."""

    __tablename__ = "rule_proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(120), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="edit")
    file_name: Mapped[str] = mapped_column(String(255))
    base_version: Mapped[int] = mapped_column(Integer)
    base_sha256: Mapped[str] = mapped_column(String(64))  # of the rule text it changes
    base_text: Mapped[str] = mapped_column(Text)
    proposed_text: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)  # the version it would publish
    restored_seq: Mapped[int | None] = mapped_column(Integer)  # a restore: of which version
    reason: Mapped[str] = mapped_column(Text, default="")
    proposed_by: Mapped[str] = mapped_column(String(254))
    proposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    decided_by: Mapped[str | None] = mapped_column(String(254))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    backtest: Mapped[dict] = mapped_column(JSON, default=dict)  # BacktestSchema's dump
    backtest_seconds: Mapped[float | None] = mapped_column(Float)
    backtest_as_of: Mapped[str | None] = mapped_column(String(10))


class RegulationEvent(Base):
    """An append-only record of the regulator workspace: who did what to which rule, when.

    Events form one hash chain (seq 1, 2, ...; each hash covers the previous one), the same
    construction as the alerts' audit trail, so an edited or removed event shows.
    """

    __tablename__ = "regulation_event"
    __table_args__ = (UniqueConstraint("seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(32))
    rule_id: Mapped[str | None] = mapped_column(String(120), index=True)
    proposal_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(Text, default="{}")  # the text the hash covers
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64))
