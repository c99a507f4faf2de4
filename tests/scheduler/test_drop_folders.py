"""The drop-folder job: complete files imported once through intake, moved, never lost."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.errors import Unavailable
from app.extensions import vigia
from app.intake.models import ImportBatch
from app.intake.scheduled import complete_files, ensure_folders, import_drop_folders, is_temporary
from app.pipeline import import_one
from tests.builders import DECLARATION_HEADER, REGISTRY, REGISTRY_HEADER, write

NOW = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)
DECLARATIONS = ["LIC-001;2025-01;purchase;2025-01-10;acetone;100;kg;",
                "LIC-001;2025-01;sale;2025-01-20;acetone;40;kg;"]


@pytest.fixture
def drop(app, monkeypatch):
    """Return the drop folder of the test application, with no settling wait."""
    settings = vigia(app).settings.scheduler
    ensure_folders(settings.drop_dir)
    monkeypatch.setattr("app.intake.scheduled.time.sleep", lambda seconds: None)
    monkeypatch.setattr("app.intake.scheduled.time.time_ns",
                        lambda: 10**9 * (NOW.timestamp() + 3600))
    return settings.drop_dir


def _aged(path):
    """Date a file an hour before the job's look, as a file dropped a while ago."""
    stamp = NOW.timestamp() - 3600
    os.utime(path, (stamp, stamp))
    return path


def _stored(db_session) -> int:
    return db_session.scalar(select(func.count(ImportBatch.id))
                             .where(ImportBatch.status == "stored"))


def test_complete_files_are_imported_once_and_moved_to_done_with_their_batch(app, drop,
                                                                             db_session):
    _aged(write(drop / "declarations" / "enero.csv", DECLARATION_HEADER, DECLARATIONS))
    _aged(write(drop / "registry" / "registro.csv", REGISTRY_HEADER, REGISTRY))
    result = import_drop_folders(vigia(app), now=NOW)
    assert result.stored_data and not result.partial
    batches = {b.filename: b.id for b in db_session.scalars(select(ImportBatch))}
    assert result.summary == (f"2 stored (batch #{batches['registro.csv']}, "
                              f"#{batches['enero.csv']})")
    assert set(batches) == {"enero.csv", "registro.csv"}
    assert batches["registro.csv"] < batches["enero.csv"]  # reference data first
    assert [p.name for p in (drop / "declarations" / "done").iterdir()] == [
        f"enero.batch-{batches['enero.csv']}.csv"]
    assert not (drop / "declarations" / "enero.csv").exists()

    # The same file dropped again: nothing new stored, moved to done/ under the first batch.
    _aged(write(drop / "declarations" / "enero.csv", DECLARATION_HEADER, DECLARATIONS))
    again = import_drop_folders(vigia(app), now=NOW)
    assert again.summary == "1 already stored" and not again.stored_data
    assert _stored(db_session) == 2
    assert sorted(p.name for p in (drop / "declarations" / "done").iterdir()) == [
        f"enero.batch-{batches['enero.csv']}-2.csv", f"enero.batch-{batches['enero.csv']}.csv"]


def test_a_file_stored_before_a_crash_is_moved_under_its_batch_not_imported_again(
        app, drop, db_session):
    path = _aged(write(drop / "registry" / "registro.csv", REGISTRY_HEADER, REGISTRY))
    # The job stored it and died before moving it.
    outcome = import_one(vigia(app), feed="registry", path=path, submitted_by="drop folder",
                         as_of=NOW.date())
    result = import_drop_folders(vigia(app), now=NOW)
    assert result.summary == "1 already stored"
    assert (drop / "registry" / "done" / f"registro.batch-{outcome.batch_id}.csv").exists()
    assert _stored(db_session) == 1


def test_files_still_being_written_are_left_alone(app, drop, db_session):
    folder = drop / "declarations"
    for name in ("enero.csv.part", "~$enero.xlsx", ".enero.csv.swp", "enero.csv.crdownload"):
        _aged(write(folder / name, DECLARATION_HEADER, DECLARATIONS))
    growing = _aged(write(folder / "febrero.csv", DECLARATION_HEADER, DECLARATIONS[:1]))
    fresh = write(folder / "marzo.csv", DECLARATION_HEADER, DECLARATIONS)  # written just now

    def still_writing(_seconds):
        with growing.open("a", encoding="utf-8") as handle:
            handle.write(DECLARATIONS[1] + "\n")

    os.utime(fresh, (NOW.timestamp() + 3599.5,) * 2)  # half a second before the look
    ready = complete_files(drop, settle=2.0, sleep=still_writing)
    assert ready.get("declarations") == []
    assert all(is_temporary(n) for n in ("a.part", "~$a.xlsx", ".a", "a.tmp", "a.csv~"))
    assert not is_temporary("enero.csv")


def test_a_refused_file_goes_to_failed_with_its_reason(app, drop, db_session):
    _aged(write(drop / "customs" / "aduanas.csv", "foo;bar", ["1;2"]))
    result = import_drop_folders(vigia(app), now=NOW)
    assert result.summary == "1 refused"
    failed = sorted(p.name for p in (drop / "customs" / "failed").iterdir())
    batch = db_session.scalars(select(ImportBatch)).one()
    assert batch.status == "rejected"
    assert failed == [f"aduanas.batch-{batch.id}.csv", f"aduanas.batch-{batch.id}.csv.reason.txt"]
    reason = (drop / "customs" / "failed" / failed[1]).read_text(encoding="utf-8")
    assert "aduanas.csv: rejected:" in reason and "column" in reason


def test_a_database_failure_leaves_the_file_for_the_next_run(app, drop, monkeypatch):
    path = _aged(write(drop / "registry" / "registro.csv", REGISTRY_HEADER, REGISTRY))

    def down(*args, **kwargs):
        raise Unavailable("cannot reach the PostgreSQL database")

    monkeypatch.setattr("app.pipeline.import_one", down)
    with pytest.raises(Unavailable):
        import_drop_folders(vigia(app), now=NOW)
    assert path.exists()


def test_a_bug_on_one_file_moves_it_to_failed_and_the_others_go_on(app, drop, monkeypatch,
                                                                  db_session):
    _aged(write(drop / "registry" / "registro.csv", REGISTRY_HEADER, REGISTRY))
    _aged(write(drop / "declarations" / "enero.csv", DECLARATION_HEADER, DECLARATIONS))
    real = import_one

    def broken_for_registry(services, *, feed, **kwargs):
        if feed == "registry":
            raise KeyError("a bug")
        return real(services, feed=feed, **kwargs)

    monkeypatch.setattr("app.pipeline.import_one", broken_for_registry)
    result = import_drop_folders(vigia(app), now=NOW)
    assert result.partial and result.summary.endswith("), 1 failed")
    failed = sorted(p.name for p in (drop / "registry" / "failed").iterdir())
    assert failed[0].startswith("registro.error-") and failed[1].endswith(".reason.txt")
    assert _stored(db_session) == 1
