"""The vocabulary of rule kinds: the one registry the loader, evaluator and UI read."""

from __future__ import annotations

from typing import Any

from app.detection.base.kind import Kind
from app.detection.kinds import (
    customs_reconciliation,
    export_notification,
    heuristics,
    licence,
    mass_balance,
    mirror,
    mislabelling,
    missing_declaration,
    national_pace,
    new_operator,
    payment_delivery,
    peer,
    quota,
    splitting,
    surge,
    threshold,
    unregistered_trader,
)

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        quota.KIND,
        licence.KIND,
        unregistered_trader.KIND,
        customs_reconciliation.KIND,
        mass_balance.KIND,
        mirror.KIND,
        national_pace.KIND,
        payment_delivery.KIND,
        threshold.KIND,
        export_notification.KIND,
        mislabelling.KIND,
        missing_declaration.KIND,
        surge.KIND,
        peer.KIND,
        splitting.KIND,
        new_operator.KIND,
        heuristics.MAX6,
        heuristics.AVG12,
    )
}


def describe_vocabulary() -> dict[str, dict[str, Any]]:
    """Return every kind with its parameters as plain data, for a rule-editing form."""
    return {name: kind.describe() for name, kind in KINDS.items()}
