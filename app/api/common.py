"""What the API's operations share: the documented error answers and the page cursor."""

from __future__ import annotations

from http import HTTPStatus


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
