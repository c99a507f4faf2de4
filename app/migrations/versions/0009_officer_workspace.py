"""officer workspace: users, sign-in attempts, suppressions, triage columns, audit chain

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03

- `app_user` and `sign_in_attempt` (sign-in, roles, throttling).
- `suppression` (a rule silenced for a party until a date).
- `alert`: the summary's wording (template and values, to say it in the reader's
  language), the outcome of a closure and a closure awaiting approval (four eyes); one
  index per queue filter in the queue's order (filter, score, id) for keyset pages (on
  PostgreSQL carrying status and queue, so one filter's counts per status are index-only), and
  one (status, severity) carrying every filtered column (INCLUDE, PostgreSQL) so counts per
  status are index-only scans.
- `finding`: its wording too.
- `alert_event`: a hash chain per alert (seq, prev_hash, hash) and a JSON detail; existing
  events are numbered and hashed in id order. On PostgreSQL a trigger refuses UPDATE,
  DELETE and TRUNCATE of alert events.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

QUEUE_FILTER_COLUMNS = ("status", "severity", "rule_id", "detector", "substance_code",
                        "licence_no", "tax_id", "assignee", "queue")
COUNT_INCLUDE = ("detector", "rule_id", "substance_code", "licence_no", "tax_id", "assignee",
                 "first_raised_at", "period_start", "period_end", "pending_status", "queue")
FILTER_INCLUDE = ("status", "queue")
PENDING = (("pending_status", sa.String(16)), ("pending_outcome", sa.String(32)),
           ("pending_reason", sa.Text()), ("pending_by", sa.String(254)),
           ("pending_at", sa.DateTime(timezone=True)))

APPEND_ONLY_FUNCTION = """
CREATE FUNCTION alert_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'alert events are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$
"""


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("licence_no", sa.String(length=64), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("email", name=op.f("uq_app_user_email")),
    )
    op.create_table(
        "sign_in_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_attempt")),
    )
    op.create_index("ix_sign_in_attempt_email_at", "sign_in_attempt", ["email", "at"])
    op.create_index("ix_sign_in_attempt_address_at", "sign_in_attempt", ["address", "at"])
    op.create_table(
        "suppression",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.String(length=120), nullable=False),
        sa.Column("party", sa.String(length=64), nullable=False),
        sa.Column("substance_code", sa.String(length=80), nullable=True),
        sa.Column("until", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lifted_by", sa.String(length=254), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suppression")),
    )
    op.create_index("ix_suppression_rule_party", "suppression", ["rule_id", "party"])

    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.add_column(sa.Column("wording", sa.Text(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("outcome", sa.String(length=32), nullable=True))
        for name, type_ in PENDING:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
        batch_op.drop_index("ix_alert_licence_no")
        batch_op.drop_index("ix_alert_rule_id")
        batch_op.drop_index("ix_alert_status_score")
        batch_op.create_index("ix_alert_score_id", ["score", "id"])
        for name in QUEUE_FILTER_COLUMNS:
            batch_op.create_index(f"ix_alert_{name}_score_id", [name, "score", "id"],
                                  postgresql_include=[c for c in FILTER_INCLUDE if c != name])
        batch_op.create_index("ix_alert_counts", ["status", "severity"],
                              postgresql_include=list(COUNT_INCLUDE))
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.alter_column("wording", server_default=None)
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.add_column(sa.Column("wording", sa.Text(), nullable=False, server_default="{}"))
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.alter_column("wording", server_default=None)

    with op.batch_alter_table("alert_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("detail", sa.Text(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    _chain_existing_events()
    with op.batch_alter_table("alert_event", schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("detail", server_default=None)
        batch_op.alter_column("prev_hash", server_default=None)
        batch_op.create_unique_constraint(op.f("uq_alert_event_alert_id_seq"), ["alert_id", "seq"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY_FUNCTION)
        op.execute("CREATE TRIGGER alert_event_append_only BEFORE UPDATE OR DELETE ON "
                   "alert_event FOR EACH ROW EXECUTE FUNCTION alert_event_append_only()")
        op.execute("CREATE TRIGGER alert_event_no_truncate BEFORE TRUNCATE ON alert_event "
                   "FOR EACH STATEMENT EXECUTE FUNCTION alert_event_append_only()")


def _chain_existing_events() -> None:
    """Number and hash the events already stored, alert by alert, in id order."""
    from app.alerts.audit import event_hash

    bind = op.get_bind()
    table = sa.table("alert_event", *(sa.column(n) for n in (
        "id", "alert_id", "at", "actor", "action", "from_status", "to_status", "comment",
        "detail", "prev_hash", "seq", "hash")))
    rows = bind.execute(sa.select(table).order_by(table.c.alert_id, table.c.id)).mappings().all()
    updates = []
    heads: dict[int, tuple[int, str]] = {}
    for row in rows:
        seq, previous = heads.get(row["alert_id"], (0, ""))
        event = {**row, "seq": seq + 1, "prev_hash": previous, "detail": "{}"}
        if isinstance(event["at"], str):
            event["at"] = sa.DateTime().result_processor(bind.dialect, None)(event["at"])
        digest = event_hash(event)
        heads[row["alert_id"]] = (seq + 1, digest)
        updates.append({"event_id": row["id"], "seq": seq + 1, "prev_hash": previous,
                        "hash": digest})
    if updates:
        bind.execute(table.update().where(table.c.id == sa.bindparam("event_id"))
                     .values(seq=sa.bindparam("seq"), prev_hash=sa.bindparam("prev_hash"),
                             hash=sa.bindparam("hash")), updates)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER alert_event_no_truncate ON alert_event")
        op.execute("DROP TRIGGER alert_event_append_only ON alert_event")
        op.execute("DROP FUNCTION alert_event_append_only()")
    with op.batch_alter_table("alert_event", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_alert_event_alert_id_seq"), type_="unique")
        for name in ("hash", "prev_hash", "detail", "seq"):
            batch_op.drop_column(name)
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.drop_column("wording")
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_counts")
        for name in QUEUE_FILTER_COLUMNS:
            batch_op.drop_index(f"ix_alert_{name}_score_id")
        batch_op.drop_index("ix_alert_score_id")
        batch_op.create_index("ix_alert_status_score", ["status", "score"])
        batch_op.create_index("ix_alert_rule_id", ["rule_id"])
        batch_op.create_index("ix_alert_licence_no", ["licence_no"])
        for name, _type in reversed(PENDING):
            batch_op.drop_column(name)
        batch_op.drop_column("outcome")
        batch_op.drop_column("wording")
    op.drop_index("ix_suppression_rule_party", table_name="suppression")
    op.drop_table("suppression")
    op.drop_index("ix_sign_in_attempt_address_at", table_name="sign_in_attempt")
    op.drop_index("ix_sign_in_attempt_email_at", table_name="sign_in_attempt")
    op.drop_table("sign_in_attempt")
    op.drop_table("app_user")
