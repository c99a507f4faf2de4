"""Suppression: a supervisor silences one rule for one party (and substance) until a date.

Detection still records findings and refreshes the alerts; a suppressed alert only leaves
the queue (it is shown with a filter) until the day passes, when it comes back by itself.
Creating and lifting a suppression are events on every alert it covers.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from app.alerts.audit import append_event
from app.alerts.models import OPEN_STATUSES, Alert
from app.triage.models import Suppression
from app.triage.service import N_, Actor, TriageError, _need, _reason

MAX_DAYS = 366


def _party():
    """Return the SQL expression of an alert's party: its licence, else its tax id."""
    return func.coalesce(Alert.licence_no, Alert.tax_id)


def covers(today: date):
    """Return the SQL condition of alerts an active suppression covers."""
    return exists().where(
        Suppression.rule_id == Alert.rule_id,
        Suppression.party == _party(),
        or_(Suppression.substance_code.is_(None),
            Suppression.substance_code == Alert.substance_code),
        Suppression.until >= today,
        Suppression.lifted_at.is_(None),
    )


def _covered_alerts(session: Session, suppression: Suppression) -> list[Alert]:
    """Return the alerts still to act on that a suppression covers."""
    query = select(Alert).where(Alert.rule_id == suppression.rule_id,
                                _party() == suppression.party,
                                Alert.status.in_(OPEN_STATUSES))
    if suppression.substance_code is not None:
        query = query.where(Alert.substance_code == suppression.substance_code)
    return list(session.scalars(query.order_by(Alert.id)))


def suppress(*, session: Session, alert_id: int, actor: Actor, until: date, reason: str,
             every_substance: bool = False, today: date | None = None) -> Suppression:
    """Silence an alert's rule for its party (and substance) until a day, with a reason."""
    _need(actor, "suppress")
    today = today or datetime.now(UTC).date()
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise TriageError(N_("There is no alert #%(id)s."), id=alert_id)
    party = alert.licence_no or alert.tax_id
    if not party:
        raise TriageError(N_("Only an alert about one operator or trader can be suppressed."))
    if until <= today:
        raise TriageError(N_("The end of a suppression must be after today."))
    if (until - today).days > MAX_DAYS:
        raise TriageError(N_("A suppression lasts at most %(n)s days."), n=MAX_DAYS)
    suppression = Suppression(rule_id=alert.rule_id, party=party,
                              substance_code=None if every_substance else alert.substance_code,
                              until=until, reason=_reason(reason), created_by=actor.email)
    session.add(suppression)
    session.flush()
    for covered in _covered_alerts(session, suppression):
        append_event(session, alert=covered, actor=actor.email, action="suppressed",
                     from_status=covered.status, to_status=covered.status,
                     comment=suppression.reason,
                     detail={"suppression_id": suppression.id, "until": until.isoformat(),
                             "rule_id": suppression.rule_id, "party": party,
                             "substance_code": suppression.substance_code})
    return suppression


def lift(*, session: Session, suppression_id: int, actor: Actor, reason: str) -> Suppression:
    """End a suppression before its day, with a reason."""
    _need(actor, "suppress")
    suppression = session.get(Suppression, suppression_id)
    if suppression is None or suppression.lifted_at is not None:
        raise TriageError(N_("This suppression is not in force."))
    text = _reason(reason)
    suppression.lifted_at, suppression.lifted_by = datetime.now(UTC), actor.email
    for covered in _covered_alerts(session, suppression):
        append_event(session, alert=covered, actor=actor.email, action="suppression_lifted",
                     from_status=covered.status, to_status=covered.status, comment=text,
                     detail={"suppression_id": suppression.id})
    return suppression


def suppressions_in_force(*, session: Session, today: date | None = None) -> list[Suppression]:
    """Return the suppressions in force, ending soonest first."""
    today = today or datetime.now(UTC).date()
    return list(session.scalars(select(Suppression).where(
        Suppression.until >= today, Suppression.lifted_at.is_(None)).order_by(Suppression.until)))


def suppression_of(*, session: Session, alert: Alert, today: date | None = None):
    """Return the suppression in force over an alert, or None."""
    today = today or datetime.now(UTC).date()
    party = alert.licence_no or alert.tax_id
    return session.scalars(select(Suppression).where(and_(
        Suppression.rule_id == alert.rule_id, Suppression.party == party,
        or_(Suppression.substance_code.is_(None),
            Suppression.substance_code == alert.substance_code),
        Suppression.until >= today, Suppression.lifted_at.is_(None))).limit(1)).first()
