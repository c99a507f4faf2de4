"""When each of an operator's declarations is due, which came late, which are overdue.

The rule of deadline is the one detection applies (`missing_declaration` with `check:
overdue`, app/detection/kinds/missing_declaration.py): a period is due `deadline_days` after it
ends; it is overdue when that day has passed, no declaration of it was received, and a
licence of the operator was valid on the period's first day. Its period length, deadline
and look-back are read from the rule in force, so the portal and the notices agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.detection.base.common import period_end
from app.detection.rules.model import Rule
from app.movements.models import Declaration
from app.registry.service import load_licence_book


@dataclass(frozen=True)
class DeadlineRule:
    """How often an operator declares and how long it has after each period."""

    period: str = "month"
    deadline_days: int = 15
    lookback_months: int = 12
    rule_id: str | None = None  # the rule these come from; None = the defaults


@dataclass(frozen=True)
class PeriodDue:
    """One period of the operator: when it was due, when (if ever) it was received."""

    start: date
    end: date
    due: date
    received: datetime | None
    amendments: int
    required: bool  # a licence was valid on the period's first day

    def status(self, as_of: date) -> str:
        """Return 'on_time', 'late', 'overdue', 'open' (not yet due) or 'not_required'."""
        if self.received is not None:
            return "late" if self.received.date() > self.due else "on_time"
        if not self.required:
            return "not_required"
        return "overdue" if self.due < as_of else "open"

    def days_late(self, as_of: date) -> int:
        """Return the days past the deadline (received late, or still missing)."""
        last = self.received.date() if self.received is not None else as_of
        return max((last - self.due).days, 0)


def deadline_rule(rules: tuple[Rule, ...]) -> DeadlineRule:
    """Return the deadline of the overdue rule in force, the defaults when there is none."""
    for rule in rules:
        if (rule.kind == "missing_declaration" and rule.params.get("check") == "overdue"
                and rule.mode != "inactive"):
            return DeadlineRule(period=rule.params["period"],
                                deadline_days=int(rule.params["deadline_days"]),
                                lookback_months=int(rule.params["lookback_months"]),
                                rule_id=rule.id)
    return DeadlineRule()


def _add_months(day: date, months: int) -> date:
    """Return the first of the month some months after (or before) a date's month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_starts(rule: DeadlineRule, as_of: date) -> list[date]:
    """Return the first days of the periods from the look-back to the one holding as_of."""
    step = {"month": 1, "quarter": 3, "year": 12}[rule.period]
    first = _add_months(as_of, -rule.lookback_months)
    first = _period_start(first, rule.period)
    starts, start = [], first
    while start <= as_of:
        starts.append(start)
        start = _add_months(start, step)
    return starts


def _period_start(day: date, period: str) -> date:
    """Return the first day of the month, quarter or year holding a date."""
    if period == "year":
        return date(day.year, 1, 1)
    if period == "quarter":
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return day.replace(day=1)


def deadlines(*, session: Session, licence_no: str, as_of: date,
              rule: DeadlineRule) -> list[PeriodDue]:
    """Return the operator's periods of the look-back, newest first, with their deadlines."""
    starts = period_starts(rule, as_of)
    if not starts:
        return []
    received = session.execute(
        select(Declaration.period, func.min(Declaration.received_at), func.count(Declaration.id))
        .where(Declaration.licence_no == licence_no, Declaration.period >= starts[0],
               Declaration.period <= as_of)
        .group_by(Declaration.period)).all()
    by_start: dict[date, list] = {}
    for period, at, count in received:
        key = _period_start(period, rule.period)
        first, total = by_start.get(key, (None, 0))
        by_start[key] = (at if first is None or at < first else first, total + count)
    book = load_licence_book(session=session, licence_nos=[licence_no])
    substances = sorted({s.substance_code for s in book.states()})
    out = []
    for start in starts:
        end = period_end(start, rule.period)
        first, total = by_start.get(start, (None, 0))
        out.append(PeriodDue(
            start=start, end=end, due=end + timedelta(days=rule.deadline_days), received=first,
            amendments=max(total - 1, 0),
            required=any(book.check(licence_no, code, None, start).licensed
                         for code in substances),
        ))
    return out[::-1]
