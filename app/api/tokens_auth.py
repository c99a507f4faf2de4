"""Who an API request is: the user of its bearer token (stamped as used, at most every few
minutes, in a transaction of its own so a read stays a read)."""

from __future__ import annotations

import logging

from flask import g

from app.auth import tokens
from app.auth.service import principal
from app.auth.sessions import SignedIn
from app.extensions import request_session, vigia

log = logging.getLogger(__name__)


def user_from_bearer(header: str) -> SignedIn | None:
    """Return the signed-in user of an `Authorization: Bearer <token>` header, or None."""
    scheme, _, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    found = tokens.user_for_secret(session=request_session(), secret=secret.strip())
    if found is None:
        return None
    user, token = found
    g.api_token_id = token.id
    _stamp(token)
    return SignedIn(principal(user))


def _stamp(token) -> None:
    """Record the token's use; a failure to record it never fails the request."""
    if token.last_used_at is not None and not _stale(token):
        return
    try:
        with vigia().db.session() as session:
            tokens.stamp_use(session=session, token_id=token.id)
    except Exception:  # the stamp is a convenience, the request is what matters
        log.warning("could not record the use of API token #%s", token.id, exc_info=True)


def _stale(token) -> bool:
    """Tell whether a token's last use is old enough to be written again."""
    from datetime import UTC, datetime

    last = token.last_used_at
    if last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    return datetime.now(UTC) - last > tokens.USE_STAMP_EVERY
