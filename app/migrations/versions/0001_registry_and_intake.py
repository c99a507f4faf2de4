"""registry and intake

Revision ID: 0001
Revises: -
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feed", sa.String(length=32), nullable=False),
        sa.Column("filename", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("submitted_by", sa.String(length=200), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("sheet", sa.String(length=200), nullable=True),
        sa.Column("encoding", sa.String(length=32), nullable=True),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_stored", sa.Integer(), nullable=False),
        sa.Column("rows_rejected", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batch")),
    )
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_batch_feed"), ["feed"], unique=False)
        batch_op.create_index(batch_op.f("ix_import_batch_sha256"), ["sha256"], unique=False)

    op.create_table(
        "operator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("licence_no", sa.String(length=64), nullable=False),
        sa.Column("legal_name", sa.String(length=300), nullable=False),
        sa.Column("tax_id", sa.String(length=64), nullable=False),
        sa.Column("tax_id_key", sa.String(length=64), nullable=False),
        sa.Column("region", sa.String(length=120), nullable=True),
        sa.Column("sector", sa.String(length=300), nullable=True),
        sa.Column("sector_code", sa.String(length=16), nullable=True),
        sa.Column("activities", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operator")),
        sa.UniqueConstraint("licence_no", name=op.f("uq_operator_licence_no")),
    )
    with op.batch_alter_table("operator", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_operator_sector_code"), ["sector_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_operator_tax_id_key"), ["tax_id_key"], unique=False)

    op.create_table(
        "import_row_error",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("column", sa.String(length=200), nullable=True),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batch.id"],
            name=op.f("fk_import_row_error_batch_id_import_batch"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_row_error")),
    )
    with op.batch_alter_table("import_row_error", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_import_row_error_batch_id"), ["batch_id"], unique=False
        )

    op.create_table(
        "licence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("substance_code", sa.String(length=80), nullable=False),
        sa.Column("activities", sa.String(length=200), nullable=False),
        sa.Column("annual_quota_kg", sa.Float(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operator.id"], name=op.f("fk_licence_operator_id_operator")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_licence")),
        sa.UniqueConstraint(
            "operator_id",
            "substance_code",
            "valid_from",
            name=op.f("uq_licence_operator_id_substance_code_valid_from"),
        ),
    )
    with op.batch_alter_table("licence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_licence_operator_id"), ["operator_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_licence_substance_code"), ["substance_code"], unique=False
        )

    op.create_table(
        "licence_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("licence_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=True),
        sa.Column("activities", sa.String(length=200), nullable=False),
        sa.Column("annual_quota_kg", sa.Float(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("change", sa.Text(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batch.id"], name=op.f("fk_licence_version_batch_id_import_batch")
        ),
        sa.ForeignKeyConstraint(
            ["licence_id"], ["licence.id"], name=op.f("fk_licence_version_licence_id_licence")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_licence_version")),
        sa.UniqueConstraint(
            "licence_id", "version", name=op.f("uq_licence_version_licence_id_version")
        ),
    )
    with op.batch_alter_table("licence_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_licence_version_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_licence_version_licence_id"), ["licence_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("licence_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_licence_version_licence_id"))
        batch_op.drop_index(batch_op.f("ix_licence_version_batch_id"))

    op.drop_table("licence_version")
    with op.batch_alter_table("licence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_licence_substance_code"))
        batch_op.drop_index(batch_op.f("ix_licence_operator_id"))

    op.drop_table("licence")
    with op.batch_alter_table("import_row_error", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_row_error_batch_id"))

    op.drop_table("import_row_error")
    with op.batch_alter_table("operator", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_operator_tax_id_key"))
        batch_op.drop_index(batch_op.f("ix_operator_sector_code"))

    op.drop_table("operator")
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batch_sha256"))
        batch_op.drop_index(batch_op.f("ix_import_batch_feed"))

    op.drop_table("import_batch")
