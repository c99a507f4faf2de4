"""scheduled job runs, the scheduler's lock row, APScheduler's job store

Revision ID: 0013_scheduler
Revises: 0012_portal_api
Create Date: 2026-12-03

`vigia scheduler` (issue 16) records every run of a job in `job_run` (shown to
supervisors), keeps its jobs and their next run times in APScheduler's own table
`apscheduler_jobs` (built here so that the schema stays the migrations' alone), and on
SQLite lets one scheduler act at a time through a row of `scheduler_lock` (PostgreSQL uses
an advisory lock instead).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_scheduler"
down_revision = "0012_portal_api"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the three tables."""
    op.create_table(
        "apscheduler_jobs",
        sa.Column("id", sa.Unicode(191), nullable=False),
        sa.Column("next_run_time", sa.Float(25), nullable=True),
        sa.Column("job_state", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_apscheduler_jobs")),
    )
    op.create_index(op.f("ix_apscheduler_jobs_next_run_time"), "apscheduler_jobs",
                    ["next_run_time"])
    op.create_table(
        "job_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("seconds", sa.Float(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("details", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("holder", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_run")),
    )
    op.create_index(op.f("ix_job_run_job_id"), "job_run", ["job_id"])
    op.create_index(op.f("ix_job_run_started_at"), "job_run", ["started_at"])
    op.create_table(
        "scheduler_lock",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("holder", sa.String(200), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduler_lock")),
    )


def downgrade() -> None:
    """Drop the three tables."""
    op.drop_table("scheduler_lock")
    op.drop_index(op.f("ix_job_run_started_at"), table_name="job_run")
    op.drop_index(op.f("ix_job_run_job_id"), table_name="job_run")
    op.drop_table("job_run")
    op.drop_index(op.f("ix_apscheduler_jobs_next_run_time"), table_name="apscheduler_jobs")
    op.drop_table("apscheduler_jobs")
