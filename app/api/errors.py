"""Errors of the JSON API: always `{"error": {"code": ..., "message": ...}}`, never HTML.

`code` is a stable word a program can branch on; `message` a sentence for a person;
`details` (validation errors) says which field was wrong and why.
"""

from __future__ import annotations

from http import HTTPStatus

import marshmallow as ma
from flask import jsonify, request
from werkzeug.exceptions import HTTPException

PREFIX = "/api/"
CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media",
    422: "invalid", 429: "too_many_requests", 500: "internal_error", 503: "unavailable",
}
MESSAGES = {
    401: "Sign in, or send an API token as 'Authorization: Bearer <token>'.",
    403: "Your role may not do this.",
    404: "There is nothing at this address.",
    405: "This address does not take this method.",
    413: "The file is larger than allowed.",
    422: "The request was not understood: see details.",
    500: "Something went wrong on our side; it was logged.",
}


class ErrorBodySchema(ma.Schema):
    """What went wrong."""

    code = ma.fields.String(required=True, metadata={"description": "stable error word"})
    message = ma.fields.String(required=True, metadata={"description": "for a person"})
    details = ma.fields.Raw(metadata={"description": "which fields were wrong and why"})


class ErrorSchema(ma.Schema):
    """The body of every API error."""

    error = ma.fields.Nested(ErrorBodySchema, required=True)


class ApiError(HTTPException):
    """An API refusal with its own code word and message."""

    def __init__(self, status: int, message: str, *, code: str | None = None,
                 details=None) -> None:
        super().__init__(description=message)
        self.code = status
        self.word = code or CODES.get(status, "error")
        self.details = details


def is_api_request() -> bool:
    """Tell whether the current request is one for the JSON API."""
    return request.path.startswith(PREFIX) or request.path == PREFIX.rstrip("/")


def error_response(error: HTTPException):
    """Return the JSON answer of an HTTP error raised under /api/."""
    status = error.code or 500
    word = getattr(error, "word", None) or CODES.get(status, "error")
    data = getattr(error, "data", None) or {}
    message = data.get("message") if isinstance(data, dict) else None
    if not message:
        described = error.description if isinstance(error, ApiError) else None
        message = described or MESSAGES.get(status) or HTTPStatus(status).phrase
    body = {"code": word, "message": message}
    details = getattr(error, "details", None)
    if details is None and isinstance(data, dict):
        details = data.get("errors") or data.get("messages")
    if details is not None:
        body["details"] = details
    response = jsonify({"error": body})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="vigia"'
    return response
