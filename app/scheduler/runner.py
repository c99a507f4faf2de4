"""The scheduler process: wait for the lock, then run the registry's jobs until stopped.

APScheduler keeps the jobs and their next run times in the application database (its
SQLAlchemy job store), so a restarted scheduler runs what came due while it was down once
(coalesced) and goes on. Each job may run once at a time (`max_instances=1`): a run due
while the previous one still works is recorded as skipped. Each run is recorded in
`job_run`; a failing job is recorded as failed and the others go on.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import import_module

from app.extensions import Vigia
from app.jobs import AFTER_INTAKE, BY_ID, JOBS
from app.scheduler import service
from app.scheduler.lock import SchedulerLockHolder
from app.scheduler.schedules import trigger_for

log = logging.getLogger("app.scheduler")
RUN_JOB = "app.scheduler.runner:run_job"


@dataclass
class _Process:
    """What the jobs of this process share: the services and the running scheduler."""

    services: Vigia
    holder: str
    scheduler: object | None = None


# The schedulers running in this process, by holder (one in `vigia scheduler`; tests start
# several). A stored job names its holder: APScheduler keeps only ids and text in the store.
_processes: dict[str, _Process] = {}


def run_job(job_id: str, holder: str) -> str:
    """Run one job of the registry now, recording the run; never raise (the others go on)."""
    process = _processes.get(holder)
    if process is None:  # its scheduler has stopped meanwhile
        log.warning("job not run: its scheduler has stopped", extra={"job_id": job_id})
        return "not run"
    return execute(process.services, job_id, holder=holder,
                   on_stored=lambda: _after_intake(process))


def execute(services: Vigia, job_id: str, *, holder: str, on_stored=None) -> str:
    """Run a job by id, record its run (start, end, result or error); return its status."""
    from app.errors import explain

    spec = BY_ID[job_id]
    started = time.perf_counter()
    with services.db.session() as session:
        run_id = service.start_run(session=session, job_id=job_id, holder=holder).id
    log.info("job started", extra={"job_id": job_id, "job_run_id": run_id})
    module, name = spec.target.split(":")
    try:
        result = getattr(import_module(module), name)(services, now=datetime.now(UTC))
    except Exception as exc:
        error = explain(exc) or "".join(traceback.format_exception_only(exc)).strip()
        log.error("job failed: %s", error, exc_info=exc,
                  extra={"job_id": job_id, "job_run_id": run_id})
        _finish(services, run_id, status="failed", error=error, started=started)
        return "failed"
    status = "partial" if result.partial else "completed"
    _finish(services, run_id, status=status, summary=result.summary, details=result.details,
            started=started)
    log.info("job %s: %s", status, result.summary,
             extra={"job_id": job_id, "job_run_id": run_id, **_ids(result.details)})
    if result.stored_data and on_stored is not None:
        on_stored()
    return status


def _finish(services: Vigia, run_id: int, *, status: str, started: float, **values) -> None:
    """Record the end of a run (in its own transaction: the job's may have failed)."""
    with services.db.session() as session:
        service.finish_run(session=session, run_id=run_id, status=status,
                           seconds=round(time.perf_counter() - started, 3), **values)


def _ids(details: dict) -> dict:
    """Return the ids worth a log field: batches and detection runs."""
    return {key: details[key] for key in ("batch_ids", "detection_run_id") if key in details}


def _after_intake(process: _Process) -> None:
    """Start detection after intake now rather than at its next time."""
    scheduler = process.scheduler
    if scheduler is None:
        return
    job = scheduler.get_job(AFTER_INTAKE)
    if job is not None:
        job.modify(next_run_time=datetime.now(UTC))


def build_scheduler(services: Vigia, holder: str):
    """Return a background scheduler over the database job store, the registry's jobs in it."""
    from apscheduler.events import EVENT_JOB_MAX_INSTANCES
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    settings = services.settings.scheduler
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=services.db.engine,
                                                 tablename="apscheduler_jobs")},
        executors={"default": ThreadPoolExecutor(max_workers=4)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 6 * 3600},
        **({"timezone": settings.timezone} if settings.timezone else {}),
    )
    scheduler.add_listener(lambda event: _on_max_instances(event, holder),
                           EVENT_JOB_MAX_INSTANCES)
    return scheduler


def plan_jobs(scheduler, services: Vigia, holder: str) -> list[str]:
    """Put the enabled jobs of the registry in the store, remove the others; return the plan."""
    settings = services.settings.scheduler
    plan = []
    wanted = set()
    for spec in JOBS:
        schedule = settings.schedules[spec.id]
        trigger = trigger_for(schedule, setting=f"VIGIA_{spec.setting}",
                              timezone=settings.timezone or scheduler.timezone)
        if trigger is None:
            plan.append(f"{spec.id}: off")
            continue
        wanted.add(spec.id)
        scheduler.add_job(RUN_JOB, trigger=trigger, args=[spec.id, holder], id=spec.id,
                          name=spec.id, replace_existing=True)
        plan.append(f"{spec.id}: {schedule}")
    for job in scheduler.get_jobs():
        if job.id not in wanted:
            scheduler.remove_job(job.id)
    return plan


def _on_max_instances(event, holder: str) -> None:
    """Record a run not started because the previous run of that job is still working."""
    process = _processes.get(holder)
    if process is None:
        return
    with process.services.db.session() as session:
        service.record_skipped(session=session, job_id=event.job_id, holder=holder,
                               reason="not started: the previous run was still working")
    log.warning("job skipped: previous run still working", extra={"job_id": event.job_id})


def run_scheduler(services: Vigia, *, stop: threading.Event, say=log.info,
                  poll_seconds: float | None = None) -> int:
    """Wait for the scheduler lock, then schedule until `stop` is set; return an exit status.

    Returns 1 when the lock was lost (another scheduler may act now: this one stops at once,
    and its service manager restarts it as a standby).
    """
    settings = services.settings.scheduler
    for spec in JOBS:  # a schedule that cannot be read stops it before it takes the lock
        trigger_for(settings.schedules[spec.id], setting=f"VIGIA_{spec.setting}")
    lock = SchedulerLockHolder(services.db, lock_seconds=settings.lock_seconds)
    heartbeat = max(0.5, settings.lock_seconds / 3)
    poll = poll_seconds or heartbeat
    waited = False
    while not lock.acquire():
        if not waited:
            other = lock.current_holder()
            say("another scheduler holds the lock" + (f" ({other})" if other else "")
                + "; standing by")
            waited = True
        if stop.wait(poll):
            return 0
    say(f"scheduler {lock.holder} holds the lock")
    process = _processes[lock.holder] = _Process(services=services, holder=lock.holder)
    try:
        with services.db.session() as session:
            interrupted = service.mark_interrupted(session=session)
        if interrupted:
            say(f"{interrupted} job run(s) left running by a stopped scheduler marked interrupted")
        scheduler = process.scheduler = build_scheduler(services, lock.holder)
        scheduler.start(paused=True)  # the store is open: the plan replaces what it holds
        for line in plan_jobs(scheduler, services, lock.holder):
            say(f"job {line}")
        scheduler.resume()
        status = 0
        while not stop.wait(heartbeat):
            if not lock.renew():
                say("the scheduler lock was lost; stopping")
                status = 1
                break
        scheduler.pause()  # no new run is handed to the executors while they stop
        scheduler.shutdown(wait=status == 0)
        return status
    finally:
        _processes.pop(lock.holder, None)
        lock.release()
