"""The scheduled jobs of detection and the registry, and how a run is recorded."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from app.detection.models import DetectionRun
from app.extensions import vigia
from app.jobs import JOBS
from app.pipeline import import_one
from app.registry.scheduled import licences_expiring
from app.scheduler.models import JobRun
from app.scheduler.runner import execute
from app.scheduler.schedules import ScheduleError, trigger_for
from tests.builders import REGISTRY_HEADER, write

NOW = datetime(2026, 12, 3, 7, 0, tzinfo=UTC)
REGISTRY = [
    "LIC-001;Química Andina S.A.;20100000001;distributor;acetone;8000;2024-01-01;2026-12-20;active",
    "LIC-001;Química Andina S.A.;20100000001;distributor;toluene;;2024-01-01;2027-06-30;active",
    "LIC-002;Pinturas del Sur;20100000002;end_user;toluene;1200;2024-01-01;2026-12-10;suspended",
    "LIC-003;Solventes Lima;20100000003;end_user;acetone;1200;2024-01-01;2026-11-30;active",
]


def _registry(app, tmp_path):
    path = write(tmp_path / "registro.csv", REGISTRY_HEADER, REGISTRY)
    return import_one(vigia(app), feed="registry", path=path, submitted_by="t",
                      as_of=date(2024, 1, 1))


def test_licences_expiring_lists_the_active_lines_ending_within_the_days(app, tmp_path):
    _registry(app, tmp_path)
    result = licences_expiring(vigia(app), now=NOW)
    assert result.summary == ("1 licence line(s) expire within 30 days: "
                              "LIC-001 acetone on 2026-12-20")
    assert [line["licence_no"] for line in result.details["licences"]] == ["LIC-001"]


def test_a_run_is_recorded_with_its_result_and_a_failing_job_with_its_error(app, tmp_path,
                                                                           db_session,
                                                                           monkeypatch):
    _registry(app, tmp_path)
    assert execute(vigia(app), "licences-expiring", holder="test:1") == "completed"

    def broken(services, *, now):
        raise ValueError("the registry is upside down")

    monkeypatch.setattr("app.registry.scheduled.licences_expiring", broken)
    assert execute(vigia(app), "licences-expiring", holder="test:1") == "failed"
    done, failed = db_session.scalars(select(JobRun).order_by(JobRun.id)).all()
    assert (done.status, done.holder) == ("completed", "test:1")
    assert done.summary.startswith("1 licence line(s)") and done.finished_at is not None
    assert done.details["days"] == 30
    assert failed.status == "failed" and failed.error == "ValueError: the registry is upside down"


def test_detection_after_intake_runs_only_when_a_file_was_stored_since(app, tmp_path,
                                                                      db_session):
    services = vigia(app)
    first = _registry(app, tmp_path)
    assert execute(services, "detect-after-intake", holder="t") == "completed"
    assert execute(services, "detect-after-intake", holder="t") == "completed"
    runs = db_session.scalars(select(JobRun).order_by(JobRun.id)).all()
    assert runs[0].summary.startswith("detection run #")
    assert runs[0].details["last_batch_id"] == first.batch_id
    assert runs[1].summary == f"no file stored since batch #{first.batch_id}; detection not run"
    assert db_session.scalar(select(DetectionRun.id)) is not None


def test_the_overdue_job_runs_the_overdue_rules_alone(app, tmp_path, db_session):
    _registry(app, tmp_path)
    assert execute(vigia(app), "overdue-declarations", holder="t") == "completed"
    run = db_session.scalars(select(DetectionRun)).one()
    ran = [rule["id"] for rule in run.rule_files["rules"]]
    assert ran == ["overdue-declaration"]
    assert run.findings >= 1  # LIC-001 holds valid licences and declared nothing


def test_schedules_are_read_and_a_bad_one_names_its_setting():
    assert trigger_for("off", setting="X") is None
    assert trigger_for("every 5 minutes", setting="X").interval.total_seconds() == 300
    assert str(trigger_for("30 6 16 * *", setting="X", timezone="UTC").fields[2]) == "16"
    for bad in ("every day at noon", "0 2 * *", "61 2 * * *"):
        try:
            trigger_for(bad, setting="VIGIA_SCHEDULE_DETECT_NIGHTLY")
        except ScheduleError as problem:
            assert str(problem).startswith("VIGIA_SCHEDULE_DETECT_NIGHTLY: ")
        else:
            raise AssertionError(f"{bad!r} was accepted")
    for job in JOBS:
        assert trigger_for(job.schedule.format(overdue_day=16), setting=job.setting) is not None


def test_scheduled_detection_reads_a_window_when_one_is_set(app, tmp_path, db_session):
    import dataclasses

    from app.detection.scheduled import detection_since

    services = vigia(app)
    scheduler = dataclasses.replace(services.settings.scheduler, detect_window_years=2)
    services.settings = dataclasses.replace(services.settings, scheduler=scheduler)
    _registry(app, tmp_path)
    assert execute(services, "detect-nightly", holder="t") == "completed"
    run = db_session.scalars(select(DetectionRun)).one()
    assert run.since == detection_since(run.as_of, 2) == run.as_of.replace(
        year=run.as_of.year - 2, day=1)
    assert detection_since(date(2026, 12, 3), 0) is None


def test_a_bad_schedule_stops_the_scheduler_before_it_takes_the_lock(app):
    import dataclasses
    import threading

    import pytest

    from app.scheduler.lock import lock_rows
    from app.scheduler.runner import run_scheduler

    services = vigia(app)
    schedules = {**services.settings.scheduler.schedules, "detect-nightly": "at two"}
    scheduler = dataclasses.replace(services.settings.scheduler, schedules=schedules)
    services.settings = dataclasses.replace(services.settings, scheduler=scheduler)
    with pytest.raises(ScheduleError, match="^VIGIA_SCHEDULE_DETECT_NIGHTLY: "):
        run_scheduler(services, stop=threading.Event())
    assert lock_rows(services.db) == []
