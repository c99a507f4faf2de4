"""The scheduler on a database of its own: one acts at a time, runs are kept, overruns skipped."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from app import create_app
from app.extensions import vigia
from app.intake.models import ImportBatch
from app.intake.scheduled import ensure_folders
from app.scheduler.lock import SchedulerLockHolder
from app.scheduler.models import APSCHEDULER_JOBS, JobRun
from app.scheduler.runner import run_scheduler
from tests.builders import REGISTRY, REGISTRY_HEADER, write
from tests.processes import fresh_database

OFF = {f"SCHEDULE_{name}": "off" for name in
       ("DROP_FOLDERS", "DETECT_AFTER_INTAKE", "DETECT_NIGHTLY", "OVERDUE_DECLARATIONS",
        "LICENCES_EXPIRING")}


@pytest.fixture(params=["sqlite", "postgresql"])
def own_app(request, tmp_path):
    """Return a factory of applications on one fresh database that commits for real."""
    with fresh_database(request.param, tmp_path) as url:
        made = []

        def make(**config):
            app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path / "instance"),
                              "SECRET_KEY": "t", "SCHEDULER_LOCK_SECONDS": 1.5,
                              "DROP_SETTLE_SECONDS": 0.2, **OFF, **config})
            made.append(app)
            return app

        yield make
        for app in made:
            vigia(app).db.engine.dispose()


@pytest.fixture
def started():
    """Collect the scheduler threads a test starts; stop and join them all at its end."""
    threads: list[tuple[threading.Thread, threading.Event]] = []
    yield threads
    for _thread, stop in threads:
        stop.set()
    for thread, _stop in threads:
        thread.join(120)
        assert not thread.is_alive(), "a scheduler did not stop"


def _wait(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "not within the time"
        time.sleep(0.1)


def _start(app, stop, said, started):
    thread = threading.Thread(target=run_scheduler, args=(vigia(app),),
                              kwargs={"stop": stop, "say": said.append, "poll_seconds": 0.2},
                              daemon=True)
    thread.start()
    started.append((thread, stop))
    return thread


def test_one_scheduler_acts_and_a_second_stands_by_until_the_first_stops(own_app, started):
    first_app = own_app(SCHEDULE_DROP_FOLDERS="every 1 seconds")
    second_app = own_app(SCHEDULE_DROP_FOLDERS="every 1 seconds")
    drop = vigia(first_app).settings.scheduler.drop_dir
    ensure_folders(drop)
    stop_first, stop_second = threading.Event(), threading.Event()
    said_first, said_second = [], []
    first = _start(first_app, stop_first, said_first, started)
    _wait(lambda: any("holds the lock" in line for line in said_first))
    second = _start(second_app, stop_second, said_second, started)
    _wait(lambda: any("standing by" in line for line in said_second))
    write(drop / "registry" / "registro.csv", REGISTRY_HEADER, REGISTRY)
    db = vigia(first_app).db

    def stored() -> int:
        with db.sessionmaker() as session:
            return session.scalar(select(func.count(ImportBatch.id))) or 0

    _wait(lambda: stored() == 1)
    _wait(lambda: (drop / "registry" / "done").exists()
          and any((drop / "registry" / "done").iterdir()))
    with db.sessionmaker() as session:
        assert session.scalar(select(func.count()).select_from(APSCHEDULER_JOBS)) == 1
        holders = set(session.scalars(select(JobRun.holder)))
    assert len(holders) == 1  # only the first ran jobs
    stop_first.set()
    first.join(120)
    _wait(lambda: any("holds the lock" in line for line in said_second))  # takes over
    time.sleep(1.5)
    stop_second.set()
    second.join(120)
    with db.sessionmaker() as session:
        assert len(set(session.scalars(select(JobRun.holder)))) == 2
        assert session.scalar(select(func.count(ImportBatch.id))) == 1  # never imported twice
        # Under load a run may come due while the previous one works: skipped, never doubled.
        assert set(session.scalars(select(JobRun.status))) <= {"completed", "skipped"}


def test_a_run_still_working_is_not_started_twice(own_app, monkeypatch, started):
    app = own_app(SCHEDULE_LICENCES_EXPIRING="every 1 seconds")
    from app.scheduler.service import JobResult

    def slow(services, *, now):
        time.sleep(2.6)
        return JobResult(summary="slow")

    monkeypatch.setattr("app.registry.scheduled.licences_expiring", slow)
    stop, said = threading.Event(), []
    thread = _start(app, stop, said, started)
    db = vigia(app).db

    def statuses() -> list[str]:
        with db.sessionmaker() as session:
            return list(session.scalars(select(JobRun.status).order_by(JobRun.id)))

    try:
        _wait(lambda: "skipped" in statuses() and "completed" in statuses())
    finally:
        stop.set()
        thread.join(120)
    with db.sessionmaker() as session:
        runs = session.scalars(select(JobRun).order_by(JobRun.started_at)).all()
    worked = [run for run in runs if run.status != "skipped"]
    assert {run.status for run in runs} >= {"skipped", "completed"}
    # Never two runs of the job at once: each started after the previous one had ended.
    for before, after in zip(worked, worked[1:], strict=False):
        assert before.finished_at is not None and after.started_at >= before.finished_at
    skipped = [run for run in runs if run.status == "skipped"]
    assert skipped[0].summary == "not started: the previous run was still working"


def test_the_lock_is_taken_over_only_once_its_holder_stopped_renewing(own_app):
    app = own_app()
    db = vigia(app).db
    first = SchedulerLockHolder(db, lock_seconds=1.0, holder="one:1")
    second = SchedulerLockHolder(db, lock_seconds=1.0, holder="two:2")
    assert first.acquire()
    assert not second.acquire()
    assert first.renew()
    if db.dialect == "sqlite":
        assert second.current_holder() == "one:1"
        time.sleep(1.2)  # the first stopped renewing (a frozen or killed process)
        assert second.acquire()
        assert not first.renew()  # it finds out at its next heartbeat and stops
        second.release()
    else:
        first.release()
        assert second.acquire()
        second.release()
