"""What operators declared, what customs recorded, what exporters notified."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, NullableJSON, utcnow


class Declaration(Base):
    """One operator's declaration for one period, as received in one batch.

    A later declaration for the same operator and period is an amendment: the one submitted
    last (by its batch's submission time, then batch id) is the current one and the others
    stay, superseded, for the record.
    """

    __tablename__ = "declaration"
    __table_args__ = (
        Index("ix_declaration_licence_period", "licence_no", "period"),
        # At most one current declaration per licence and period, on both engines.
        Index("uq_declaration_current", "licence_no", "period", unique=True,
              sqlite_where=text("is_current"), postgresql_where=text("is_current")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"), index=True)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operator.id"), index=True)
    licence_no: Mapped[str] = mapped_column(String(64))
    period: Mapped[date] = mapped_column(Date)  # first day of the month declared
    lines: Mapped[int] = mapped_column(Integer, default=0)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("declaration.id"))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DeclarationLine(Base):
    """One declared movement, converted to kg of pure substance, the declared figures kept."""

    __tablename__ = "declaration_line"
    # A bulk fact table (millions of rows, written only by the declarations storer in the
    # same transaction that creates their declaration headers): no foreign keys and one
    # secondary index, because each index multiplies the cost of a bulk load
    # (docs/benchmarks.md). Detection scans every current line; an operator's lines are
    # reached through its declarations (indexed by licence and period), then declaration_id.
    # The declaration's licence, period and batch are not repeated on each line.

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(Integer, index=True)
    source_row: Mapped[int] = mapped_column(Integer)
    movement: Mapped[str] = mapped_column(String(16))
    date: Mapped[date] = mapped_column(Date)
    substance_code: Mapped[str] = mapped_column(String(80))
    substance_text: Mapped[str] = mapped_column(String(300))
    form_code: Mapped[str | None] = mapped_column(String(80))
    quantity: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(8))
    concentration_pct: Mapped[float] = mapped_column(Float)
    quantity_kg: Mapped[float] = mapped_column(Float)
    counterparty_licence: Mapped[str | None] = mapped_column(String(64))
    counterparty_name: Mapped[str | None] = mapped_column(String(300))
    counterparty_country: Mapped[str | None] = mapped_column(String(2))
    document_ref: Mapped[str | None] = mapped_column(String(120))
    payment_method: Mapped[str | None] = mapped_column(String(16))
    delivery: Mapped[str | None] = mapped_column(String(16))
    extra: Mapped[dict | None] = mapped_column(NullableJSON)  # the row's extra columns


class CustomsItem(Base):
    """One item of a customs declaration, controlled or not (descriptions matter too)."""

    __tablename__ = "customs_item"
    __table_args__ = (
        Index("ix_customs_item_key", "declaration_no", "item_no"),
        Index("ix_customs_item_trader", "tax_id_key", "substance_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"), index=True)
    source_row: Mapped[int] = mapped_column(Integer)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    declaration_no: Mapped[str] = mapped_column(String(64))
    item_no: Mapped[str] = mapped_column(String(16))
    date: Mapped[date] = mapped_column(Date, index=True)
    flow: Mapped[str] = mapped_column(String(8))
    hs_code: Mapped[str] = mapped_column(String(10))
    hs6: Mapped[str] = mapped_column(String(6), index=True)
    substance_code: Mapped[str | None] = mapped_column(String(80))
    goods_description: Mapped[str] = mapped_column(Text)
    net_mass_kg: Mapped[float] = mapped_column(Float)
    trader_tax_id: Mapped[str] = mapped_column(String(64))
    tax_id_key: Mapped[str] = mapped_column(String(64))
    trader_name: Mapped[str | None] = mapped_column(String(300))
    partner_country: Mapped[str] = mapped_column(String(2))
    customs_office: Mapped[str | None] = mapped_column(String(120))
    statistical_value_usd: Mapped[float | None] = mapped_column(Float)
    extra: Mapped[dict | None] = mapped_column(NullableJSON)


class ExportNotification(Base):
    """A pre-export notification and the importing country's answer."""

    __tablename__ = "export_notification"
    __table_args__ = (Index("ix_export_notification_ref", "notification_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"), index=True)
    source_row: Mapped[int] = mapped_column(Integer)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    notification_ref: Mapped[str] = mapped_column(String(64))
    date: Mapped[date] = mapped_column(Date)
    exporter_licence: Mapped[str] = mapped_column(String(64), index=True)
    importer_name: Mapped[str] = mapped_column(String(300))
    importing_country: Mapped[str] = mapped_column(String(2))
    substance_code: Mapped[str] = mapped_column(String(80))
    quantity_kg: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16))
    extra: Mapped[dict | None] = mapped_column(NullableJSON)
