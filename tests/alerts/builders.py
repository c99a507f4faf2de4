"""Builders of stored alerts and operators for alert tests."""

from __future__ import annotations

from datetime import date
from itertools import count
from typing import Any

from sqlalchemy.orm import Session

from app.alerts.models import Alert
from app.registry.models import Operator

_numbers = count(1)


def stored_alert(session: Session, **overrides: Any) -> Alert:
    """Store one alert (a quota excess of ACME by default) and return it, flushed."""
    number = next(_numbers)
    values: dict[str, Any] = {
        "rule_id": "quota-annual", "rule_version": 1, "kind": "rule", "detector": "quota",
        "severity": "high", "score": 70, "licence_no": "LIC-001", "tax_id": "20100000001",
        "substance_code": "acetic-anhydride", "period_start": date(2025, 1, 1),
        "period_end": date(2025, 12, 31), "status": "open", "observed": 12400.0,
        "expected": 8000.0,
        "summary": "ACME S.A. acquired 12,400 kg of acetic anhydride in 2025, quota 8,000 kg "
                   "(155%)",
    }
    values.update(overrides)
    values.setdefault("key", "|".join((
        values["rule_id"], values["licence_no"] or values["tax_id"] or f"party-{number}",
        values["substance_code"] or "", values["period_start"].isoformat(),
        values["period_end"].isoformat())))
    alert = Alert(**values)
    session.add(alert)
    session.flush()
    return alert


def stored_operator(session: Session, **overrides: Any) -> Operator:
    """Store one operator (ACME S.A., LIC-001) and return it, flushed."""
    values: dict[str, Any] = {
        "licence_no": "LIC-001", "legal_name": "ACME S.A.", "tax_id": "20100000001",
        "tax_id_key": "20100000001",
    }
    values.update(overrides)
    operator = Operator(**values)
    session.add(operator)
    session.flush()
    return operator
