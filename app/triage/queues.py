"""Which queue an alert belongs to: diversion alerts, or administrative notices.

Administrative notices (a declaration overdue) are not suspicions of diversion and stay out
of the diversion queue by default. Until detection says so on each alert, the queue is
told by the detector kind.
"""

from __future__ import annotations

from sqlalchemy import true

from app.alerts.models import Alert

ADMINISTRATIVE_DETECTORS = ("missing_declaration",)


def queue_of(detector: str) -> str:
    """Return the queue of an alert from its detector kind."""
    return "administrative" if detector in ADMINISTRATIVE_DETECTORS else "diversion"


def queue_clause(queue: str):
    """Return the SQL condition of the alerts of a queue ('all': every alert)."""
    if queue == "administrative":
        return Alert.detector.in_(ADMINISTRATIVE_DETECTORS)
    if queue == "diversion":
        return Alert.detector.not_in(ADMINISTRATIVE_DETECTORS)
    return true()
