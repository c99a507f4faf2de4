"""alert.queue: the diversion queue officers triage, or the administrative list

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03

Overdue declarations (a licence held but unused, a forgotten month) are a matter for a
reminder, not for an investigation: their rule sends them to the administrative list.
Existing alerts of the old `missing-declaration` rule without customs trading become
administrative too.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alert") as batch_op:
        batch_op.add_column(sa.Column("queue", sa.String(length=16), nullable=False,
                                      server_default="diversion"))
    op.execute("UPDATE alert SET queue = 'administrative' WHERE rule_id = 'missing-declaration' "
               "AND measures LIKE '%\"situation\": \"silent\"%'")


def downgrade() -> None:
    with op.batch_alter_table("alert") as batch_op:
        batch_op.drop_column("queue")
