"""Structured logs on stdout: one JSON object per line (who did what; batch, run and job ids).

Services log with `extra={...}` fields (`user`, `batch_id`, `detection_run_id`, `job_id`,
`job_run_id`...); the formatter writes them beside the time, level, logger and message, so
a log collector (journald, Loki, CloudWatch) can filter on them.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

# Attributes every LogRecord has: the rest were given by `extra=` and are written as fields.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
_MARK = "vigia_stdout"


class JsonLines(logging.Formatter):
    """Format a record as one line of JSON."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as one JSON line, its extra fields included."""
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value if isinstance(value, int | float | bool | None) else str(value)
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def log_to_stdout(level: int = logging.INFO) -> None:
    """Write Vigía's logs (and the server's) to stdout as JSON lines; idempotent."""
    root = logging.getLogger()
    if any(getattr(handler, _MARK, False) for handler in root.handlers):
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonLines())
    setattr(handler, _MARK, True)
    root.addHandler(handler)
    for name in ("app", "importers", "apscheduler", "gunicorn.error"):
        logging.getLogger(name).setLevel(level)
    root.setLevel(min(root.level or logging.WARNING, logging.WARNING))


def init_request_log(app) -> None:
    """Log each request in one line: who (user and role), what (method, path), status, time."""
    import time

    from flask import g, request
    from flask_login import current_user

    access = logging.getLogger("app.web.requests")

    @app.before_request
    def _started():
        g.vigia_started = time.perf_counter()

    @app.after_request
    def _log(response):
        if request.endpoint and not request.endpoint.endswith("static"):
            signed_in = current_user.is_authenticated
            access.info("%s %s %s", request.method, request.path, response.status_code, extra={
                "user": current_user.email if signed_in else None,
                "role": current_user.role if signed_in else None,
                "method": request.method, "path": request.path,
                "status": response.status_code, "remote": request.remote_addr,
                "ms": round((time.perf_counter() - g.get("vigia_started", time.perf_counter()))
                            * 1000, 1)})
        return response
