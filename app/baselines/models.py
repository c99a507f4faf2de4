"""National legitimate requirement of a substance for a year."""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, NullableJSON


class Baseline(Base):
    """The country's legitimate need of one substance for one calendar year (kg pure)."""

    __tablename__ = "baseline"
    __table_args__ = (Index("ix_baseline_substance_year", "substance_code", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"), index=True)
    source_row: Mapped[int] = mapped_column(Integer)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    substance_code: Mapped[str] = mapped_column(String(80))
    year: Mapped[int] = mapped_column(Integer)
    quantity_kg: Mapped[float] = mapped_column(Float)
    source: Mapped[str | None] = mapped_column(String(300))
    extra: Mapped[dict | None] = mapped_column(NullableJSON)  # the row's extra columns
