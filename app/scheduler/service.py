"""Job runs: record each run's start and end, list them newest first, find the last one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.db import utcnow
from app.scheduler.models import JobRun

MAX_SUMMARY = 2000
MAX_ERROR = 4000


@dataclass
class JobResult:
    """What a job did: one line for the supervisor, details for the record.

    `stored_data` says the job stored new files (detection after intake is started at
    once); `partial` that some items failed while the others went on.
    """

    summary: str
    details: dict = field(default_factory=dict)
    stored_data: bool = False
    partial: bool = False


def start_run(*, session: Session, job_id: str, holder: str,
              now: datetime | None = None) -> JobRun:
    """Record that a job started; the caller commits (so the run shows while it works)."""
    run = JobRun(job_id=job_id, status="running", started_at=now or utcnow(), summary="",
                 holder=holder)
    session.add(run)
    session.flush()
    return run


def finish_run(*, session: Session, run_id: int, status: str, summary: str = "",
               details: dict | None = None, error: str | None = None,
               seconds: float | None = None) -> None:
    """Record how a job run ended; the caller commits."""
    session.execute(update(JobRun).where(JobRun.id == run_id).values(
        status=status, finished_at=utcnow(), seconds=seconds, summary=summary[:MAX_SUMMARY],
        details=details or None,
        error=error[:MAX_ERROR] if error else None))


def record_skipped(*, session: Session, job_id: str, holder: str, reason: str) -> JobRun:
    """Record a run that was not started (the previous one still running); caller commits."""
    now = utcnow()
    run = JobRun(job_id=job_id, status="skipped", started_at=now, finished_at=now, seconds=0.0,
                 summary=reason[:MAX_SUMMARY], holder=holder)
    session.add(run)
    session.flush()
    return run


def mark_interrupted(*, session: Session) -> int:
    """Mark runs left `running` by a scheduler that died; return how many. Caller commits.

    Called by the scheduler that has just taken the lock: no other scheduler can be running
    a job then.
    """
    result = session.execute(
        update(JobRun).where(JobRun.status == "running").values(
            status="interrupted", finished_at=utcnow(),
            error="the scheduler stopped while this job was running"))
    return result.rowcount or 0


def last_details(*, session: Session, job_ids: tuple[str, ...]) -> dict | None:
    """Return the details of the newest completed run of some jobs, None when none ran."""
    details = session.scalars(
        select(JobRun.details)
        .where(JobRun.job_id.in_(job_ids), JobRun.status.in_(("completed", "partial")))
        .order_by(JobRun.id.desc()).limit(1)).first()
    return details or None


@dataclass
class RunsPage:
    """One page of job runs, newest first."""

    runs: list[JobRun]
    page: int
    pages: int
    total: int


def runs_page(*, session: Session, page: int = 1, per_page: int = 50,
              job_id: str | None = None) -> RunsPage:
    """Return a page of job runs, newest first (optionally of one job)."""
    query = select(JobRun)
    count = select(func.count(JobRun.id))
    if job_id:
        query, count = query.where(JobRun.job_id == job_id), count.where(JobRun.job_id == job_id)
    total = session.scalar(count) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    runs = list(session.scalars(query.order_by(JobRun.id.desc())
                                .offset((page - 1) * per_page).limit(per_page)))
    return RunsPage(runs=runs, page=page, pages=pages, total=total)


def last_runs(*, session: Session) -> dict[str, JobRun]:
    """Return the newest run of each job."""
    newest = select(func.max(JobRun.id)).group_by(JobRun.job_id)
    return {run.job_id: run for run in session.scalars(select(JobRun).where(JobRun.id.in_(newest)))}
