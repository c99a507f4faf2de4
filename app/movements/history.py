"""Monthly history of declared movements: an operator's, or the country's, per substance."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.movements.models import Declaration, DeclarationLine
from lexicon.movements import INFLOWS, OUTFLOWS


def month_start(day: date) -> date:
    """Return the first day of a date's month."""
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """Return the first day of the month some months after (or before) a date's."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_between(start: date, end: date) -> list[date]:
    """Return the first days of every month from start's to end's, inclusive."""
    months, current = [], month_start(start)
    while current <= end:
        months.append(current)
        current = add_months(current, 1)
    return months


def monthly_history(*, session: Session, substance_code: str, start: date, end: date,
                    licence_no: str | None = None) -> list[dict]:
    """Return, per month, the kg acquired (inflows) and disposed of (outflows), current
    declarations only; one operator's when a licence is given, else the country's."""
    query = (
        select(Declaration.period, DeclarationLine.movement,
               func.sum(DeclarationLine.quantity_kg))
        .join(Declaration, Declaration.id == DeclarationLine.declaration_id)
        .where(Declaration.is_current.is_(True), Declaration.period >= month_start(start),
               Declaration.period <= end, DeclarationLine.substance_code == substance_code,
               DeclarationLine.movement.in_(INFLOWS + OUTFLOWS))
        .group_by(Declaration.period, DeclarationLine.movement))
    if licence_no:
        query = query.where(Declaration.licence_no == licence_no)
    totals: dict[date, dict[str, float]] = {}
    for period, movement, kg in session.execute(query):
        entry = totals.setdefault(period, {"in": 0.0, "out": 0.0})
        entry["in" if movement in INFLOWS else "out"] += float(kg or 0)
    return [{"month": m, "inflow": totals.get(m, {}).get("in", 0.0),
             "outflow": totals.get(m, {}).get("out", 0.0), "declared": m in totals}
            for m in months_between(start, end)]


_REMEMBERED: dict[tuple, object] = {}
REMEMBERED_KEPT = 64


def remembered(session: Session, key: tuple, compute):
    """Return compute(), remembered until a declaration is stored (the newest declaration,
    its id and time of receipt, is part of the key: an import or an amendment adds one)."""
    newest = session.execute(select(Declaration.id, Declaration.received_at)
                             .order_by(Declaration.id.desc()).limit(1)).first()
    full = (str(session.get_bind().engine.url), tuple(newest or ()), *key)
    if full not in _REMEMBERED:
        if len(_REMEMBERED) >= REMEMBERED_KEPT:
            _REMEMBERED.pop(next(iter(_REMEMBERED)), None)
        _REMEMBERED[full] = compute()
    return _REMEMBERED[full]


def national_history(*, session: Session, substance_code: str, start: date,
                     end: date) -> list[dict]:
    """Return the country's monthly history of a substance (remembered: summing a year of
    every operator's lines takes a third of a second at 5,000,000 lines)."""
    months = remembered(session, ("national", substance_code, start, end), lambda: (
        monthly_history(session=session, substance_code=substance_code, start=start,
                        end=end)))
    return [dict(month) for month in months]


def declared_periods(*, session: Session, licence_no: str, start: date,
                     end: date) -> list[Declaration]:
    """Return an operator's current declarations of a span of periods, oldest first."""
    return list(session.scalars(select(Declaration).where(
        Declaration.licence_no == licence_no, Declaration.is_current.is_(True),
        Declaration.period >= start, Declaration.period <= end).order_by(Declaration.period)))
