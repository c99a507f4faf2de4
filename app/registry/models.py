"""Operators and licence lines, with every change of a licence kept as a version.

The activities a licence line allows are rows of an association, one per activity: of the
line as it stands (`licence_activity`) and of each version as it was recorded
(`licence_version_activity`), as the line's other fields are. An operator's activities are
those of its licence lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, utcnow
from lexicon.activities import ACTIVITIES

LICENCE_STATUSES = ("active", "suspended", "revoked")
# The check of both activity tables (its list is written into migration 0014 too).
ACTIVITY_CHECK = "activity IN (" + ", ".join(f"'{a}'" for a in ACTIVITIES) + ")"


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
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    licences: Mapped[list[Licence]] = relationship(
        back_populates="operator", order_by="Licence.valid_from"
    )

    @property
    def activities(self) -> tuple[str, ...]:
        """Return the activities of all its licence lines, sorted."""
        return tuple(sorted({a for licence in self.licences for a in licence.activities}))


class Licence(Base):
    """One licence line: an operator licensed for one substance over a validity period."""

    __tablename__ = "licence"
    __table_args__ = (UniqueConstraint("operator_id", "substance_code", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operator.id"), index=True)
    substance_code: Mapped[str] = mapped_column(String(80), index=True)
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
    activity_rows: Mapped[list[LicenceActivity]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="LicenceActivity.activity"
    )

    @property
    def activities(self) -> tuple[str, ...]:
        """Return the activities the line allows, sorted."""
        return tuple(row.activity for row in self.activity_rows)

    @activities.setter
    def activities(self, names: Iterable[str]) -> None:
        self.activity_rows = _rows(self.activity_rows, names, LicenceActivity)


class LicenceVersion(Base):
    """The state of a licence line from a date on, as the registry recorded it."""

    __tablename__ = "licence_version"
    __table_args__ = (UniqueConstraint("licence_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    licence_id: Mapped[int] = mapped_column(ForeignKey("licence.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    # None for the first version: what the registry first told us stands for the whole past.
    effective_from: Mapped[date | None] = mapped_column(Date)
    annual_quota_kg: Mapped[float | None] = mapped_column(Float)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    change: Mapped[str] = mapped_column(Text, default="")
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    licence: Mapped[Licence] = relationship(back_populates="versions")
    activity_rows: Mapped[list[LicenceVersionActivity]] = relationship(
        cascade="all, delete-orphan", lazy="selectin",
        order_by="LicenceVersionActivity.activity"
    )

    @property
    def activities(self) -> tuple[str, ...]:
        """Return the activities the version allowed, sorted."""
        return tuple(row.activity for row in self.activity_rows)

    @activities.setter
    def activities(self, names: Iterable[str]) -> None:
        self.activity_rows = _rows(self.activity_rows, names, LicenceVersionActivity)


class LicenceActivity(Base):
    """An activity a licence line allows as it stands."""

    __tablename__ = "licence_activity"
    __table_args__ = (CheckConstraint(ACTIVITY_CHECK, name="activity"),)

    licence_id: Mapped[int] = mapped_column(ForeignKey("licence.id"), primary_key=True)
    activity: Mapped[str] = mapped_column(String(32), primary_key=True)


class LicenceVersionActivity(Base):
    """An activity a version of a licence line allowed."""

    __tablename__ = "licence_version_activity"
    __table_args__ = (CheckConstraint(ACTIVITY_CHECK, name="activity"),)

    licence_version_id: Mapped[int] = mapped_column(ForeignKey("licence_version.id"),
                                                    primary_key=True)
    activity: Mapped[str] = mapped_column(String(32), primary_key=True)


def _rows(rows: list, names: Iterable[str], model: type) -> list:
    """Return the activity rows for a set of names: those kept, then the new ones, sorted."""
    wanted = set(names)
    kept = {row.activity: row for row in rows if row.activity in wanted}
    return [kept.get(name) or model(activity=name) for name in sorted(wanted)]
