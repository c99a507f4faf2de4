"""National baselines against the year-to-date national pace and the estimate from history."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.baselines.service import current_baselines
from app.movements.models import Declaration, DeclarationLine
from lexicon.movements import NATIONAL_ENTRIES, NATIONAL_EXITS

HISTORY_YEARS, ESTIMATE_MARGIN_PCT = 2, 10.0  # the national_pace rule's defaults


@dataclass(frozen=True)
class NationalPace:
    """One substance in one year: its baseline, its pace so far, the estimate from history."""

    substance_code: str
    year: int
    baseline_kg: float | None
    year_to_date_kg: float
    months: int  # months of the year declared so far
    estimate_kg: float | None  # average of complete earlier years, with the margin

    @property
    def annualised_kg(self) -> float | None:
        """Return the year-to-date figure scaled to twelve months."""
        return self.year_to_date_kg * 12 / self.months if self.months else None

    @property
    def ratio(self) -> float | None:
        """Return the annualised pace as a share of the baseline (else of the estimate)."""
        reference = self.baseline_kg or self.estimate_kg
        return self.annualised_kg / reference if reference and self.annualised_kg else None


def national_totals(session: Session) -> tuple[dict[tuple[str, int], float], dict[int, int]]:
    """Return imports plus production less exports per (substance, year), and months declared."""
    rows = session.execute(
        select(Declaration.period, DeclarationLine.substance_code, DeclarationLine.movement,
               func.sum(DeclarationLine.quantity_kg))
        .join(Declaration, Declaration.id == DeclarationLine.declaration_id)
        .where(Declaration.is_current.is_(True),
               DeclarationLine.movement.in_(NATIONAL_ENTRIES + NATIONAL_EXITS))
        .group_by(Declaration.period, DeclarationLine.substance_code, DeclarationLine.movement))
    totals: dict[tuple[str, int], float] = defaultdict(float)
    months: dict[int, int] = {}
    for period, substance, movement, kg in rows:
        sign = -1.0 if movement in NATIONAL_EXITS else 1.0
        totals[(substance, period.year)] += sign * float(kg or 0)
        months[period.year] = max(months.get(period.year, 0), period.month)
    return dict(totals), months


def national_pace(*, session: Session, year: int | None = None,
                  history_years: int = HISTORY_YEARS,
                  margin_pct: float = ESTIMATE_MARGIN_PCT) -> tuple[int | None, list[NationalPace]]:
    """Return the year shown (default the latest declared) and each substance's figures."""
    totals, months = national_totals(session)
    baselines = current_baselines(session=session)
    year = year or max(months, default=None) or max((y for _, y in baselines), default=None)
    if year is None:
        return None, []
    substances = sorted({s for s, y in totals if y == year} | {s for s, y in baselines
                                                                if y == year})
    figures = []
    for substance in substances:
        past = [totals[(substance, y)] for y in range(year - 1, year - 1 - history_years, -1)
                if months.get(y) == 12 and (substance, y) in totals]
        estimate = sum(past) / len(past) * (1 + margin_pct / 100) if past else None
        figures.append(NationalPace(
            substance_code=substance, year=year, baseline_kg=baselines.get((substance, year)),
            year_to_date_kg=max(totals.get((substance, year), 0.0), 0.0),
            months=months.get(year, 0), estimate_kg=estimate))
    return year, figures
