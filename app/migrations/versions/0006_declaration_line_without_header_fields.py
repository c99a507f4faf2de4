"""declaration_line without its declaration's licence, period and batch

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

A line's licence, period and batch are its declaration's: every line is stored in the
batch, and under the (licence, period), of the declaration it belongs to, and detection
already joins each line to its declaration (to keep only current ones). Writing them again
on each of a million lines cost the import two text values and a date per line
(docs/benchmarks.md, "Intake"). Downgrading fills them back from the declarations.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

HEADER_FIELDS = ("licence_no", "period", "batch_id")


def upgrade() -> None:
    with op.batch_alter_table("declaration_line", schema=None) as batch_op:
        for name in HEADER_FIELDS:
            batch_op.drop_column(name)


def downgrade() -> None:
    with op.batch_alter_table("declaration_line", schema=None) as batch_op:
        batch_op.add_column(sa.Column("batch_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("licence_no", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("period", sa.Date(), nullable=True))
    for name in HEADER_FIELDS:
        op.execute(
            f"UPDATE declaration_line SET {name} = (SELECT d.{name} FROM declaration d "
            f"WHERE d.id = declaration_line.declaration_id)"
        )
    with op.batch_alter_table("declaration_line", schema=None) as batch_op:
        batch_op.alter_column("batch_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("licence_no", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("period", existing_type=sa.Date(), nullable=False)
