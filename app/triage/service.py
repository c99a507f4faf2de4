"""The triage workflow: statuses, closure with an outcome, four eyes, assignment, comments.

Every change is an event appended to the alert's hash chain (`app.alerts.audit`); nothing
here edits or deletes an event. Closing (confirmed or dismissed) needs an outcome of that
status and a reason; closing a high or critical alert is only proposed, and takes effect
when a supervisor other than the proposer approves it. Services take an explicit session
and never commit. Errors are `TriageError`, whose message is an English msgid with
parameters that the view translates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, false, or_
from sqlalchemy.orm import Session

from app.alerts.audit import append_event
from app.alerts.models import ALERT_STATUSES, OPEN_STATUSES, OUTCOMES, Alert
from app.alerts.service import dismiss_alert
from app.auth.access import can
from app.auth.actors import Actor, Refused

FOUR_EYES_SEVERITIES = ("high", "critical")
CLOSED_STATUSES = tuple(OUTCOMES)
MAX_TEXT = 4000


def N_(message: str) -> str:
    """Mark a message for translation where it is raised (translated by the view)."""
    return message


class TriageError(Refused):
    """A triage action refused; `message` is a msgid, `params` fill it."""


@dataclass
class BulkResult:
    """What a bulk action did: alerts changed, and those refused with the reason."""

    done: list[int] = field(default_factory=list)
    refused: list[tuple[int, TriageError]] = field(default_factory=list)


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _alert(session: Session, alert_id: int) -> Alert:
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise TriageError(N_("There is no alert #%(id)s."), id=alert_id)
    return alert


def _need(actor: Actor, action: str) -> None:
    if not can(actor.role, action):
        raise TriageError(N_("Your role may not do this."))


def _reason(text: str | None, *, required: bool = True) -> str:
    text = (text or "").strip()
    if required and not text:
        raise TriageError(N_("Give a reason."))
    if len(text) > MAX_TEXT:
        raise TriageError(N_("Keep the text under %(n)s characters."), n=MAX_TEXT)
    return text


def review_due(alert: Alert, review_days: dict[str, int]) -> datetime:
    """Return when the alert's review is due: raised + the days of its severity."""
    raised = alert.first_raised_at
    if raised.tzinfo is None:
        raised = raised.replace(tzinfo=UTC)
    return raised + timedelta(days=review_days.get(alert.severity, 10))


def is_overdue(alert: Alert, review_days: dict[str, int], now: datetime | None = None) -> bool:
    """Tell whether an alert still to act on is past its review deadline."""
    return alert.status in OPEN_STATUSES and review_due(alert, review_days) < _now(now)


def overdue_clause(review_days: dict[str, int], now: datetime | None = None):
    """Return the SQL condition of alerts still to act on past their review deadline."""
    now = _now(now)
    late = [and_(Alert.severity == severity, Alert.first_raised_at < now - timedelta(days=d))
            for severity, d in review_days.items()]
    return and_(Alert.status.in_(OPEN_STATUSES), or_(*late) if late else false())


def change_status(*, session: Session, alert_id: int, actor: Actor, to_status: str,
                  reason: str = "", outcome: str | None = None,
                  now: datetime | None = None) -> str:
    """Move an alert to a status; a closure of a high or critical alert is only proposed.

    Return what happened: 'changed', 'closed' or 'proposed'.
    """
    alert = _alert(session, alert_id)
    if to_status not in ALERT_STATUSES:
        raise TriageError(N_("Unknown status %(status)s."), status=to_status)
    if alert.status in CLOSED_STATUSES:
        if to_status in CLOSED_STATUSES:
            raise TriageError(N_("The alert is already closed; reopen it first."))
        return reopen(session=session, alert_id=alert_id, actor=actor, reason=reason,
                      to_status=to_status, now=now)
    _need(actor, "triage")
    if to_status == alert.status:
        raise TriageError(N_("The alert is already %(status)s."), status=to_status)
    if to_status not in CLOSED_STATUSES:
        text = _reason(reason, required=to_status == "escalated")
        append_event(session, alert=alert, actor=actor.email, action="status_changed",
                     from_status=alert.status, to_status=to_status, comment=text, at=now)
        alert.status = to_status
        return "changed"
    if outcome not in OUTCOMES[to_status]:
        raise TriageError(N_("Choose the outcome of the closure."))
    text = _reason(reason)
    if alert.pending_status:
        raise TriageError(N_("A closure of this alert is already waiting for approval."))
    if alert.severity in FOUR_EYES_SEVERITIES:
        append_event(session, alert=alert, actor=actor.email, action="closure_proposed",
                     from_status=alert.status, to_status=alert.status, comment=text,
                     detail={"proposed_status": to_status, "outcome": outcome}, at=now)
        alert.pending_status, alert.pending_outcome = to_status, outcome
        alert.pending_reason, alert.pending_by, alert.pending_at = text, actor.email, _now(now)
        return "proposed"
    _close(session, alert, by=actor.email, to_status=to_status, outcome=outcome, reason=text,
           detail={"outcome": outcome}, now=now)
    return "closed"


def _close(session: Session, alert: Alert, *, by: str, to_status: str, outcome: str,
           reason: str, detail: dict, now: datetime | None) -> None:
    """Close an alert with its outcome (a dismissal remembers the figure it had)."""
    if to_status == "dismissed":
        dismiss_alert(session=session, alert=alert, actor=by, reason=reason, detail=detail)
    else:
        append_event(session, alert=alert, actor=by, action="confirmed",
                     from_status=alert.status, to_status="confirmed", comment=reason,
                     detail=detail, at=now)
        alert.status = "confirmed"
    alert.outcome = outcome
    alert.pending_status = alert.pending_outcome = alert.pending_reason = None
    alert.pending_by = alert.pending_at = None


def approve(*, session: Session, alert_id: int, actor: Actor, note: str = "",
            now: datetime | None = None) -> None:
    """Approve a proposed closure: a supervisor other than the proposer; both are recorded."""
    _need(actor, "approve")
    alert = _alert(session, alert_id)
    if not alert.pending_status:
        raise TriageError(N_("No closure of this alert is waiting for approval."))
    if alert.pending_by == actor.email:
        raise TriageError(N_("Four eyes: someone other than the proposer must approve."))
    proposed_by = alert.pending_by
    append_event(session, alert=alert, actor=actor.email, action="approved",
                 from_status=alert.status, to_status=alert.status, comment=_reason(note,
                 required=False), detail={"proposed_by": proposed_by,
                                          "proposed_status": alert.pending_status,
                                          "outcome": alert.pending_outcome}, at=now)
    _close(session, alert, by=actor.email, to_status=alert.pending_status,
           outcome=alert.pending_outcome, reason=alert.pending_reason or "",
           detail={"outcome": alert.pending_outcome, "proposed_by": proposed_by,
                   "approved_by": actor.email}, now=now)


def refuse(*, session: Session, alert_id: int, actor: Actor, reason: str,
           now: datetime | None = None) -> None:
    """Refuse a proposed closure, with a reason; the alert stays as it was."""
    _need(actor, "approve")
    alert = _alert(session, alert_id)
    if not alert.pending_status:
        raise TriageError(N_("No closure of this alert is waiting for approval."))
    append_event(session, alert=alert, actor=actor.email, action="approval_refused",
                 from_status=alert.status, to_status=alert.status, comment=_reason(reason),
                 detail={"proposed_by": alert.pending_by,
                         "proposed_status": alert.pending_status,
                         "outcome": alert.pending_outcome}, at=now)
    alert.pending_status = alert.pending_outcome = alert.pending_reason = None
    alert.pending_by = alert.pending_at = None


def reopen(*, session: Session, alert_id: int, actor: Actor, reason: str,
           to_status: str = "open", now: datetime | None = None) -> str:
    """Reopen a confirmed or dismissed alert (supervisors), with a reason."""
    _need(actor, "reopen")
    alert = _alert(session, alert_id)
    if alert.status not in CLOSED_STATUSES:
        raise TriageError(N_("Only a closed alert can be reopened."))
    if to_status not in OPEN_STATUSES:
        to_status = "open"
    append_event(session, alert=alert, actor=actor.email, action="reopened",
                 from_status=alert.status, to_status=to_status, comment=_reason(reason),
                 detail={"previous_outcome": alert.outcome}, at=now)
    alert.status, alert.outcome = to_status, None
    return "reopened"


def assign(*, session: Session, alert_id: int, actor: Actor, assignee: str | None,
           note: str = "", now: datetime | None = None) -> None:
    """Assign an alert to a user (supervisors), or to oneself (officers); None unassigns."""
    alert = _alert(session, alert_id)
    if assignee == actor.email:
        _need(actor, "take")
    else:
        _need(actor, "assign")
    if alert.assignee == assignee:
        return
    append_event(session, alert=alert, actor=actor.email, action="assigned",
                 from_status=alert.status, to_status=alert.status,
                 comment=_reason(note, required=False),
                 detail={"from": alert.assignee, "to": assignee}, at=now)
    alert.assignee = assignee


def comment(*, session: Session, alert_id: int, actor: Actor, text: str,
            now: datetime | None = None) -> None:
    """Add a comment to an alert's timeline."""
    _need(actor, "triage")
    alert = _alert(session, alert_id)
    append_event(session, alert=alert, actor=actor.email, action="commented",
                 from_status=alert.status, to_status=alert.status, comment=_reason(text), at=now)


def bulk(*, session: Session, alert_ids: Iterable[int], actor: Actor, action: str,
         to_status: str | None = None, outcome: str | None = None, reason: str = "",
         assignee: str | None = None, now: datetime | None = None) -> BulkResult:
    """Assign or change the status of several alerts with one reason; report each refusal."""
    result = BulkResult()
    for alert_id in dict.fromkeys(alert_ids):
        try:
            with session.begin_nested():
                if action == "assign":
                    assign(session=session, alert_id=alert_id, actor=actor, assignee=assignee,
                           note=reason, now=now)
                elif action == "status" and to_status:
                    change_status(session=session, alert_id=alert_id, actor=actor,
                                  to_status=to_status, reason=reason, outcome=outcome, now=now)
                else:
                    raise TriageError(N_("Choose an action."))
            result.done.append(alert_id)
        except TriageError as refused:
            result.refused.append((alert_id, refused))
    return result
