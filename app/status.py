"""What an installation holds, in counts: for operators after a restore, an upgrade, a night.

Also checks that every stored batch's original is in the upload folder: a database restored
without its originals folder (or from another day's) is caught here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.alerts.models import Alert
from app.auth.models import User
from app.detection.models import DetectionRun
from app.intake.models import ImportBatch
from app.movements.models import CustomsItem, Declaration, DeclarationLine
from app.registry.models import Licence, Operator
from app.scheduler.models import JobRun


@dataclass
class Status:
    """Counts of what is stored, and the originals that are missing."""

    counts: dict[str, int] = field(default_factory=dict)
    batches: dict[str, int] = field(default_factory=dict)
    alerts: dict[str, int] = field(default_factory=dict)
    last_detection: str | None = None
    last_job_runs: dict[str, str] = field(default_factory=dict)
    originals_checked: int = 0
    originals_missing: list[str] = field(default_factory=list)


def _count(session: Session, what, *where) -> int:
    return session.scalar(select(func.count()).select_from(what).where(*where)) or 0


def installation_status(*, session: Session, upload_folder: Path) -> Status:
    """Count what is stored and check that each stored batch's original is kept."""
    current = Declaration.is_current.is_(True)
    status = Status(counts={
        "operators": _count(session, Operator),
        "licence lines": _count(session, Licence),
        "current declarations": _count(session, Declaration, current),
        "current declaration lines": session.scalar(
            select(func.count(DeclarationLine.id)).join(
                Declaration, Declaration.id == DeclarationLine.declaration_id).where(current)) or 0,
        "current customs items": _count(session, CustomsItem, CustomsItem.is_current.is_(True)),
        "users": _count(session, User),
    })
    status.batches = dict(session.execute(
        select(ImportBatch.status, func.count()).group_by(ImportBatch.status)).all())
    status.alerts = dict(session.execute(
        select(Alert.status, func.count()).group_by(Alert.status)).all())
    run = session.scalars(select(DetectionRun).order_by(DetectionRun.id.desc()).limit(1)).first()
    if run is not None:
        status.last_detection = (f"#{run.id} as of {run.as_of} {run.status}, "
                                 f"{run.findings or 0:,} findings")
    newest = select(func.max(JobRun.id)).group_by(JobRun.job_id)
    for job in session.scalars(select(JobRun).where(JobRun.id.in_(newest)).order_by(JobRun.job_id)):
        status.last_job_runs[job.job_id] = f"#{job.id} {job.status} {job.started_at:%Y-%m-%d %H:%M}"
    for sha in session.scalars(select(ImportBatch.sha256).distinct()):
        status.originals_checked += 1
        if not (upload_folder / sha[:2] / sha).is_file():
            status.originals_missing.append(sha)
    return status


def status_lines(status: Status) -> list[str]:
    """Return the status as the lines `vigia status` prints."""
    lines = [f"{name}: {count:,}" for name, count in status.counts.items()]
    lines.append("import batches: " + (", ".join(
        f"{count:,} {state}" for state, count in sorted(status.batches.items())) or "none"))
    lines.append("alerts: " + (", ".join(
        f"{count:,} {state}" for state, count in sorted(status.alerts.items())) or "none"))
    lines.append(f"last detection run: {status.last_detection or 'none'}")
    for job_id, line in status.last_job_runs.items():
        lines.append(f"last {job_id}: {line}")
    kept = status.originals_checked - len(status.originals_missing)
    lines.append(f"kept originals: {kept:,} of {status.originals_checked:,} files present")
    for sha in status.originals_missing[:10]:
        lines.append(f"  missing: {sha}")
    return lines
