"""How grave a finding or an alert is, on one ordered scale."""

from __future__ import annotations

# Least grave first: the index is the rank.
SEVERITIES = ("low", "medium", "high", "critical")


def raise_severity(severity: str, steps: int = 1) -> str:
    """Return the severity the given number of steps higher (or lower), within the scale."""
    index = max(0, min(SEVERITIES.index(severity) + steps, len(SEVERITIES) - 1))
    return SEVERITIES[index]
