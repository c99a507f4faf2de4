"""Findings for alert tests: a quota breach by ACME and a statistical surge to go with it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from app.detection.findings import Finding

QUOTA = Finding(
    rule_id="quota-annual", rule_version=1, kind="quota", severity="high",
    licence_no="LIC-001", tax_id="20-100000001", substance_code="acetic-anhydride",
    window_start=date(2025, 1, 1), window_end=date(2025, 12, 31), observed=12400.0,
    expected=8000.0,
    summary="ACME S.A. acquired 12,400 kg of acetic anhydride in 2025, quota 8,000 kg (155%)",
    evidence={"declaration_line": (1, 2, 3)}, trace=("quota 8,000 kg", "acquired 12,400 kg"),
    measures={"situation": "exceeded"},
)
SURGE = Finding(
    rule_id="stat-surge", rule_version=1, kind="surge", severity="medium",
    licence_no="LIC-001", tax_id="20-100000001", substance_code="acetic-anhydride",
    window_start=date(2025, 3, 1), window_end=date(2025, 5, 31), observed=6000.0,
    expected=1500.0, summary="ACME S.A. bought 4× its usual acetic anhydride in March–May",
    evidence={"declaration_line": (2, 3)}, measures={"p_value": 0.001, "z": 4.2},
)


def finding(base: Finding = QUOTA, **changes) -> Finding:
    """Return a finding like `base` with some fields changed."""
    return replace(base, **changes)
