"""An operator's case: licences, quotas and their use this year, declaration punctuality,
its alerts, and its monthly history per substance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.alerts.models import OPEN_STATUSES, Alert
from app.movements.history import add_months, month_start, monthly_history
from app.movements.models import Declaration, DeclarationLine
from app.registry.models import Licence, Operator
from lexicon.movements import INFLOWS

# Days after the end of a month a declaration is due (the missing-declaration rule's default).
DECLARATION_DUE_DAYS = 15
PUNCTUALITY_MONTHS = 12
HISTORY_MONTHS = 24
ALERTS_SHOWN = 200


@dataclass
class Profile:
    """What the operator page shows."""

    operator: Operator
    licences: list[Licence]
    quota_use: list[dict]
    punctuality: list[dict]
    open_alerts: list[Alert]
    past_alerts: list[Alert]
    history: dict[str, list[dict]]  # substance code -> months


def _year_inflows(session: Session, licence_no: str, year: int) -> dict[str, float]:
    """Return the kg an operator acquired per substance in a year (current declarations)."""
    rows = session.execute(
        select(DeclarationLine.substance_code, func.sum(DeclarationLine.quantity_kg))
        .join(Declaration, Declaration.id == DeclarationLine.declaration_id)
        .where(Declaration.licence_no == licence_no, Declaration.is_current.is_(True),
               Declaration.period >= date(year, 1, 1), Declaration.period <= date(year, 12, 31),
               DeclarationLine.movement.in_(INFLOWS))
        .group_by(DeclarationLine.substance_code))
    return {code: float(kg or 0) for code, kg in rows}


def punctuality(session: Session, licence_no: str, as_of: date) -> list[dict]:
    """Return the last months' declarations: when each was received, days late, or missing."""
    last = add_months(month_start(as_of), -1)
    first = add_months(last, -(PUNCTUALITY_MONTHS - 1))
    received = dict(session.execute(
        select(Declaration.period, func.min(Declaration.received_at))
        .where(Declaration.licence_no == licence_no, Declaration.period >= first,
               Declaration.period <= last).group_by(Declaration.period)).all())
    out = []
    month = first
    while month <= last:
        due = add_months(month, 1) + timedelta(days=DECLARATION_DUE_DAYS - 1)
        at = received.get(month)
        day = at.date() if at is not None else None
        out.append({"period": month, "due": due, "received": day,
                    "days_late": max((day - due).days, 0) if day else None,
                    "missing": day is None and due < as_of})
        month = add_months(month, 1)
    return out


def load_profile(*, session: Session, licence_no: str, as_of: date) -> Profile | None:
    """Return the case of one operator, or None when the licence is not registered."""
    operator = session.scalars(select(Operator).where(Operator.licence_no == licence_no)).first()
    if operator is None:
        return None
    licences = list(session.scalars(select(Licence).where(Licence.operator_id == operator.id)
                                    .order_by(Licence.substance_code, Licence.valid_from)))
    used = _year_inflows(session, licence_no, as_of.year)
    year_start, year_end = date(as_of.year, 1, 1), date(as_of.year, 12, 31)
    quota_use = []
    for licence in licences:
        if licence.valid_from > year_end or licence.valid_to < year_start:
            continue
        quota = licence.annual_quota_kg
        acquired = used.get(licence.substance_code, 0.0)
        quota_use.append({"substance_code": licence.substance_code, "quota": quota,
                          "acquired": acquired,
                          "share": acquired / quota if quota else None})
    alerts = list(session.scalars(select(Alert).where(Alert.licence_no == licence_no)
                                  .order_by(Alert.score.desc(), Alert.id.desc())
                                  .limit(ALERTS_SHOWN)))
    end = month_start(as_of)
    start = add_months(end, -(HISTORY_MONTHS - 1))
    codes = sorted({lic.substance_code for lic in licences} | set(used))
    history = {code: monthly_history(session=session, licence_no=licence_no,
                                     substance_code=code, start=start, end=end)
               for code in codes}
    return Profile(
        operator=operator, licences=licences, quota_use=quota_use,
        punctuality=punctuality(session, licence_no, as_of),
        open_alerts=[a for a in alerts if a.status in OPEN_STATUSES],
        past_alerts=[a for a in alerts if a.status not in OPEN_STATUSES],
        history={c: h for c, h in history.items() if any(m["declared"] for m in h)},
    )
