"""Two processes at once: a file is stored once, amendments follow the rule, locks are waited for.

Each test runs real processes on a fresh database of each backend. One child
(`tests.intake.holding`) stores its file and holds its transaction open; the real `vigia`
command is started beside it and must wait (not store beside it, not fail), then see the
first's work once it is committed. These are the failures an attack run found (issue 12):
the same file stored twice by two processes, both declarations of a licence and period
current, "database is locked" tracebacks on SQLite, a UniqueViolation traceback.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from app import create_app
from app.db import make_engine
from app.extensions import vigia
from app.pipeline import import_one
from tests.builders import DECLARATION_HEADER, REGISTRY, REGISTRY_HEADER, write
from tests.processes import Child, Holder, environment, fresh_database, run_vigia

BACKENDS = ["sqlite", "postgresql"]
WAITING = "waiting for"  # what a command prints on stderr when it waits for a lock
CUSTOMS_HEADER = ("declaration_no;item_no;date;flow;hs_code;goods_description;net_mass_kg;"
                  "trader_tax_id;partner_country")


def import_here(env: dict, feed: str, path: Path) -> str:
    """Import a file from this process (as `vigia import` does); return its summary."""
    app = create_app({"DATABASE_URL": env["DATABASE_URL"],
                      "INSTANCE_PATH": env["VIGIA_INSTANCE_PATH"], "SECRET_KEY": "t"})
    try:
        outcome = import_one(vigia(app), feed=feed, path=path, submitted_by="t",
                             as_of=datetime.now(UTC).date())
    finally:
        vigia(app).db.engine.dispose()
    return outcome.summary()


@pytest.fixture(params=BACKENDS)
def database(request, tmp_path):
    """Yield (url, environment) of a fresh database holding the test registry."""
    with fresh_database(request.param, tmp_path) as url:
        env = environment(url, tmp_path / "instance")
        registry = write(tmp_path / "registry.csv", REGISTRY_HEADER, REGISTRY)
        assert "stored 3" in import_here(env, "registry", registry)
        yield url, env


def declaration_file(path: Path, *, quantity: int, lines: int = 40, rejected: int = 10) -> Path:
    """Write LIC-001's January 2025: `lines` good purchases and `rejected` bad rows."""
    good = [f"LIC-001;2025-01;purchase;2025-01-{1 + i % 28:02d};acetone;{quantity + i};kg;"
            for i in range(lines)]
    bad = [f"LIC-001;2025-01;purchase;2025-01-05;unobtainium;{i + 1};kg;" for i in range(rejected)]
    return write(path, DECLARATION_HEADER, good + bad)


def query(url: str, sql: str) -> list[tuple]:
    """Return the rows of one query on the test's own database."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]
    finally:
        engine.dispose()


def current_lines(url: str) -> int:
    """Count the declaration lines detection reads: those of current declarations."""
    return query(url, "SELECT count(*) FROM declaration_line l JOIN declaration d "
                      "ON d.id = l.declaration_id WHERE d.is_current")[0][0]


def one_line(stderr: str) -> str:
    """Return the one line a failing command printed after saying it waits; no traceback."""
    lines = [line for line in stderr.splitlines() if line.strip() and WAITING not in line]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.mark.parametrize("feed", ["declarations", "customs", "registry"])
def test_the_same_file_imported_by_two_processes_at_once_is_stored_once(
        database, feed, tmp_path):
    url, env = database
    if feed == "declarations":
        path = declaration_file(tmp_path / "enero.csv", quantity=100)
    elif feed == "customs":
        path = write(tmp_path / "aduanas.csv", CUSTOMS_HEADER, [
            f"118-2025-10-{n:06d};1;2025-03-04;import;2914.11.00;ACETONA;{n};20100000001;US"
            for n in range(1, 31)])
    else:
        path = write(tmp_path / "registro.csv", REGISTRY_HEADER, [
            REGISTRY[0].replace("8000", "9000"),
            "LIC-003;Solventes SAC;20100000003;distributor;acetone;;2024-01-01;2026-12-31;active"])
    first = Holder(env, tmp_path / "first", "import", feed, str(path))
    first.wait_until_holding()
    second = Child(env, "import", feed.replace("_", "-"), str(path))
    second.wait_for(WAITING)  # it waits for the first's lock instead of storing beside it
    held = first.release()
    assert held.returncode == 0, held.stderr
    done = second.finish()
    assert done.returncode == 0, done.stderr
    assert "already imported as batch #" in done.stdout
    assert "Traceback" not in done.stderr + done.stdout
    stored = query(url, f"SELECT count(*) FROM import_batch WHERE filename = '{path.name}' "
                        "AND status = 'stored'")[0][0]
    assert stored == 1
    if feed == "declarations":
        assert current_lines(url) == 40
    elif feed == "customs":
        assert query(url, "SELECT count(*) FROM customs_item")[0][0] == 30
    else:
        assert query(url, "SELECT count(*) FROM operator WHERE licence_no = 'LIC-003'") == [(1,)]


def test_of_two_declarations_at_once_the_later_submission_is_current(database, tmp_path):
    url, env = database
    earlier = declaration_file(tmp_path / "enero.csv", quantity=100)
    later = declaration_file(tmp_path / "enero_corregido.csv", quantity=200, lines=30)
    first = Holder(env, tmp_path / "first", "import", "declarations", str(earlier))
    first.wait_until_holding()
    second = Child(env, "import", "declarations", str(later))
    second.wait_for(WAITING)
    assert first.release().returncode == 0
    done = second.finish()
    assert done.returncode == 0, done.stderr
    assert "1 earlier declarations amended" in done.stdout
    current = query(url, "SELECT b.filename, d.lines FROM declaration d JOIN import_batch b "
                         "ON b.id = d.batch_id WHERE d.is_current")
    assert current == [("enero_corregido.csv", 30)]
    assert current_lines(url) == 30  # not 70: the earlier declaration no longer counts


def test_a_declaration_submitted_earlier_but_stored_later_does_not_become_current(
        database, tmp_path):
    url, env = database
    newer = declaration_file(tmp_path / "enero_v2.csv", quantity=200, lines=30)
    assert "stored 30" in import_here(env, "declarations", newer)
    older = declaration_file(tmp_path / "enero_v1.csv", quantity=100)
    sent = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    late = Holder(env, tmp_path / "late", "import", "declarations", str(older),
                  "--submitted-at", sent)
    late.wait_until_holding()
    held = late.release()
    assert held.returncode == 0, held.stderr
    assert "older than declarations already stored from a later submission" in held.stdout
    rows = query(url, "SELECT b.filename, d.is_current, d.superseded_by_id IS NOT NULL "
                      "FROM declaration d JOIN import_batch b ON b.id = d.batch_id "
                      "ORDER BY b.filename")
    assert rows == [("enero_v1.csv", False, True), ("enero_v2.csv", True, False)]
    assert current_lines(url) == 30


def test_an_import_started_while_detect_runs_waits_for_it(database, tmp_path):
    url, env = database
    detecting = Holder(env, tmp_path / "detect", "detect")
    detecting.wait_until_holding()
    path = declaration_file(tmp_path / "enero.csv", quantity=100)
    importing = Child(env, "import", "declarations", str(path))
    if url.startswith("sqlite"):  # one writer at a time: the import waits for detection
        importing.wait_for(WAITING)
    assert detecting.release().returncode == 0
    done = importing.finish()
    assert done.returncode == 0, done.stderr
    assert "enero.csv: read 50, stored 40, rejected 10" in done.stdout
    assert current_lines(url) == 40


def test_an_import_that_waits_past_the_lock_timeout_says_so_in_one_line(database, tmp_path):
    url, env = database
    first = Holder(env, tmp_path / "first", "import", "declarations",
                   str(declaration_file(tmp_path / "a.csv", quantity=100)))
    first.wait_until_holding()
    path = declaration_file(tmp_path / "b.csv", quantity=200)
    impatient = run_vigia(env | {"VIGIA_LOCK_TIMEOUT": "1"}, "import", "declarations",
                          str(path), timeout=60)
    assert first.release().returncode == 0
    assert impatient.returncode == 1
    line = one_line(impatient.stderr)
    assert "lock" in line and "VIGIA_LOCK_TIMEOUT" in line
    # the refused file left nothing behind: importing it again stores it
    assert "b.csv: read 50, stored 40" in import_here(env, "declarations", path)


def test_an_import_killed_while_holding_the_lock_leaves_nothing_and_frees_it(
        database, tmp_path):
    url, env = database
    path = declaration_file(tmp_path / "enero.csv", quantity=100)
    victim = Holder(env, tmp_path / "victim", "import", "declarations", str(path))
    victim.wait_until_holding()
    victim.kill()
    assert query(url, "SELECT count(*) FROM import_batch WHERE feed = 'declarations'") == [(0,)]
    assert "enero.csv: read 50, stored 40, rejected 10" in import_here(env, "declarations", path)
    assert current_lines(url) == 40
