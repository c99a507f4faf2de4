"""Alerts by API (officers, supervisors; regulators read): the queue with its filters and
keyset pages, one alert, a transition, a comment, the export. Every change goes through
app/triage/service.py: the same state machine, four eyes and audit chain as the pages."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint

from app.alerts.models import Alert
from app.api.common import documents, session_csrf
from app.api.errors import ApiError
from app.api.schemas import (
    AlertDetailSchema,
    AlertListArgs,
    AlertPageSchema,
    AlertSchema,
    CommentSchema,
    ExportArgs,
    TransitionResultSchema,
    TransitionSchema,
)
from app.auth.access import READERS, STAFF, allow
from app.extensions import request_session, vigia
from app.triage import service
from app.triage.downloads import send_alerts
from app.triage.queue import operator_names, queue_page

blp = Blueprint("alerts", __name__, url_prefix="/api/alerts",
                description="The alert queue and the triage of one alert.")
blp.before_request(session_csrf)
# Refusals of the triage service that are about the request, not the alert's state.
_INPUT = ("Give a reason.", "Choose the outcome of the closure.",
          "Keep the text under %(n)s characters.", "Unknown status %(status)s.")


def actor() -> service.Actor:
    """Return who acts in this request."""
    return service.Actor(email=current_user.email, role=current_user.role)


def _alert(alert_id: int) -> Alert:
    """Return an alert, or answer 404."""
    alert = request_session().get(Alert, alert_id)
    if alert is None:
        raise ApiError(404, f"There is no alert #{alert_id}.")
    return alert


def alert_json(alert: Alert, operator: str | None) -> dict:
    """Return an alert as the API gives it."""
    catalogue = vigia().catalogue
    review_days = vigia().settings.review_days
    try:
        substance = catalogue.get(alert.substance_code) if alert.substance_code else None
    except KeyError:
        substance = None
    return {
        "alert_id": alert.id, "rule_id": alert.rule_id, "rule_version": alert.rule_version,
        "kind": alert.kind, "detector": alert.detector, "queue": alert.queue,
        "severity": alert.severity, "score": alert.score, "status": alert.status,
        "outcome": alert.outcome, "pending_status": alert.pending_status,
        "licence_no": alert.licence_no, "tax_id": alert.tax_id, "operator_name": operator,
        "substance": substance.cas if substance else alert.substance_code,
        "substance_name": substance.name if substance else None,
        "period_start": alert.period_start, "period_end": alert.period_end,
        "summary": alert.summary, "observed": alert.observed, "expected": alert.expected,
        "times_seen": alert.times_seen, "assignee": alert.assignee,
        "review_due": service.review_due(alert, review_days),
        "overdue": service.is_overdue(alert, review_days),
        "first_raised_at": alert.first_raised_at, "last_seen_at": alert.last_seen_at,
    }


def _refusal(error: service.TriageError) -> ApiError:
    """Return the API answer of a refused triage action."""
    message = _(error.message, **error.params)
    if error.message == "Your role may not do this.":
        return ApiError(403, message)
    if error.message.startswith("There is no alert"):
        return ApiError(404, message)
    if error.message in _INPUT:
        return ApiError(422, message, code="invalid")
    return ApiError(409, message, code="conflict")


@blp.route("", methods=["GET"])
@allow(*READERS)
@blp.arguments(AlertListArgs, location="query")
@blp.response(200, AlertPageSchema)
@documents(blp, 401, 403)
def queue(args):
    """List alerts most urgent first, with the officer queue's filters and keyset pages."""
    page = queue_page(session=request_session(), filters=args, me=current_user.email,
                      review_days=vigia().settings.review_days, page_size=args["limit"])
    return {"items": [alert_json(a, name) for a, name in page.alerts],
            "next_cursor": page.next_cursor, "counts": page.counts}


@blp.route("/export", methods=["GET"])
@allow(*READERS)
@blp.arguments(ExportArgs, location="query")
@blp.response(200, content_type="text/csv",
              description="CSV (UTF-8 with BOM) or XLSX of the alerts of the filter")
@blp.alt_response(200, content_type="application/vnd.openxmlformats-officedocument."
                                    "spreadsheetml.sheet", success=True,
                  description="the same as XLSX (format=xlsx)")
@documents(blp, 401, 403)
def export(args):
    """Download the alerts of a filter, every page, in the queue's order (interfaces §6)."""
    fmt = args.pop("format")
    return send_alerts(args, fmt)


@blp.route("/<int:alert_id>", methods=["GET"])
@allow(*READERS)
@blp.response(200, AlertDetailSchema)
@documents(blp, 401, 403, 404)
def detail(alert_id: int):
    """Read one alert: its figures, the trace of why it fired, evidence ids and timeline."""
    alert = _alert(alert_id)
    names = operator_names(request_session(), [alert])
    body = alert_json(alert, names.get(alert.licence_no) if alert.licence_no else None)
    body["trace"] = _of_kind(alert.trace, list)
    body["evidence"] = {k: [int(i) for i in v] for k, v in _of_kind(alert.evidence, dict).items()
                        if isinstance(v, list)}
    body["events"] = [{"seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action,
                       "from_status": e.from_status, "to_status": e.to_status,
                       "comment": e.comment, "hash": e.hash} for e in alert.events]
    return body


def _of_kind(value, kind: type):
    """Return a stored JSON value of a kind; an empty one when it is not of that kind."""
    return value if isinstance(value, kind) else kind()


@blp.route("/<int:alert_id>/transition", methods=["POST"])
@allow(*STAFF)
@blp.arguments(TransitionSchema)
@blp.response(200, TransitionResultSchema)
@documents(blp, 401, 403, 404, 409)
def transition(form, alert_id: int):
    """Change an alert's status, or close it with an outcome and a reason.

    Closing a high or critical alert is only proposed (`result: proposed`): a second
    supervisor approves it on the alert's page. 409: the alert's state does not allow it.
    """
    _alert(alert_id)
    try:
        result = service.change_status(session=request_session(), alert_id=alert_id,
                                       actor=actor(), **form)
    except service.TriageError as error:
        raise _refusal(error) from None
    alert = _alert(alert_id)
    names = operator_names(request_session(), [alert])
    return {"result": result,
            "alert": alert_json(alert, names.get(alert.licence_no or ""))}


@blp.route("/<int:alert_id>/comments", methods=["POST"])
@allow(*STAFF)
@blp.arguments(CommentSchema)
@blp.response(201, AlertSchema)
@documents(blp, 401, 403, 404)
def add_comment(form, alert_id: int):
    """Add a comment to an alert's timeline."""
    _alert(alert_id)
    try:
        service.comment(session=request_session(), alert_id=alert_id, actor=actor(),
                        text=form["text"])
    except service.TriageError as error:
        raise _refusal(error) from None
    alert = _alert(alert_id)
    names = operator_names(request_session(), [alert])
    return alert_json(alert, names.get(alert.licence_no or ""))
