"""declaration_line keeps one secondary index: declaration_id

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30

No read needs `(licence_no, substance_code)`: detection scans every current line, and an
operator's lines are reached through its declarations (`declaration` is indexed by licence
and period) and then `declaration_id`. Keeping it cost PostgreSQL about 5 s of a 14 s COPY of
a million lines and SQLite about a third of its insert time (docs/benchmarks.md, "Intake").
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_declaration_line_licence_substance", table_name="declaration_line")


def downgrade() -> None:
    op.create_index(
        "ix_declaration_line_licence_substance", "declaration_line",
        ["licence_no", "substance_code"], unique=False,
    )
