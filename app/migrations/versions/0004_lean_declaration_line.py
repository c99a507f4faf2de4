"""lean declaration_line: no foreign keys, only the indexes reads need

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30

Bulk loads of declaration lines were bound by the database itself: two foreign-key checks
and five secondary indexes per row made PostgreSQL take ~18x the time of a bare COPY. The
lines are written only by the declarations storer, in the transaction that creates their
declaration headers, so the foreign keys guarded nothing that code does not already
guarantee. Kept: the primary key, `declaration_id` (lines of a declaration, line counts) and
`(licence_no, substance_code)` (an operator's history of a substance).
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("declaration_line", schema=None) as batch_op:
        batch_op.drop_constraint("fk_declaration_line_batch_id_import_batch", type_="foreignkey")
        batch_op.drop_constraint(
            "fk_declaration_line_declaration_id_declaration", type_="foreignkey"
        )
        batch_op.drop_index("ix_declaration_line_batch_id")
        batch_op.drop_index("ix_declaration_line_counterparty_licence")
        batch_op.drop_index("ix_declaration_line_substance_date")


def downgrade() -> None:
    with op.batch_alter_table("declaration_line", schema=None) as batch_op:
        batch_op.create_index(
            "ix_declaration_line_substance_date", ["substance_code", "date"], unique=False
        )
        batch_op.create_index(
            "ix_declaration_line_counterparty_licence", ["counterparty_licence"], unique=False
        )
        batch_op.create_index("ix_declaration_line_batch_id", ["batch_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_declaration_line_declaration_id_declaration", "declaration",
            ["declaration_id"], ["id"],
        )
        batch_op.create_foreign_key(
            "fk_declaration_line_batch_id_import_batch", "import_batch", ["batch_id"], ["id"],
        )
