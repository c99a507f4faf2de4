"""Operators and licence lines, with every change of a licence kept as a version."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, utcnow

LICENCE_STATUSES = ("active", "suspended", "revoked")


class Operator(Base):
    """A company registered with the authority, identified by its licence number."""

    __tablename__ = "operator"

    id: Mapped[int] = mapped_column(primary_key=True)
    licence_no: Mapped[str] = mapped_column(String(64), unique=True)
    legal_name: Mapped[str] = mapped_column(String(300))
    tax_id: Mapped[str] = mapped_column(String(64))
    # Letters and digits only, upper-case: what customs records are matched on.
    tax_id_key: Mapped[str] = mapped_column(String(64), index=True)
    region: Mapped[str | None] = mapped_column(String(120))
    sector: Mapped[str | None] = mapped_column(String(300))
    sector_code: Mapped[str | None] = mapped_column(String(16), index=True)
    activities: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    licences: Mapped[list[Licence]] = relationship(
        back_populates="operator", order_by="Licence.valid_from"
    )

    @property
    def activity_list(self) -> list[str]:
        """Return the activities as a list."""
        return [a for a in self.activities.split("|") if a]


class Licence(Base):
    """One licence line: an operator licensed for one substance over a validity period."""

    __tablename__ = "licence"
    __table_args__ = (UniqueConstraint("operator_id", "substance_code", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operator.id"), index=True)
    substance_code: Mapped[str] = mapped_column(String(80), index=True)
    activities: Mapped[str] = mapped_column(String(200))
    annual_quota_kg: Mapped[float | None] = mapped_column(Float)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    operator: Mapped[Operator] = relationship(back_populates="licences")
    versions: Mapped[list[LicenceVersion]] = relationship(
        back_populates="licence", order_by="LicenceVersion.version"
    )


class LicenceVersion(Base):
    """The state of a licence line from a date on, as the registry recorded it."""

    __tablename__ = "licence_version"
    __table_args__ = (UniqueConstraint("licence_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    licence_id: Mapped[int] = mapped_column(ForeignKey("licence.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    # None for the first version: what the registry first told us stands for the whole past.
    effective_from: Mapped[date | None] = mapped_column(Date)
    activities: Mapped[str] = mapped_column(String(200))
    annual_quota_kg: Mapped[float | None] = mapped_column(Float)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    change: Mapped[str] = mapped_column(Text, default="")
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    licence: Mapped[Licence] = relationship(back_populates="versions")
