"""The findings of detection runs, the alerts officers see, and alert events."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, utcnow

# An alert is open until an officer closes it as confirmed (diversion or breach) or dismissed.
ALERT_STATUSES = ("open", "in_review", "escalated", "confirmed", "dismissed")
OPEN_STATUSES = ("open", "in_review", "escalated")
# What closing an alert concluded: confirmed as ... or dismissed as ...
OUTCOMES = {
    "confirmed": ("diversion_suspected", "administrative_breach"),
    "dismissed": ("legitimate", "false_positive", "data_error"),
}
# The queue reads alerts most urgent first: score, then the newest; one index per filter
# with the same order lets a page be read by keyset (score, id) without sorting.
QUEUE_FILTER_COLUMNS = ("status", "severity", "rule_id", "detector", "substance_code",
                        "licence_no", "tax_id", "assignee", "queue")
# The queue's counts per status read only this index on PostgreSQL (an index-only scan):
# every column a queue filter or the suppression check reads is carried in it.
COUNT_INCLUDE = ("detector", "rule_id", "substance_code", "licence_no", "tax_id", "assignee",
                 "first_raised_at", "period_start", "period_end", "pending_status", "queue")
QUEUES = ("diversion", "administrative")
# Carried in each filter's index (PostgreSQL INCLUDE): counting one filter's alerts per
# status, in the queue, is then an index-only scan of that filter's entries.
FILTER_INCLUDE = ("status", "queue")


class Alert(Base):
    """What an officer triages: one rule, party, substance and window."""

    __tablename__ = "alert"
    __table_args__ = (
        Index("ix_alert_score_id", "score", "id"),
        *(Index(f"ix_alert_{name}_score_id", name, "score", "id",
                postgresql_include=[c for c in FILTER_INCLUDE if c != name])
          for name in QUEUE_FILTER_COLUMNS),
        Index("ix_alert_counts", "status", "severity", postgresql_include=list(COUNT_INCLUDE)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(400), unique=True)
    rule_id: Mapped[str] = mapped_column(String(120))
    rule_version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # 'rule' or 'statistical'
    detector: Mapped[str] = mapped_column(String(40))  # the rule kind, e.g. 'quota', 'surge'
    # `diversion`: the queue officers triage; `administrative`: notices such as overdue
    # declarations, a matter for reminders (the rule's `queue`).
    queue: Mapped[str] = mapped_column(String(16), default="diversion",
                                       server_default="diversion")
    severity: Mapped[str] = mapped_column(String(16))
    score: Mapped[int] = mapped_column(Integer)
    licence_no: Mapped[str | None] = mapped_column(String(64))
    tax_id: Mapped[str | None] = mapped_column(String(64))
    substance_code: Mapped[str | None] = mapped_column(String(80))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")
    summary: Mapped[str] = mapped_column(Text)
    # {"template", "values"}: the summary's parts, to say it in the reader's language.
    wording: Mapped[dict] = mapped_column(JSON, default=dict)
    observed: Mapped[float | None] = mapped_column(Float)
    expected: Mapped[float | None] = mapped_column(Float)
    evidence: Mapped[dict[str, list[int]]] = mapped_column(JSON, default=dict)  # table -> ids
    trace: Mapped[list[str]] = mapped_column(JSON, default=list)
    measures: Mapped[dict] = mapped_column(JSON, default=dict)
    # What the evidence amounted to when the alert was dismissed, to reopen it if it grows.
    dismissed_observed: Mapped[float | None] = mapped_column(Float)
    times_seen: Mapped[int] = mapped_column(Integer, default=1)
    assignee: Mapped[str | None] = mapped_column(String(200))  # a user's email
    outcome: Mapped[str | None] = mapped_column(String(32))  # set when confirmed or dismissed
    # A closure of a high or critical alert waiting for a supervisor's approval (four eyes).
    pending_status: Mapped[str | None] = mapped_column(String(16))
    pending_outcome: Mapped[str | None] = mapped_column(String(32))
    pending_reason: Mapped[str | None] = mapped_column(Text)
    pending_by: Mapped[str | None] = mapped_column(String(254))
    pending_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_run_id: Mapped[int | None] = mapped_column(ForeignKey("detection_run.id"))

    events: Mapped[list[AlertEvent]] = relationship(
        back_populates="alert", order_by="AlertEvent.id"
    )


class StoredFinding(Base):
    """A finding of one run, kept for the record whether or not it became an alert."""

    __tablename__ = "finding"
    __table_args__ = (Index("ix_finding_run_rule", "run_id", "rule_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("detection_run.id"), index=True)
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alert.id"), index=True)
    rule_id: Mapped[str] = mapped_column(String(120))
    rule_version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    mode: Mapped[str] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(16))
    licence_no: Mapped[str | None] = mapped_column(String(64))
    tax_id: Mapped[str | None] = mapped_column(String(64))
    substance_code: Mapped[str | None] = mapped_column(String(80))
    window_start: Mapped[date] = mapped_column(Date)
    window_end: Mapped[date] = mapped_column(Date)
    observed: Mapped[float | None] = mapped_column(Float)
    expected: Mapped[float | None] = mapped_column(Float)
    summary: Mapped[str] = mapped_column(Text)
    wording: Mapped[dict] = mapped_column(JSON, default=dict)
    evidence: Mapped[dict[str, list[int]]] = mapped_column(JSON, default=dict)
    trace: Mapped[list[str]] = mapped_column(JSON, default=list)
    measures: Mapped[dict] = mapped_column(JSON, default=dict)


class AlertEvent(Base):
    """An append-only record of what happened to an alert: who, when, from what, to what, why.

    Each alert's events form a hash chain (seq 1, 2, ...; each hash covers the previous
    one), so an edited, removed or inserted event shows (`vigia audit verify`); on
    PostgreSQL a trigger refuses UPDATE and DELETE on the table.
    """

    __tablename__ = "alert_event"
    __table_args__ = (UniqueConstraint("alert_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    # JSON of what else the event decided: outcome, assignee, approver, suppression ... kept
    # as the very text the event's hash covers (Text, not a JSON column: see 0014).
    detail: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64))

    alert: Mapped[Alert] = relationship(back_populates="events")
