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
