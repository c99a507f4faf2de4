"""Users: creation, sign-in throttled per account and address, password change, the CLI."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth import service
from app.auth.models import User
from app.db import utcnow
from tests.webclient import PASSWORD


@pytest.fixture(autouse=True)
def _cheap(cheap_hashes):
    """Hash cheaply here too."""


def test_passwords_are_hashed_with_argon2_and_checked(db_session):
    user = service.create_user(session=db_session, email=" Ana@Example.org ", role="officer",
                               password=PASSWORD)
    assert user.email == "ana@example.org"
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    found = service.authenticate(session=db_session, email="ANA@example.org",
                                 password=PASSWORD, address="10.0.0.1")
    assert found.id == user.id
    with pytest.raises(service.SignInRefused):
        service.authenticate(session=db_session, email="ana@example.org", password="wrong",
                             address="10.0.0.1")


@pytest.mark.parametrize("kwargs, message", [
    ({"role": "chief"}, "unknown role"),
    ({"password": "short"}, "at least 10"),
    ({"role": "company"}, "licence number"),
    ({"email": "not-an-email"}, "not an email"),
])
def test_bad_users_are_refused_with_the_reason(db_session, kwargs, message):
    values = {"email": "x@example.org", "role": "officer", "password": PASSWORD, **kwargs}
    with pytest.raises(service.UserError, match=message):
        service.create_user(session=db_session, **values)


def test_sign_in_is_throttled_per_account_then_per_address(db_session):
    service.create_user(session=db_session, email="a@example.org", role="officer",
                        password=PASSWORD)
    now = utcnow()
    for _ in range(service.MAX_FAILURES_PER_ACCOUNT):
        with pytest.raises(service.SignInRefused, match="invalid"):
            service.authenticate(session=db_session, email="a@example.org", password="nope",
                                 address="10.0.0.2", now=now)
    with pytest.raises(service.SignInRefused, match="throttled"):  # even the right password
        service.authenticate(session=db_session, email="a@example.org", password=PASSWORD,
                             address="10.0.0.3", now=now)
    later = now + service.THROTTLE_WINDOW + timedelta(seconds=1)
    assert service.authenticate(session=db_session, email="a@example.org", password=PASSWORD,
                                address="10.0.0.3", now=later)
    for i in range(service.MAX_FAILURES_PER_ADDRESS):
        with pytest.raises(service.SignInRefused):
            service.authenticate(session=db_session, email=f"guess{i}@example.org",
                                 password="nope", address="10.0.0.9", now=later)
    with pytest.raises(service.SignInRefused, match="throttled"):
        service.authenticate(session=db_session, email="a@example.org", password=PASSWORD,
                             address="10.0.0.9", now=later)


def test_sign_in_page_and_password_change_end_other_sessions(app, auth, users):
    assert auth.login("officer", "wrong password").status_code == 401
    assert auth.login("officer").status_code == 302
    other = app.test_client()
    from tests.webclient import Auth

    second = Auth(other)
    assert second.login("officer").status_code == 302
    response = auth.post("/account/password", {"current": PASSWORD, "new": "a new passphrase",
                                                "repeat": "a new passphrase"})
    assert response.status_code == 302
    assert auth.client.get("/alerts").status_code == 200  # this session goes on
    assert other.get("/alerts").status_code == 302  # the other one must sign in again


def test_users_create_command_reads_the_password_from_stdin(runner, db_session):
    result = runner.invoke(args=["users", "create", "--email", "boss@example.org", "--role",
                                 "admin"], input="a long enough password\n")
    assert result.exit_code == 0, result.output
    user = db_session.scalars(select(User).where(User.email == "boss@example.org")).one()
    assert user.role == "admin"
    again = runner.invoke(args=["users", "create", "--email", "boss@example.org", "--role",
                                "admin"], input="a long enough password\n")
    assert again.exit_code == 1 and "already exists" in again.output
