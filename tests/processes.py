"""Real processes on a database of their own: for tests of concurrency, kills and exits.

The rolled-back test transaction of `conftest.py` cannot show what two processes do to each
other, nor what `vigia` prints when it stops: these tests run the real command (and
`tests.intake.holding`) as children, on a fresh database of one backend that they commit to.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.db import make_engine
from app.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@contextmanager
def fresh_database(backend: str, folder: Path, revision: str = "head") -> Iterator[str]:
    """Yield the URL of a new database of a backend, migrated to a revision; drop it after."""
    if backend == "sqlite":
        url = f"sqlite:///{folder / f'own-{uuid.uuid4().hex[:8]}.sqlite3'}"
        drop = None
    else:
        admin_url = make_url(os.environ.get("VIGIA_TEST_POSTGRES_URL", DEFAULT_PG))
        name = f"vigia_proc_{uuid.uuid4().hex[:10]}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        except Exception as exc:
            admin.dispose()
            if os.environ.get("CI"):
                raise
            pytest.skip(f"PostgreSQL NOT TESTED: {exc}")
        url = admin_url.set(database=name).render_as_string(hide_password=False)

        def drop() -> None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

    engine = make_engine(url)
    try:
        upgrade(engine, revision)
    finally:
        engine.dispose()
    try:
        yield url
    finally:
        if drop is not None:
            drop()


def environment(url: str, instance: Path, **extra: str) -> dict[str, str]:
    """Return the environment of a child working on a database and an instance folder."""
    return os.environ | {"DATABASE_URL": url, "VIGIA_INSTANCE_PATH": str(instance),
                         "SECRET_KEY": "t", "PYTHONPATH": str(ROOT)} | extra


class Child:
    """A running `vigia` command whose output is collected as it comes."""

    def __init__(self, env: dict, *args: str):
        vigia = Path(sys.executable).with_name("vigia")
        self.process = subprocess.Popen([str(vigia), *args], env=env, text=True, cwd=ROOT,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.out: list[str] = []
        self.err: list[str] = []
        self._readers = [threading.Thread(target=self._collect, args=(stream, into), daemon=True)
                         for stream, into in ((self.process.stdout, self.out),
                                              (self.process.stderr, self.err))]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _collect(stream, into: list[str]) -> None:
        with stream:
            for line in stream:
                into.append(line)

    def wait_for(self, text: str, timeout: float = 60) -> None:
        """Return once the command has printed `text` on stderr (it says it is waiting)."""
        deadline = time.monotonic() + timeout
        while not any(text in line for line in list(self.err)):
            if self.process.poll() is not None and not self._readers[1].is_alive():
                raise AssertionError(f"ended without saying {text!r}: {''.join(self.err)}")
            if time.monotonic() > deadline:
                raise AssertionError(f"did not say {text!r} within {timeout} s")
            time.sleep(0.02)

    def finish(self, timeout: float = 120) -> subprocess.CompletedProcess:
        """Wait for the command to end; return what it printed."""
        self.process.wait(timeout=timeout)
        for reader in self._readers:
            reader.join(timeout=10)
        return subprocess.CompletedProcess(self.process.args, self.process.returncode,
                                           "".join(self.out), "".join(self.err))


def run_vigia(env: dict, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run the vigia command in a child process to its end."""
    vigia = Path(sys.executable).with_name("vigia")
    return subprocess.run([str(vigia), *args], env=env, text=True, capture_output=True,
                          timeout=timeout, check=False, cwd=ROOT)


class Holder:
    """A `tests.intake.holding` child that did its work and keeps its transaction open."""

    def __init__(self, env: dict, folder: Path, *args: str):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.intake.holding", *args, "--hold", str(folder)],
            env=env, text=True, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )

    def wait_until_holding(self, timeout: float = 60) -> None:
        """Return once the child has stored its work (and holds its locks)."""
        deadline = time.monotonic() + timeout
        while not (self.folder / "stored").exists():
            if self.process.poll() is not None:
                out, err = self.process.communicate()
                raise AssertionError(f"holder ended early ({self.process.returncode}): {out}{err}")
            if time.monotonic() > deadline:
                raise AssertionError("holder did not get to hold its transaction")
            time.sleep(0.02)

    def release(self) -> subprocess.CompletedProcess:
        """Let the child commit and end; return what it printed."""
        (self.folder / "go").write_text("go")
        out, err = self.process.communicate(timeout=60)
        return subprocess.CompletedProcess(self.process.args, self.process.returncode, out, err)

    def kill(self) -> None:
        """End the child with SIGKILL, as an out-of-memory killer or `kill -9` would."""
        self.process.kill()
        self.process.communicate(timeout=60)
