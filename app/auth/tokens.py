"""API tokens: made for a user, shown once, stored as a SHA-256, listed by prefix, revoked.

A token is `vigia_` and 40 random URL-safe characters (240 bits): high enough entropy that a
plain SHA-256 is the right store (a slow hash protects guessable passwords, not random
secrets) and a lookup by hash is one indexed read. The first characters are kept as the
prefix people recognise a token by. A token acts as its user: the user's role and, for a
company, its operator; a deactivated user's tokens stop working with the user.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import ApiToken, User
from app.db import utcnow

SCHEME = "vigia_"
PREFIX_CHARS = len(SCHEME) + 6
MAX_NAME = 120
MAX_ACTIVE_PER_USER = 20
# `last_used_at` is written at most this often per token: a busy script must not turn every
# request into a write.
USE_STAMP_EVERY = timedelta(minutes=5)


class TokenError(ValueError):
    """A token that cannot be made or revoked as asked; the message says why."""


@dataclass(frozen=True)
class NewToken:
    """A token just made: its row and the secret, which is never shown again."""

    token: ApiToken
    secret: str


def secret_hash(secret: str) -> str:
    """Return the stored form of a token's secret."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(*, session: Session, user_id: int, name: str, created_by: str) -> NewToken:
    """Make a token for a user; raise TokenError on a bad name or too many tokens."""
    name = " ".join((name or "").split())
    if not name:
        raise TokenError("give the token a name (what program uses it)")
    if len(name) > MAX_NAME:
        raise TokenError(f"keep the name under {MAX_NAME} characters")
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise TokenError("no such active user")
    if len(active_tokens(session=session, user_ids=[user_id])) >= MAX_ACTIVE_PER_USER:
        raise TokenError(f"at most {MAX_ACTIVE_PER_USER} tokens in use per user: revoke one")
    secret = SCHEME + secrets.token_urlsafe(30)
    token = ApiToken(user_id=user_id, name=name, prefix=secret[:PREFIX_CHARS],
                     secret_sha256=secret_hash(secret), created_by=created_by,
                     created_at=utcnow())
    session.add(token)
    session.flush()
    return NewToken(token=token, secret=secret)


def active_tokens(*, session: Session, user_ids: list[int]) -> list[ApiToken]:
    """Return the tokens in use of some users, newest first."""
    return list(session.scalars(
        select(ApiToken).where(ApiToken.user_id.in_(user_ids), ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke_token(*, session: Session, token_id: int, user_ids: list[int],
                 revoked_by: str) -> ApiToken:
    """Revoke a token of one of these users; raise TokenError when it is not theirs."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id not in user_ids:
        raise TokenError("no such token")
    if token.revoked_at is None:
        token.revoked_at, token.revoked_by = utcnow(), revoked_by
    return token


def user_for_secret(*, session: Session, secret: str) -> tuple[User, ApiToken] | None:
    """Return the active user (and token) a secret names, None when it names none in use."""
    if not secret.startswith(SCHEME) or len(secret) > 200:
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.secret_sha256 == secret_hash(secret)))
    if token is None or token.revoked_at is not None:
        return None
    user = session.get(User, token.user_id)
    if user is None or not user.active:
        return None
    return user, token


def stamp_use(*, session: Session, token_id: int, now: datetime | None = None) -> bool:
    """Record that a token was used, at most every USE_STAMP_EVERY; return whether it wrote."""
    token = session.get(ApiToken, token_id)
    if token is None:
        return False
    now = now or utcnow()
    last = token.last_used_at
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=now.tzinfo)
    if last is not None and now - last <= USE_STAMP_EVERY:
        return False
    token.last_used_at = now
    return True
