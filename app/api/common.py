"""What the API's operations share: the documented error answers and the page cursor."""

from __future__ import annotations

from http import HTTPStatus

from flask import g, request


def documents(blp, *statuses: int):
    """Document the error statuses an operation may answer (with the error body)."""

    def mark(view):
        for status in statuses:
            view = blp.alt_response(status, response=HTTPStatus(status).name)(view)
        return view

    return mark


def cursor_id(after: str | None) -> int | None:
    """Return the id a page cursor names (validated as digits by the schema)."""
    return int(after) if after else None


def session_csrf():
    """Require the CSRF token of a session-cookie request that changes something.

    A request with an API token carries no ambient credential, so it needs none; one signed
    in by the browser's cookie could be forged by another site, so it must send the token
    (X-CSRFToken header) as the pages' forms do.
    """
    from app.web.security import csrf

    if request.method in ("GET", "HEAD", "OPTIONS") or g.get("api_token_id") is not None:
        return None
    csrf.protect()
    return None
