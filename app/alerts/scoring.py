"""The alert score: 0–100, higher is more urgent; the officers' queue is sorted by it.

    score = min(100, severity + excess + recurrence + strength + corroboration + materiality)

- severity (20–65): low 20, medium 35, high 50, critical 65. The rule (or the detector)
  says how grave the situation is; this is most of the score.
- excess (0–20): how far the observed figure is from the expected one, relative to the
  expected: d = |observed − expected| / |expected|, points = 20 × min(1, log2(1 + d) / 2).
  Twice the quota (d = 1) gives 10, four times (d = 3) or more gives 20; with nothing
  expected (expected 0) any quantity gives 20. Findings with no expected figure (a
  movement without licence, an unregistered trader, mislabelled goods: any quantity is
  too much) score the quantity itself on a log scale: 20 × min(1, log10(1 + kg / 100) / 3),
  so 1,000 kg gives 7, 10,000 kg 13, 100,000 kg or more 20. Without figures, 0.
- recurrence (0–10): 4 points for each other window in which the same rule found the same
  party and substance in the same run (the quota exceeded in 2024 and again in 2025, the
  licence breached in three months), at most 10. It is worked out from the data, not from
  how often `vigia detect` ran, so running again does not inflate a score.
- strength (0–10): for statistical findings that carry `p_value` or `z` in their
  measures: 2.5 × −log10(p) (p = 0.01 gives 5, p = 0.0001 or smaller 10), or
  2.5 × (|z| − 2) (z = 4 gives 5, z = 6 or more 10), whichever is larger.
- corroboration (0 or 10): a rule alert and a statistical alert about the same party,
  substance and overlapping window each get 10: two independent lines of evidence.
- materiality (0–10): how much the finding is about, in ordinary operator-months of the
  substance (`material_ratio`: the unmatched kg of a cross-check, or the excess, against the
  median operator's average month of acquisitions of that substance in the run's data):
  10 × min(1, log10(1 + ratio)): a tenth of a month 0.4, one month 3, nine months or more
  10. A cross-check alert has already ruled out the innocent explanations it lists, so what
  is left to rank it is how much is at stake: a material amount above a small mismatch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.detection.findings import Finding

SEVERITY_POINTS = {"low": 20, "medium": 35, "high": 50, "critical": 65}
EXCESS_MAX = 20
RECURRENCE_STEP, RECURRENCE_MAX = 4, 10
STRENGTH_MAX = 10
CORROBORATION_POINTS = 10
MATERIALITY_MAX = 10


@dataclass(frozen=True)
class ScoreParts:
    """The points of each part of a score, kept in the alert's measures to explain it."""

    severity: float
    excess: float
    recurrence: float
    strength: float
    corroboration: float
    materiality: float = 0.0

    @property
    def total(self) -> int:
        """Return the score: the sum of the parts, rounded, capped at 100."""
        raw = (self.severity + self.excess + self.recurrence + self.strength
               + self.corroboration + self.materiality)
        return max(0, min(100, math.floor(raw + 0.5)))  # halves round up, not to even

    def as_measures(self) -> dict[str, float]:
        """Return the parts as measures (rounded to one decimal)."""
        return {f"score_{name}": round(value, 1) for name, value in self.__dict__.items()}


def excess_points(observed: float | None, expected: float | None) -> float:
    """Return the points for how far observed is from expected (0–20)."""
    if observed is None:
        return 0.0
    if expected is None:
        return EXCESS_MAX * min(1.0, math.log10(1 + abs(observed) / 100) / 3)
    if expected == 0:
        return float(EXCESS_MAX) if observed != 0 else 0.0
    deviation = abs(observed - expected) / abs(expected)
    return EXCESS_MAX * min(1.0, math.log2(1 + deviation) / 2)


def strength_points(measures: dict) -> float:
    """Return the points for the statistical strength of a finding (0–10)."""
    points = 0.0
    p_value = _number(measures.get("p_value"))
    if p_value is not None and p_value >= 0:
        points = max(points, 2.5 * -math.log10(max(p_value, 1e-300)))
    z = _number(measures.get("z"))
    if z is not None:
        points = max(points, 2.5 * (abs(z) - 2))
    return max(0.0, min(float(STRENGTH_MAX), points))


def score_parts(finding: Finding, *, other_windows: int = 0,
                corroborated: bool = False) -> ScoreParts:
    """Return the score parts of a finding, given its recurrence and corroboration."""
    return ScoreParts(
        severity=float(SEVERITY_POINTS.get(finding.severity, SEVERITY_POINTS["medium"])),
        excess=excess_points(finding.observed, finding.expected),
        recurrence=float(min(RECURRENCE_MAX, RECURRENCE_STEP * max(0, other_windows))),
        strength=strength_points(dict(finding.measures)),
        corroboration=float(CORROBORATION_POINTS if corroborated else 0),
        materiality=materiality_points(dict(finding.measures)),
    )


def materiality_points(measures: dict) -> float:
    """Return the points for how much a finding is about, in operator-months (0–10)."""
    ratio = _number(measures.get("material_ratio"))
    if ratio is None or ratio <= 0:
        return 0.0
    return float(MATERIALITY_MAX) * min(1.0, math.log10(1 + ratio))


def _number(value) -> float | None:
    """Return a measure as a finite float, or None."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None
