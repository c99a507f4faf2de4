"""The dashboard: national pace per substance, open alerts by rule and severity, the oldest
unassigned alerts, operators late with declarations, each rule's measured precision."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from app.alerts.models import OPEN_STATUSES, Alert
from app.baselines.models import Baseline
from app.movements.history import add_months, month_start, remembered
from app.movements.models import Declaration, DeclarationLine
from app.registry.models import Licence, Operator
from app.registry.profile import DECLARATION_DUE_DAYS
from app.triage.queues import queue_clause
from app.triage.service import overdue_clause
from lexicon.movements import INFLOWS


def national_pace(session: Session) -> dict:
    """Return the year declared last and, per substance, kg acquired so far against the
    year's baseline pro rata of the months declared (remembered until the next import)."""
    baselines = session.scalar(select(func.max(Baseline.id)))
    return remembered(session, ("pace", baselines), lambda: _national_pace(session))


def _national_pace(session: Session) -> dict:
    """Compute national_pace."""
    last = session.scalar(select(func.max(Declaration.period)))
    if last is None:
        return {"year": None, "months": 0, "rows": []}
    year = last.year
    acquired = dict(session.execute(
        select(DeclarationLine.substance_code, func.sum(DeclarationLine.quantity_kg))
        .join(Declaration, Declaration.id == DeclarationLine.declaration_id)
        .where(Declaration.is_current.is_(True), Declaration.period >= date(year, 1, 1),
               Declaration.period <= date(year, 12, 31), DeclarationLine.movement.in_(INFLOWS))
        .group_by(DeclarationLine.substance_code)).all())
    baselines = dict(session.execute(
        select(Baseline.substance_code, Baseline.quantity_kg)
        .where(Baseline.year == year, Baseline.is_current.is_(True))).all())
    months = last.month
    rows = []
    for code in sorted(set(acquired) | set(baselines)):
        baseline = baselines.get(code)
        pro_rata = baseline * months / 12 if baseline else None
        kg = float(acquired.get(code) or 0)
        rows.append({"substance_code": code, "acquired": kg, "baseline": baseline,
                     "pro_rata": pro_rata, "share": kg / pro_rata if pro_rata else None})
    rows.sort(key=lambda r: -(r["share"] or 0))
    return {"year": year, "months": months, "rows": rows}


def open_by_rule(session: Session) -> list[dict]:
    """Return the open diversion alerts counted by rule and severity."""
    rows = session.execute(
        select(Alert.rule_id, Alert.severity, func.count(Alert.id))
        .where(Alert.status.in_(OPEN_STATUSES), queue_clause("diversion"))
        .group_by(Alert.rule_id, Alert.severity))
    table: dict[str, dict[str, int]] = {}
    for rule_id, severity, count in rows:
        table.setdefault(rule_id, {})[severity] = int(count)
    return sorted(({"rule_id": r, **c, "total": sum(c.values())} for r, c in table.items()),
                  key=lambda row: -row["total"])


def oldest_unassigned(session: Session, limit: int = 10) -> list[tuple[Alert, str | None]]:
    """Return the oldest open alerts nobody has been assigned, with the operator's name."""
    rows = session.execute(
        select(Alert, Operator.legal_name)
        .outerjoin(Operator, Operator.licence_no == Alert.licence_no)
        .where(Alert.status.in_(OPEN_STATUSES), Alert.assignee.is_(None))
        .order_by(Alert.first_raised_at, Alert.id).limit(limit))
    return [(alert, name) for alert, name in rows]


def late_declarers(session: Session, today: date, limit: int = 15) -> dict:
    """Return the operators with a licence in force that have not declared the last period
    already due."""
    due_period = add_months(month_start(today), -1)
    if today < due_period.replace(day=1) + timedelta(days=31 + DECLARATION_DUE_DAYS - 1):
        due_period = add_months(due_period, -1)
    in_force = exists().where(Licence.operator_id == Operator.id, Licence.status == "active",
                              Licence.valid_from <= due_period, Licence.valid_to >= due_period)
    declared = exists().where(Declaration.licence_no == Operator.licence_no,
                              Declaration.period == due_period)
    query = select(Operator).where(in_force, ~declared).order_by(Operator.legal_name)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    return {"period": due_period, "total": int(total),
            "operators": list(session.scalars(query.limit(limit)))}


def precision_by_rule(session: Session) -> list[dict]:
    """Return each rule's confirmed and dismissed alerts and the share confirmed."""
    rows = session.execute(
        select(Alert.rule_id, Alert.status, func.count(Alert.id))
        .where(Alert.status.in_(("confirmed", "dismissed"))).group_by(Alert.rule_id, Alert.status))
    table: dict[str, dict[str, int]] = {}
    for rule_id, status, count in rows:
        table.setdefault(rule_id, {"confirmed": 0, "dismissed": 0})[status] = int(count)
    out = [{"rule_id": r, **c, "precision": c["confirmed"] / (c["confirmed"] + c["dismissed"])}
           for r, c in table.items()]
    return sorted(out, key=lambda row: row["rule_id"])


def dashboard(*, session: Session, review_days: dict[str, int], today: date | None = None) -> dict:
    """Return everything the dashboard shows."""
    now = datetime.now(UTC)
    today = today or now.date()
    overdue = session.scalar(select(func.count(Alert.id)).where(
        overdue_clause(review_days, now), queue_clause("diversion"))) or 0
    return {"pace": national_pace(session), "by_rule": open_by_rule(session),
            "unassigned": oldest_unassigned(session), "late": late_declarers(session, today),
            "precision": precision_by_rule(session), "overdue": int(overdue)}
