"""The production shape, for real: gunicorn with 2 workers on PostgreSQL, two schedulers.

Files dropped in the drop folders are imported once (by the one scheduler that holds the
lock), detection runs after intake, and the alert it raises is in the queue served by
gunicorn over HTTP. Every process runs in its own process group, killed at the end; the
whole test is bounded (DEADLINE).
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from app.intake.models import ImportBatch
from app.scheduler.models import JobRun
from tests.builders import DECLARATION_HEADER, REGISTRY_HEADER, write
from tests.processes import ROOT, environment, fresh_database

BIN = Path(sys.executable).parent
DEADLINE = 120.0  # seconds of waiting at most (42 s in all at load average 7, 75 s at 12)
REGISTRY = ["LIC-900;Química Prueba S.A.;20999999991;distributor;acetone;1000;2024-01-01;"
            "2027-12-31;active"]
DECLARATIONS = ["LIC-900;2026-09;purchase;2026-09-10;acetone;900;kg;",
                "LIC-900;2026-10;purchase;2026-10-10;acetone;900;kg;"]
PASSWORD = "officer-password-2026"


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1 now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Service:
    """A child process in its own process group, its output collected in a file."""

    def __init__(self, args: list[str], env: dict, log: Path):
        self.log = log
        self.handle = log.open("w", encoding="utf-8")
        self.process = subprocess.Popen(args, env=env, cwd=ROOT, stdout=self.handle,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    def output(self) -> str:
        self.handle.flush()
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        """Stop the whole group: TERM, then KILL after 10 s."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self.handle.close()


def wait_until(what: str, predicate, deadline: float, services: list[Service]) -> None:
    """Wait for a condition before the test's deadline; on failure show what the children said."""
    while not predicate():
        if time.monotonic() > deadline or any(s.process.poll() is not None for s in services):
            said = "\n".join(f"--- {s.log.name}\n{s.output()[-3000:]}" for s in services)
            raise AssertionError(f"{what}: not within the time\n{said}")
        time.sleep(0.25)


class Browser:
    """Just enough of a browser: cookies, and the CSRF token of the last page read."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=15) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post(self, path: str, form: dict) -> tuple[int, str]:
        _status, page = self.get(path)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({**form, "csrf_token": token}).encode()
        with self.opener.open(self.base + path, data=data, timeout=15) as response:
            return response.status, response.read().decode()


def _up(browser: Browser) -> bool:
    try:
        return browser.get("/healthz")[0] == 200
    except OSError:
        return False


@pytest.mark.slow
def test_gunicorn_workers_and_a_scheduler_on_postgresql(tmp_path):
    if not (BIN / "gunicorn").exists():
        pytest.fail("gunicorn is not installed: run `make install`")
    deadline = time.monotonic() + DEADLINE
    with fresh_database("postgresql", tmp_path) as url:
        drop = tmp_path / "drop"
        env = environment(url, tmp_path / "instance", VIGIA_DROP_DIR=str(drop),
                          VIGIA_SECURE_COOKIES="0", VIGIA_DROP_SETTLE_SECONDS="0.5",
                          VIGIA_SCHEDULE_DROP_FOLDERS="every 1 seconds",
                          VIGIA_SCHEDULE_DETECT_AFTER_INTAKE="every 1 hours",
                          VIGIA_SCHEDULE_DETECT_NIGHTLY="off",
                          VIGIA_SCHEDULE_OVERDUE_DECLARATIONS="off",
                          VIGIA_SCHEDULE_LICENCES_EXPIRING="off")
        created = subprocess.run([str(BIN / "vigia"), "users", "create", "--email",
                                  "ana@autoridad.gob", "--role", "officer"], input=PASSWORD + "\n",
                                 env=env, cwd=ROOT, text=True, capture_output=True, timeout=60)
        assert created.returncode == 0, created.stderr
        port = free_port()
        services = [
            Service([str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
                     "--timeout", "60", "--no-control-socket",
                     "wsgi:app"], env, tmp_path / "gunicorn.log"),
            Service([str(BIN / "vigia"), "scheduler"], env, tmp_path / "scheduler-1.log"),
            Service([str(BIN / "vigia"), "scheduler"], env, tmp_path / "scheduler-2.log"),
        ]
        try:
            _run(services, url, drop, Browser(f"http://127.0.0.1:{port}"), deadline)
        finally:
            for service in services:
                service.stop()


def _run(services: list[Service], url: str, drop: Path, browser: Browser,
         deadline: float) -> None:
    gunicorn, first, second = services
    wait_until("gunicorn answers", lambda: _up(browser), deadline, services)
    wait_until("one scheduler holds the lock, the other stands by",
               lambda: "holds the lock" in first.output() + second.output()
               and "standing by" in first.output() + second.output(), deadline, services)
    (drop / "registry").mkdir(parents=True, exist_ok=True)
    (drop / "declarations").mkdir(parents=True, exist_ok=True)
    write(drop / "registry" / "registro.csv", REGISTRY_HEADER, REGISTRY)
    write(drop / "declarations" / "octubre.csv", DECLARATION_HEADER, DECLARATIONS)
    engine = create_engine(url)
    try:
        def detected() -> bool:
            with engine.connect() as connection:
                return any((details or {}).get("detection_run_id")
                           for details in connection.scalars(
                               select(JobRun.details).where(
                                   JobRun.job_id == "detect-after-intake",
                                   JobRun.status == "completed")))

        wait_until("files imported and detection run after intake", detected, deadline,
                   services)
        with engine.connect() as connection:
            batches = connection.execute(select(ImportBatch.filename, ImportBatch.status,
                                                ImportBatch.id)).all()
            holders = set(connection.scalars(select(JobRun.holder)))
    finally:
        engine.dispose()
    assert sorted((name, status) for name, status, _id in batches) == [
        ("octubre.csv", "stored"), ("registro.csv", "stored")]
    ids = {name: batch_id for name, _status, batch_id in batches}
    assert [p.name for p in (drop / "declarations" / "done").iterdir()] == [
        f"octubre.batch-{ids['octubre.csv']}.csv"]
    assert not any((drop / "declarations").glob("*.csv"))
    assert len(holders) == 1, holders  # one scheduler acted
    status, _page = browser.post("/sign-in", {"email": "ana@autoridad.gob",
                                              "password": PASSWORD})
    assert status == 200
    status, queue = browser.get("/alerts?lang=en")
    assert status == 200
    assert "LIC-900" in queue or "Química Prueba" in queue
    assert "quota" in queue.lower() or "cupo" in queue.lower()
    # Both gunicorn workers served and logged requests as JSON lines naming the user.
    lines = [json.loads(line) for line in gunicorn.output().splitlines()
             if line.startswith("{")]
    assert any(line.get("user") == "ana@autoridad.gob" and line.get("path") == "/alerts"
               for line in lines)
