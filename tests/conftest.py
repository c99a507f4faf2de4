"""Fixtures: each database test runs on SQLite and on PostgreSQL, in a rolled-back transaction.

The schema is built once per backend by running the Alembic migrations, as in production.
PostgreSQL comes from VIGIA_TEST_POSTGRES_URL (an admin URL; each xdist worker gets its own
database). When it cannot be reached the run fails under CI=true, and elsewhere skips the
PostgreSQL half with a warning printed at the end of the run.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from app import create_app
from app.db import make_engine
from app.extensions import vigia
from app.migrate import upgrade

# Property-based tests (tests/importers/test_properties.py): a few dozen files per test in
# CI; `--hypothesis-profile=campaign` for a long campaign (docs/security.md).
_LENIENT = {"deadline": None,
            "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]}
settings.register_profile("ci", max_examples=40, **_LENIENT)
settings.register_profile("campaign", max_examples=5000, **_LENIENT)
settings.load_profile("ci")

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BACKENDS = [
    b.strip() for b in os.environ.get("VIGIA_TEST_BACKENDS", "sqlite,postgresql").split(",")
]
_pg_problem: list[str] = []


def _postgres_admin_url() -> str:
    return os.environ.get("VIGIA_TEST_POSTGRES_URL", DEFAULT_PG)


def _fresh_postgres_database(worker: str) -> str:
    """Create an empty database for this test worker and return its URL."""
    admin_url = make_url(_postgres_admin_url())
    # Checkouts side by side (worktrees, CI beside a developer) must not share a database.
    checkout = hashlib.sha1(os.path.dirname(os.path.abspath(__file__)).encode()).hexdigest()[:8]
    name = f"vigia_test_{checkout}_{worker}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return admin_url.set(database=name).render_as_string(hide_password=False)


def pytest_terminal_summary(terminalreporter):
    """Say loudly when the PostgreSQL half of the suite did not run."""
    if _pg_problem:
        terminalreporter.write_sep("!", "PostgreSQL NOT TESTED", red=True, bold=True)
        terminalreporter.write_line(f"PostgreSQL tests were skipped: {_pg_problem[0]}", red=True)


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory, worker_id) -> str:
    """Return the URL of a migrated database of one backend, shared by the session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    elif request.param == "postgresql":
        try:
            url = _fresh_postgres_database(worker_id)
        except Exception as exc:
            reason = f"{_postgres_admin_url()} unreachable: {str(exc).splitlines()[0]}"
            if os.environ.get("CI"):
                pytest.fail(f"PostgreSQL is required in CI: {reason}", pytrace=False)
            _pg_problem.append(reason)
            pytest.skip(f"PostgreSQL NOT TESTED: {reason}")
    else:
        raise pytest.UsageError(f"unknown backend {request.param!r} in VIGIA_TEST_BACKENDS")
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def engine(database_url) -> Iterator[Engine]:
    """Return the engine of the migrated test database."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine) -> Iterator[Connection]:
    """Yield a connection inside a transaction that is rolled back after the test."""
    conn = engine.connect()
    outer = conn.begin()
    yield conn
    outer.rollback()
    conn.close()


@pytest.fixture
def session_factory(connection) -> sessionmaker[Session]:
    """Return sessions whose commits only release a savepoint of the test's transaction."""
    return sessionmaker(bind=connection, join_transaction_mode="create_savepoint",
                        expire_on_commit=False)


@pytest.fixture
def db_session(session_factory) -> Iterator[Session]:
    """Yield a session for service tests; everything is rolled back afterwards."""
    session = session_factory()
    yield session
    session.close()


@pytest.fixture
def app(database_url, session_factory, tmp_path):
    """Return an application bound to the test transaction."""
    app = create_app({
        "TESTING": True,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "test-secret",
    })
    vigia(app).db.sessionmaker = session_factory
    yield app
    vigia(app).db.engine.dispose()


@pytest.fixture
def client(app):
    """Return a test client of the application."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Return a CLI runner of the application's commands."""
    return app.test_cli_runner()


@pytest.fixture
def pure_app(tmp_path):
    """Return an application on its own empty SQLite database (no migrations run)."""
    return create_app({
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "test-secret",
    })


@pytest.fixture
def cheap_hashes(monkeypatch):
    """Hash test passwords with Argon2id at its lowest cost (the real cost is for real users)."""
    from argon2 import PasswordHasher

    import app.auth.service as auth_service

    monkeypatch.setattr(auth_service, "_HASHER",
                        PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def users(db_session, cheap_hashes):
    """Create one user per role (two supervisors, two regulators); return their emails by name."""
    from app.auth.service import create_user
    from tests.webclient import NAMES, PASSWORD

    emails = {}
    for name in NAMES:
        role = {"supervisor2": "supervisor", "regulator2": "regulator"}.get(name, name)
        user = create_user(session=db_session, email=f"{name}@example.org", role=role,
                           password=PASSWORD, name=name.capitalize(),
                           licence_no="LIC-001" if role == "company" else None)
        emails[name] = user.email
    db_session.commit()
    return emails


@pytest.fixture
def auth(client, users):
    """Return the sign-in helper of the test client."""
    from tests.webclient import Auth

    return Auth(client)
