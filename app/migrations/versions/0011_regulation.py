"""regulator workspace: rule versions, rule proposals (four eyes), regulation audit chain

Revision ID: 0011_regulation
Revises: 0010
Create Date: 2026-12-03

- `rule_proposal`: a change of one rule (its new text, the text it was based on and the
  backtest of it) waiting for a second regulator.
- `rule_version`: every state of a rule put into the rules folder (rule text, whole file,
  SHA-256, author, approver, times, reason), numbered per rule (`seq`).
- `regulation_event`: the workspace's audit trail, one hash chain (unique `seq`); on
  PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_regulation"
down_revision = "0010"
branch_labels = None
depends_on = None

APPEND_ONLY_FUNCTION = """
CREATE FUNCTION regulation_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'regulation events are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$
"""


def upgrade() -> None:
    op.create_table(
        "rule_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("base_sha256", sa.String(length=64), nullable=False),
        sa.Column("base_text", sa.Text(), nullable=False),
        sa.Column("proposed_text", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("restored_seq", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("proposed_by", sa.String(length=254), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=254), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("backtest", sa.Text(), nullable=False),
        sa.Column("backtest_seconds", sa.Float(), nullable=True),
        sa.Column("backtest_as_of", sa.String(length=10), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_proposal")),
    )
    op.create_index(op.f("ix_rule_proposal_rule_id"), "rule_proposal", ["rule_id"])
    op.create_table(
        "rule_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.String(length=120), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("rule_text", sa.Text(), nullable=False),
        sa.Column("rule_sha256", sa.String(length=64), nullable=False),
        sa.Column("file_text", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("author", sa.String(length=254), nullable=False),
        sa.Column("approver", sa.String(length=254), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["proposal_id"], ["rule_proposal.id"],
                                name=op.f("fk_rule_version_proposal_id_rule_proposal")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_version")),
        sa.UniqueConstraint("rule_id", "seq", name=op.f("uq_rule_version_rule_id_seq")),
    )
    op.create_index(op.f("ix_rule_version_rule_id"), "rule_version", ["rule_id"])
    op.create_table(
        "regulation_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("rule_id", sa.String(length=120), nullable=True),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regulation_event")),
        sa.UniqueConstraint("seq", name=op.f("uq_regulation_event_seq")),
    )
    op.create_index(op.f("ix_regulation_event_rule_id"), "regulation_event", ["rule_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY_FUNCTION)
        op.execute("CREATE TRIGGER regulation_event_append_only BEFORE UPDATE OR DELETE ON "
                   "regulation_event FOR EACH ROW EXECUTE FUNCTION "
                   "regulation_event_append_only()")
        op.execute("CREATE TRIGGER regulation_event_no_truncate BEFORE TRUNCATE ON "
                   "regulation_event FOR EACH STATEMENT EXECUTE FUNCTION "
                   "regulation_event_append_only()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER regulation_event_no_truncate ON regulation_event")
        op.execute("DROP TRIGGER regulation_event_append_only ON regulation_event")
        op.execute("DROP FUNCTION regulation_event_append_only()")
    op.drop_index(op.f("ix_regulation_event_rule_id"), table_name="regulation_event")
    op.drop_table("regulation_event")
    op.drop_index(op.f("ix_rule_version_rule_id"), table_name="rule_version")
    op.drop_table("rule_version")
    op.drop_index(op.f("ix_rule_proposal_rule_id"), table_name="rule_proposal")
    op.drop_table("rule_proposal")
