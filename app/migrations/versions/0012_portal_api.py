"""API tokens and the company portal's submissions

Revision ID: 0012_portal_api
Revises: 0011_regulation
Create Date: 2026-12-03

- `api_token`: a user's secrets for the JSON API (`Authorization: Bearer …`), stored as the
  SHA-256 of the secret with a short prefix people recognise; revoked, never deleted.
- `portal_submission`: every declaration file a company user sent for its operator (page or
  API), with the import batch that stored or refused it, so that a company sees its own
  history and receipts and nothing of another operator.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_portal_api"
down_revision = "0011_regulation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("secret_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=254), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"],
                                name=op.f("fk_api_token_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("secret_sha256", name=op.f("uq_api_token_secret_sha256")),
    )
    op.create_index(op.f("ix_api_token_user_id"), "api_token", ["user_id"])
    op.create_table(
        "portal_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("licence_no", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filename", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("duplicate_of", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"],
                                name=op.f("fk_portal_submission_user_id_app_user")),
        sa.ForeignKeyConstraint(["token_id"], ["api_token.id"],
                                name=op.f("fk_portal_submission_token_id_api_token")),
        sa.ForeignKeyConstraint(["batch_id"], ["import_batch.id"],
                                name=op.f("fk_portal_submission_batch_id_import_batch")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_submission")),
    )
    op.create_index(op.f("ix_portal_submission_user_id"), "portal_submission", ["user_id"])
    op.create_index(op.f("ix_portal_submission_batch_id"), "portal_submission", ["batch_id"])
    op.create_index("ix_portal_submission_licence_at", "portal_submission",
                    ["licence_no", "received_at"])


def downgrade() -> None:
    op.drop_table("portal_submission")
    op.drop_table("api_token")
