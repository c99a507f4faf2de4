"""The identity of an alert: the string that dedups findings across runs."""

from __future__ import annotations

from app.detection.findings import Finding


def alert_key(finding: Finding) -> str:
    """Return the stored key of the alert a finding belongs to (rule, party, substance, window)."""
    rule_id, who, substance, start, end = finding.key
    return "|".join((rule_id, who or "", substance or "", start.isoformat(), end.isoformat()))
