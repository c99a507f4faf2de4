"""Which queue an alert belongs to: diversion alerts, or administrative notices.

Administrative notices (a declaration overdue) are not suspicions of diversion and stay out
of the diversion queue by default. Detection stores each alert's queue (its rule's `queue`).
"""

from __future__ import annotations

from sqlalchemy import true

from app.alerts.models import Alert


def queue_clause(queue: str):
    """Return the SQL condition of the alerts of a queue ('all': every alert)."""
    if queue in ("administrative", "diversion"):
        return Alert.queue == queue
    return true()
