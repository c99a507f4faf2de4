"""movements and baselines

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "baseline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("substance_code", sa.String(length=80), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quantity_kg", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=True),
        sa.Column("extra", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batch.id"], name=op.f("fk_baseline_batch_id_import_batch")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_baseline")),
    )
    with op.batch_alter_table("baseline", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_baseline_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(
            "ix_baseline_substance_year", ["substance_code", "year"], unique=False
        )

    op.create_table(
        "customs_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("declaration_no", sa.String(length=64), nullable=False),
        sa.Column("item_no", sa.String(length=16), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("flow", sa.String(length=8), nullable=False),
        sa.Column("hs_code", sa.String(length=10), nullable=False),
        sa.Column("hs6", sa.String(length=6), nullable=False),
        sa.Column("substance_code", sa.String(length=80), nullable=True),
        sa.Column("goods_description", sa.Text(), nullable=False),
        sa.Column("net_mass_kg", sa.Float(), nullable=False),
        sa.Column("trader_tax_id", sa.String(length=64), nullable=False),
        sa.Column("tax_id_key", sa.String(length=64), nullable=False),
        sa.Column("trader_name", sa.String(length=300), nullable=True),
        sa.Column("partner_country", sa.String(length=2), nullable=False),
        sa.Column("customs_office", sa.String(length=120), nullable=True),
        sa.Column("statistical_value_usd", sa.Float(), nullable=True),
        sa.Column("extra", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batch.id"], name=op.f("fk_customs_item_batch_id_import_batch")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customs_item")),
    )
    with op.batch_alter_table("customs_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customs_item_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_customs_item_date"), ["date"], unique=False)
        batch_op.create_index(batch_op.f("ix_customs_item_hs6"), ["hs6"], unique=False)
        batch_op.create_index("ix_customs_item_key", ["declaration_no", "item_no"], unique=False)
        batch_op.create_index(
            "ix_customs_item_trader", ["tax_id_key", "substance_code"], unique=False
        )

    op.create_table(
        "declaration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("licence_no", sa.String(length=64), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batch.id"], name=op.f("fk_declaration_batch_id_import_batch")
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operator.id"], name=op.f("fk_declaration_operator_id_operator")
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by_id"],
            ["declaration.id"],
            name=op.f("fk_declaration_superseded_by_id_declaration"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declaration")),
    )
    with op.batch_alter_table("declaration", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_declaration_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_declaration_is_current"), ["is_current"], unique=False)
        batch_op.create_index(
            "ix_declaration_licence_period", ["licence_no", "period"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_declaration_operator_id"), ["operator_id"], unique=False
        )

    op.create_table(
        "export_notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("notification_ref", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("exporter_licence", sa.String(length=64), nullable=False),
        sa.Column("importer_name", sa.String(length=300), nullable=False),
        sa.Column("importing_country", sa.String(length=2), nullable=False),
        sa.Column("substance_code", sa.String(length=80), nullable=False),
        sa.Column("quantity_kg", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("extra", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batch.id"],
            name=op.f("fk_export_notification_batch_id_import_batch"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_notification")),
    )
    with op.batch_alter_table("export_notification", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_export_notification_batch_id"), ["batch_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_export_notification_exporter_licence"),
            ["exporter_licence"],
            unique=False,
        )
        batch_op.create_index("ix_export_notification_ref", ["notification_ref"], unique=False)

    op.create_table(
        "declaration_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("declaration_id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("licence_no", sa.String(length=64), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("movement", sa.String(length=16), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("substance_code", sa.String(length=80), nullable=False),
        sa.Column("substance_text", sa.String(length=300), nullable=False),
        sa.Column("form_code", sa.String(length=80), nullable=True),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("concentration_pct", sa.Float(), nullable=False),
        sa.Column("quantity_kg", sa.Float(), nullable=False),
        sa.Column("counterparty_licence", sa.String(length=64), nullable=True),
        sa.Column("counterparty_name", sa.String(length=300), nullable=True),
        sa.Column("counterparty_country", sa.String(length=2), nullable=True),
        sa.Column("document_ref", sa.String(length=120), nullable=True),
        sa.Column("payment_method", sa.String(length=16), nullable=True),
        sa.Column("delivery", sa.String(length=16), nullable=True),
        sa.Column("extra", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batch.id"],
            name=op.f("fk_declaration_line_batch_id_import_batch"),
        ),
        sa.ForeignKeyConstraint(
            ["declaration_id"],
            ["declaration.id"],
            name=op.f("fk_declaration_line_declaration_id_declaration"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declaration_line")),
    )
    with op.batch_alter_table("declaration_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_declaration_line_batch_id"), ["batch_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_declaration_line_counterparty_licence"),
            ["counterparty_licence"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_declaration_line_declaration_id"), ["declaration_id"], unique=False
        )
        batch_op.create_index(
            "ix_declaration_line_licence_substance", ["licence_no", "substance_code"], unique=False
        )
        batch_op.create_index(
            "ix_declaration_line_substance_date", ["substance_code", "date"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("declaration_line", schema=None) as batch_op:
        batch_op.drop_index("ix_declaration_line_substance_date")
        batch_op.drop_index("ix_declaration_line_licence_substance")
        batch_op.drop_index(batch_op.f("ix_declaration_line_declaration_id"))
        batch_op.drop_index(batch_op.f("ix_declaration_line_counterparty_licence"))
        batch_op.drop_index(batch_op.f("ix_declaration_line_batch_id"))

    op.drop_table("declaration_line")
    with op.batch_alter_table("export_notification", schema=None) as batch_op:
        batch_op.drop_index("ix_export_notification_ref")
        batch_op.drop_index(batch_op.f("ix_export_notification_exporter_licence"))
        batch_op.drop_index(batch_op.f("ix_export_notification_batch_id"))

    op.drop_table("export_notification")
    with op.batch_alter_table("declaration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_declaration_operator_id"))
        batch_op.drop_index("ix_declaration_licence_period")
        batch_op.drop_index(batch_op.f("ix_declaration_is_current"))
        batch_op.drop_index(batch_op.f("ix_declaration_batch_id"))

    op.drop_table("declaration")
    with op.batch_alter_table("customs_item", schema=None) as batch_op:
        batch_op.drop_index("ix_customs_item_trader")
        batch_op.drop_index("ix_customs_item_key")
        batch_op.drop_index(batch_op.f("ix_customs_item_hs6"))
        batch_op.drop_index(batch_op.f("ix_customs_item_date"))
        batch_op.drop_index(batch_op.f("ix_customs_item_batch_id"))

    op.drop_table("customs_item")
    with op.batch_alter_table("baseline", schema=None) as batch_op:
        batch_op.drop_index("ix_baseline_substance_year")
        batch_op.drop_index(batch_op.f("ix_baseline_batch_id"))

    op.drop_table("baseline")
