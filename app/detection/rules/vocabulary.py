"""The vocabulary of rule kinds: the one registry the loader, evaluator and UI read."""

from __future__ import annotations

from typing import Any

from app.detection.rules.kinds import (
    customs,
    customs_reconciliation,
    exports,
    licence,
    mirror,
    mislabelling,
    missing,
    national,
    payment,
    quota,
    stocks,
    threshold,
)
from app.detection.rules.params import Kind
from app.detection.stats import heuristics, newcomer, peer, splitting, surge

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        quota.KIND,
        licence.KIND,
        customs.UNREGISTERED,
        customs_reconciliation.KIND,
        stocks.KIND,
        mirror.KIND,
        national.KIND,
        payment.KIND,
        threshold.KIND,
        exports.KIND,
        mislabelling.KIND,
        missing.KIND,
        surge.KIND,
        peer.KIND,
        splitting.KIND,
        newcomer.KIND,
        heuristics.MAX6,
        heuristics.AVG12,
    )
}


def describe_vocabulary() -> dict[str, dict[str, Any]]:
    """Return every kind with its parameters as plain data, for a rule-editing form."""
    return {name: kind.describe() for name, kind in KINDS.items()}
