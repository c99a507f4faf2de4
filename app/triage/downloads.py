"""Sending the alerts of a filter as a CSV or XLSX download (the queue's page and the API)."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

from flask import after_this_request, send_file
from flask_login import current_user

from app.alerts.export import COLUMNS, rows_of
from app.exports import write_table
from app.extensions import request_session, vigia
from app.triage.queue import export_query


def send_alerts(filters: dict, fmt: str):
    """Answer with every alert of a filter, in the queue's order, as a file (formula-safe)."""
    query = export_query(filters, me=current_user.email, review_days=vigia().settings.review_days)
    rows = rows_of(session=request_session(), catalogue=vigia().catalogue, query=query)
    folder = Path(tempfile.mkdtemp(prefix="vigia-export-"))
    path = folder / f"alerts.{fmt}"
    write_table(path, fmt=fmt, columns=COLUMNS, rows=rows, sheet="alerts")

    @after_this_request
    def _cleanup(response):
        path.unlink(missing_ok=True)
        folder.rmdir()
        return response

    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    return send_file(path, as_attachment=True, download_name=f"vigia-alerts-{stamp}.{fmt}")
