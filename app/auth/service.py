"""Users: create, authenticate (throttled per account and per address), change passwords."""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.models import ROLES, SignInAttempt, User
from app.db import utcnow

# Argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile).
_HASHER = PasswordHasher()
MIN_PASSWORD = 10
# Failed attempts tolerated in the window: per account (guessing one password) and per
# address (trying many accounts); past them sign-in is refused until the window passes.
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


# Made at the first sign-in, not at import: 0.2 s that every command paid.
@functools.cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """Return a hash of a password nobody has: checking an unknown email costs the same time."""
    return hasher.hash("not a password anyone has")


class UserError(ValueError):
    """A user that cannot be created or changed as asked; the message says why."""


class SignInRefused(Exception):
    """Sign-in refused: wrong email or password, an inactive account, or throttled."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # 'invalid', 'throttled'


@dataclass(frozen=True)
class Principal:
    """What a request knows of the signed-in user (not the ORM row)."""

    id: int
    email: str
    name: str
    role: str
    licence_no: str | None
    language: str | None
    token: str

    @property
    def display(self) -> str:
        """Return the name to show, the email when no name was given."""
        return self.name or self.email


def session_token(user: User) -> str:
    """Return the id a session keeps: it changes with the password, ending other sessions."""
    stamp = hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]
    return f"{user.id}:{stamp}"


def principal(user: User) -> Principal:
    """Return the request-side view of a user."""
    return Principal(id=user.id, email=user.email, name=user.name, role=user.role,
                     licence_no=user.licence_no, language=user.language,
                     token=session_token(user))


def load_principal(*, session: Session, token: str) -> Principal | None:
    """Return the active user a session token names, or None when it no longer holds."""
    user_id, _, _stamp = token.partition(":")
    if not user_id.isdigit():
        return None
    user = session.get(User, int(user_id))
    if user is None or not user.active or session_token(user) != token:
        return None
    return principal(user)


def normalise_email(email: str) -> str:
    """Return an email as stored: trimmed and lower-case."""
    return email.strip().lower()


def check_password_strength(password: str) -> None:
    """Refuse a password that is too short; raise UserError."""
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password must have at least {MIN_PASSWORD} characters")


def create_user(*, session: Session, email: str, role: str, password: str, name: str = "",
                licence_no: str | None = None) -> User:
    """Create a user with a hashed password; raise UserError on bad input."""
    email = normalise_email(email)
    if not EMAIL.match(email):
        raise UserError(f"'{email}' is not an email address")
    if role not in ROLES:
        raise UserError(f"unknown role '{role}' (use one of {', '.join(ROLES)})")
    if role == "company" and not (licence_no or "").strip():
        raise UserError("a company user needs the licence number of its operator (--licence)")
    if role != "company" and licence_no:
        raise UserError("only company users are tied to a licence")
    check_password_strength(password)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise UserError(f"a user {email} already exists")
    user = User(email=email, role=role, name=name.strip(), password_hash=_HASHER.hash(password),
                licence_no=(licence_no or "").strip() or None, active=True,
                password_changed_at=utcnow())
    session.add(user)
    session.flush()
    return user


def _failures(session: Session, column, value: str, since: datetime) -> int:
    """Count failed sign-ins of an account or address since a time."""
    return session.scalar(select(func.count(SignInAttempt.id)).where(
        column == value, SignInAttempt.at >= since, SignInAttempt.succeeded.is_(False))) or 0


def authenticate(*, session: Session, email: str, password: str, address: str,
                 now: datetime | None = None) -> User:
    """Return the user whose email and password these are; raise SignInRefused otherwise.

    Every attempt is recorded; past the tolerated failures of the window (per account,
    per address) sign-in is refused without checking the password.
    """
    now = now or utcnow()
    email = normalise_email(email)[:254]
    address = (address or "unknown")[:64]
    since = now - THROTTLE_WINDOW
    if (_failures(session, SignInAttempt.email, email, since) >= MAX_FAILURES_PER_ACCOUNT
            or _failures(session, SignInAttempt.address, address, since)
            >= MAX_FAILURES_PER_ADDRESS):
        session.add(SignInAttempt(at=now, email=email, address=address, succeeded=False))
        raise SignInRefused("throttled")
    user = session.scalar(select(User).where(User.email == email))
    ok = _verify(user.password_hash if user else _dummy_hash(_HASHER), password)
    ok = ok and user is not None and user.active
    session.add(SignInAttempt(at=now, email=email, address=address, succeeded=bool(ok)))
    if not ok:
        raise SignInRefused("invalid")
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
    return user


def _verify(stored: str, password: str) -> bool:
    """Tell whether a password matches a stored Argon2 hash."""
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def change_password(*, session: Session, user_id: int, current: str, new: str) -> User:
    """Change a user's password after checking the current one; raise UserError."""
    user = session.get(User, user_id)
    if user is None or not _verify(user.password_hash, current):
        raise UserError("the current password is not right")
    check_password_strength(new)
    if new == current:
        raise UserError("the new password must differ from the current one")
    user.password_hash = _HASHER.hash(new)
    user.password_changed_at = utcnow()
    return user


def set_language(*, session: Session, user_id: int, language: str) -> None:
    """Remember the language a user picked."""
    user = session.get(User, user_id)
    if user is not None:
        user.language = language


def users_by_role(*, session: Session, roles: tuple[str, ...]) -> list[User]:
    """Return the active users of some roles, by name (whom an alert can be assigned to)."""
    return list(session.scalars(select(User).where(User.role.in_(roles), User.active.is_(True))
                                .order_by(User.name, User.email)))


def list_users(*, session: Session) -> list[User]:
    """Return every user, by role and email."""
    return list(session.scalars(select(User).order_by(User.role, User.email)))


def set_active(*, session: Session, user_id: int, active: bool) -> User:
    """Activate or deactivate a user (deactivated users cannot sign in); raise UserError."""
    user = session.get(User, user_id)
    if user is None:
        raise UserError(f"no user #{user_id}")
    user.active = active
    return user
