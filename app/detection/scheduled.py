"""Scheduled detection: after intake, nightly, and the overdue-declaration deadline check.

Detection runs as of today. The overdue check is the rules of kind `missing_declaration`
with `check: overdue` (the administrative queue's notices), run alone after each period's
deadline: the deadlines are the rule's, not the job's.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from app.extensions import Vigia
from app.intake.models import ImportBatch
from app.scheduler.service import JobResult, last_details

# The scheduled runs of the whole rule set: each records the newest batch it read.
FULL_RUNS = ("detect-after-intake", "detect-nightly")


def _newest_batch(services: Vigia) -> int:
    """Return the id of the newest stored batch (0 when none)."""
    with services.db.sessionmaker() as session:
        return session.scalar(select(func.max(ImportBatch.id))
                              .where(ImportBatch.status == "stored")) or 0


def detection_since(today: date, years: int) -> date | None:
    """Return the first day of the scheduled runs' window: `years` back, None for all history."""
    if years <= 0:
        return None
    return today.replace(year=today.year - years, day=1)


def _full_run(services: Vigia, now: datetime) -> JobResult:
    """Run every rule as of today; record the run and the newest batch it read."""
    from app.pipeline import detect

    newest = _newest_batch(services)
    since = detection_since(now.date(), services.settings.scheduler.detect_window_years)
    run = detect(services, as_of=now.date(), since=since)
    return _result(run, {"last_batch_id": newest,
                         "since": since.isoformat() if since else None})


def _result(run, extra: dict) -> JobResult:
    """Describe a detection run as a job's result; a failed run fails the job."""
    if run.status == "failed":
        raise RuntimeError(f"detection run #{run.id} failed: {run.message}")
    summary = (f"detection run #{run.id}: {run.findings} findings; alerts {run.alerts_raised} "
               f"raised, {run.alerts_refreshed} refreshed, {run.alerts_reopened} reopened")
    if run.status == "partial":
        summary += f" ({run.message})"
    return JobResult(summary=summary, partial=run.status == "partial",
                     details={"detection_run_id": run.id, "findings": run.findings,
                              "alerts_raised": run.alerts_raised, **extra})


def detect_after_intake(services: Vigia, *, now: datetime) -> JobResult:
    """Run detection if files were stored since the last scheduled full run read the data."""
    with services.db.sessionmaker() as session:
        last = last_details(session=session, job_ids=FULL_RUNS)
    seen = (last or {}).get("last_batch_id", 0)
    newest = _newest_batch(services)
    if newest <= seen:
        return JobResult(summary=f"no file stored since batch #{seen}; detection not run",
                         details={"last_batch_id": seen})
    return _full_run(services, now)


def detect_nightly(services: Vigia, *, now: datetime) -> JobResult:
    """Run detection over all stored data."""
    return _full_run(services, now)


def is_overdue_rule(rule) -> bool:
    """Tell the rules that raise the overdue-declaration notices."""
    return rule.kind == "missing_declaration" and rule.params.get("check") == "overdue"


def overdue_declarations(services: Vigia, *, now: datetime) -> JobResult:
    """Run the overdue-declaration rules alone, as of today."""
    from app.pipeline import detect

    run = detect(services, as_of=now.date(), only=is_overdue_rule)
    return _result(run, {"rules": "missing_declaration (check: overdue)"})
