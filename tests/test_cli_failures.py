"""An unreachable database, a full disk: one line naming what failed and what to do, exit 1.

The attack run of issue 12 saw 134-139 lines and two tracebacks from `init`, `import`,
`detect`, `alerts export` and `serve` when PostgreSQL was down. Tracebacks now go to the
instance folder's log file, and to the screen only with `vigia --debug`.
"""

from __future__ import annotations

import errno
import sqlite3

import psycopg
import pytest
from flask.cli import ScriptInfo
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from app import create_app
from app.cli import main
from app.errors import LOG_FILE, explain
from app.extensions import vigia
from app.migrate import upgrade
from tests.builders import DECLARATION_HEADER, REGISTRY, REGISTRY_HEADER, write
from tests.processes import environment, run_vigia

NOWHERE = "postgresql://postgres@127.0.0.1:1/vigia"  # nothing listens on port 1


def one_line(stderr: str) -> str:
    """Return the only line printed, asserting it is the only one and not a traceback."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.mark.parametrize("command", [
    ["init"],
    ["import", "declarations", "FILE"],
    ["detect"],
    ["alerts", "export", "-o", "OUT"],
    ["serve", "--port", "0"],
])
def test_an_unreachable_postgresql_is_one_line_for_every_command(command, tmp_path):
    path = write(tmp_path / "enero.csv", DECLARATION_HEADER,
                 ["LIC-001;2025-01;purchase;2025-01-10;acetone;5;kg;"])
    args = [str(path) if a == "FILE" else str(tmp_path / "a.csv") if a == "OUT" else a
            for a in command]
    done = run_vigia(environment(NOWHERE, tmp_path / "instance"), *args, timeout=120)
    assert done.returncode == 1
    line = one_line(done.stderr)
    assert "cannot reach the PostgreSQL database" in line
    assert "DATABASE_URL" in line
    log = (tmp_path / "instance" / LOG_FILE).read_text(encoding="utf-8")
    assert "Traceback" in log  # the details are kept, in the log file


def test_with_debug_the_traceback_is_shown_too(tmp_path):
    done = run_vigia(environment(NOWHERE, tmp_path / "instance"), "--debug", "init",
                     timeout=120)
    assert done.returncode == 1
    assert "Traceback" in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("error: cannot reach")


def test_an_sqlite_file_that_cannot_be_opened_is_one_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'missing-folder' / 'vigia.sqlite3'}"
    done = run_vigia(environment(url, tmp_path / "instance"), "init", timeout=120)
    assert done.returncode == 1
    assert "the database file cannot be opened" in one_line(done.stderr)


def _app_on(tmp_path, **config):
    """Return an application on its own migrated SQLite file, with the test registry."""
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "t",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'own.sqlite3'}", **config})
    upgrade(vigia(app).db.engine)
    return app


def _invoke(app, *args: str):
    """Run the real console group (its failure handling included) in this process."""
    from click.testing import CliRunner

    return CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app))


def test_a_full_disk_while_keeping_the_original_is_one_line(tmp_path, monkeypatch):
    app = _app_on(tmp_path)
    path = write(tmp_path / "registry.csv", REGISTRY_HEADER, REGISTRY)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "uploads"))

    monkeypatch.setattr("app.intake.service.keep_original", full)
    result = _invoke(app, "import", "registry", str(path))
    assert result.exit_code == 1
    line = one_line(result.stderr)
    assert line.startswith("error: the disk is full") and "free some space" in line


def test_a_database_that_fills_up_mid_import_is_one_line_and_stores_nothing(tmp_path):
    app = _app_on(tmp_path)
    engine = vigia(app).db.engine
    assert _invoke(app, "import", "registry",
                   str(write(tmp_path / "r.csv", REGISTRY_HEADER, REGISTRY))).exit_code == 0
    with engine.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar_one()
    engine.dispose()

    @event.listens_for(engine, "connect")
    def _small_disk(dbapi_connection, _record):  # SQLite's own "database or disk is full"
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 2}")

    rows = [f"LIC-001;2025-01;purchase;2025-01-10;acetone;{n};kg;" for n in range(1, 3000)]
    path = write(tmp_path / "enero.csv", DECLARATION_HEADER, rows)
    result = _invoke(app, "import", "declarations", str(path))
    assert result.exit_code == 1
    assert "the database could not be written (database or disk is full)" in one_line(
        result.stderr)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM declaration_line").scalar() == 0


@pytest.mark.parametrize("error, words", [
    (psycopg.errors.DiskFull("could not extend file"), "out of space"),
    (psycopg.errors.LockNotAvailable("canceling statement due to lock timeout"), "holds a lock"),
    (psycopg.errors.AdminShutdown("terminating connection"), "cannot reach"),
    (sqlite3.OperationalError("database is locked"), "locked by another import"),
])
def test_driver_errors_wrapped_by_sqlalchemy_are_recognised(error, words):
    wrapped = OperationalError("SELECT 1", {}, error)
    assert words in explain(wrapped, lock_timeout=5)


def test_a_bug_is_not_taken_for_the_environment():
    assert explain(KeyError("licence_no")) is None
    assert explain(OSError(errno.EACCES, "Permission denied")) is None


def test_a_bug_while_importing_is_one_line_and_its_traceback_goes_to_the_log(
        tmp_path, monkeypatch):
    """`app/intake/cli.py` logged the traceback on the console its docstring said it kept off."""
    app = _app_on(tmp_path)

    def broken_storer(**kwargs):
        raise KeyError("licence_no")

    monkeypatch.setattr("app.pipeline.storer_for", lambda feed: broken_storer)
    path = write(tmp_path / "enero.csv", DECLARATION_HEADER,
                 ["LIC-001;2025-01;purchase;2025-01-10;acetone;5;kg;"])
    result = _invoke(app, "import", "declarations", str(path))
    assert result.exit_code == 1
    line = one_line(result.stderr)
    assert line.startswith("enero.csv: import failed, nothing stored: 'licence_no'")
    assert "details in the log file" in line
    assert "Traceback" not in result.stdout
    log = (tmp_path / "instance" / LOG_FILE).read_text(encoding="utf-8")
    assert "Traceback" in log and "KeyError: 'licence_no'" in log
