"""The alert queue, the alert page and its triage actions, suppressions, the case file."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError

from app.alerts.models import ALERT_STATUSES, OUTCOMES
from app.auth.access import READERS, STAFF, allow, can
from app.auth.service import users_by_role
from app.auth.views import safe_next
from app.extensions import request_session, vigia
from app.triage import service, suppression
from app.triage.dossier import load_dossier
from app.triage.downloads import send_alerts
from app.triage.presenters import alert_view, chart_svg, queue_rows
from app.triage.queue import COUNT_CAP, queue_page
from app.triage.rules_shown import rules_in_force
from app.triage.schemas import (
    AssignSchema,
    BulkSchema,
    QueueFiltersSchema,
    StatusChangeSchema,
    SuppressSchema,
    TextSchema,
)
from lexicon.severities import SEVERITIES

bp = Blueprint("triage", __name__, template_folder="templates")


def actor() -> service.Actor:
    """Return who is acting in this request."""
    return service.Actor(email=current_user.email, role=current_user.role)


def refused(error: service.TriageError) -> str:
    """Return a triage refusal in the reader's language."""
    return _(error.message, **error.params)


def _filters() -> dict:
    """Read the queue's filters; a bad one is dropped with a message, never a crash."""
    schema = QueueFiltersSchema()
    try:
        return schema.load(request.args)
    except ValidationError as problem:
        flash(_("Some filters were not understood and were left out: %(names)s",
                names=", ".join(sorted(problem.messages))), "error")
        good = {k: v for k, v in request.args.items() if k not in problem.messages}
        return schema.load(good)


@bp.get("/alerts")
@allow(*READERS)
def queue():
    """Show the alert queue, most urgent first, with filters and counts per status."""
    filters = _filters()
    settings = vigia().settings
    page = queue_page(session=request_session(), filters=filters, me=current_user.email,
                      review_days=settings.review_days)
    return render_template(
        "triage/queue.html", filters=filters, rows=queue_rows(page.alerts, settings.review_days),
        page=page, severities=SEVERITIES, statuses=ALERT_STATUSES, outcomes=OUTCOMES,
        staff=users_by_role(session=request_session(), roles=STAFF),
        choices=presenter_choices(), count_cap=COUNT_CAP)


def presenter_choices() -> dict:
    """Return the choices of the queue's filter menus."""
    from app.triage.presenters import filter_choices

    return filter_choices(request_session(), vigia().catalogue)


@bp.get("/alerts/export.<fmt>")
@allow(*READERS)
def export(fmt: str):
    """Download the alerts of the current filter as CSV or XLSX (formula-safe)."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    return send_alerts(_filters(), fmt)


@bp.post("/alerts/bulk")
@allow(*STAFF)
def bulk():
    """Assign or change the status of the ticked alerts with one reason."""
    try:
        form = BulkSchema().load(request.form)
    except ValidationError:
        flash(_("Tick at least one alert (500 at most) and choose an action."), "error")
        return redirect(safe_next(request.form.get("back")) or url_for("triage.queue"))
    assignee = form["assignee"] or None
    if assignee == "me":
        assignee = current_user.email
    result = service.bulk(session=request_session(), alert_ids=form["alert_ids"], actor=actor(),
                          action=form["action"], to_status=form["to_status"],
                          outcome=form["outcome"], reason=form["reason"], assignee=assignee)
    if result.done:
        flash(_("%(n)s alerts changed.", n=len(result.done)), "info")
    for alert_id, error in result.refused[:10]:
        flash(_("Alert #%(id)s: %(reason)s", id=alert_id, reason=refused(error)), "error")
    return redirect(safe_next(form["back"]))


@bp.get("/alerts/<int:alert_id>")
@allow(*READERS)
def alert(alert_id: int):
    """Show an alert: its sentence, findings, evidence, chart, timeline and triage forms."""
    dossier = load_dossier(session=request_session(), alert_id=alert_id)
    if dossier is None:
        abort(404)
    settings = vigia().settings
    rule = rules_in_force(settings.rules_dir, vigia().catalogue).get(dossier.alert.rule_id)
    return render_template(
        "triage/alert.html", d=dossier, rule=rule,
        view=alert_view(dossier, vigia().catalogue, settings.review_days),
        chart=chart_svg(dossier.chart, dossier.alert), outcomes=OUTCOMES,
        statuses=ALERT_STATUSES, staff=users_by_role(session=request_session(), roles=STAFF),
        can=lambda action: can(current_user.role, action))


def _on_alert(alert_id: int, schema, act, done: str | None = None, anchor: str = ""):
    """Read a form, run a triage action on an alert, say how it went, back to the alert.

    `act(form)` returns what happened (a key of OUTCOME_MESSAGES) or None; a refusal or a
    bad form is shown as a message, never an error page.
    """
    try:
        outcome = act(schema().load(request.form))
    except ValidationError:
        flash(_("Check the form: a field is missing or too long."), "error")
    except service.TriageError as error:
        flash(refused(error), "error")
    else:
        message = done or outcome_message(outcome)
        if message:
            flash(message, "info")
    return redirect(url_for("triage.alert", alert_id=alert_id) + anchor)


def outcome_message(outcome: str | None) -> str | None:
    """Say in the reader's language what a status change did."""
    return {"proposed": _("Closure proposed: a supervisor must approve it."),
            "closed": _("Alert closed."), "changed": _("Status changed."),
            "reopened": _("Alert reopened.")}.get(outcome or "")


@bp.get("/alerts/<int:alert_id>/chart.svg")
@allow(*READERS)
def chart(alert_id: int):
    """Draw an alert's chart alone, as SVG (the national ones load after their page)."""
    dossier = load_dossier(session=request_session(), alert_id=alert_id, evidence_limit=0,
                           defer_slow_chart=False)
    if dossier is None:
        abort(404)
    svg = chart_svg(dossier.chart, dossier.alert)
    if svg is None:
        abort(404)
    return Response(str(svg), mimetype="image/svg+xml")


@bp.post("/alerts/<int:alert_id>/status")
@allow(*STAFF)
def change_status(alert_id: int):
    """Change an alert's status, or close it with an outcome (proposed when four eyes apply)."""
    return _on_alert(alert_id, StatusChangeSchema, lambda form: service.change_status(
        session=request_session(), alert_id=alert_id, actor=actor(), **form))


@bp.post("/alerts/<int:alert_id>/assign")
@allow(*STAFF)
def assign(alert_id: int):
    """Assign an alert (supervisors), or take it (officers)."""
    def act(form):
        who = current_user.email if form["assignee"] == "me" else (form["assignee"] or None)
        service.assign(session=request_session(), alert_id=alert_id, actor=actor(),
                       assignee=who, note=form["reason"])
    return _on_alert(alert_id, AssignSchema, act, _("Assignment saved."))


@bp.post("/alerts/<int:alert_id>/comment")
@allow(*STAFF)
def comment(alert_id: int):
    """Add a comment to an alert's timeline."""
    return _on_alert(alert_id, TextSchema, lambda form: service.comment(
        session=request_session(), alert_id=alert_id, actor=actor(), text=form["text"]),
        _("Comment added."), anchor="#timeline")


@bp.post("/alerts/<int:alert_id>/approve")
@allow("supervisor")
def approve(alert_id: int):
    """Approve the closure proposed for an alert (four eyes)."""
    return _on_alert(alert_id, TextSchema, lambda form: service.approve(
        session=request_session(), alert_id=alert_id, actor=actor(), note=form["text"]),
        _("Closure approved."))


@bp.post("/alerts/<int:alert_id>/refuse")
@allow("supervisor")
def refuse(alert_id: int):
    """Refuse the closure proposed for an alert, with a reason."""
    return _on_alert(alert_id, TextSchema, lambda form: service.refuse(
        session=request_session(), alert_id=alert_id, actor=actor(), reason=form["text"]),
        _("Closure refused."))


@bp.post("/alerts/<int:alert_id>/suppress")
@allow("supervisor")
def suppress(alert_id: int):
    """Silence the alert's rule for its party (and substance) until a date."""
    return _on_alert(alert_id, SuppressSchema, lambda form: suppression.suppress(
        session=request_session(), alert_id=alert_id, actor=actor(), **form),
        _("Rule suppressed for this party."))


@bp.get("/suppressions")
@allow(*READERS)
def suppressions():
    """List the suppressions in force."""
    return render_template("triage/suppressions.html",
                           items=suppression.suppressions_in_force(session=request_session()),
                           can=lambda action: can(current_user.role, action))


@bp.post("/suppressions/<int:suppression_id>/lift")
@allow("supervisor")
def lift(suppression_id: int):
    """End a suppression before its date."""
    try:
        form = TextSchema().load(request.form)
        suppression.lift(session=request_session(), suppression_id=suppression_id,
                         actor=actor(), reason=form["text"])
        flash(_("Suppression lifted."), "info")
    except (ValidationError, service.TriageError) as error:
        flash(refused(error) if isinstance(error, service.TriageError) else
              _("Give a reason."), "error")
    return redirect(url_for("triage.suppressions"))


@bp.get("/alerts/<int:alert_id>/case")
@allow(*READERS)
def case_file(alert_id: int):
    """Show the printable case file of an alert: evidence, chart, profile and timeline."""
    dossier = load_dossier(session=request_session(), alert_id=alert_id, evidence_limit=None,
                           defer_slow_chart=False)
    if dossier is None:
        abort(404)
    return render_template(
        "triage/case.html", d=dossier,
        view=alert_view(dossier, vigia().catalogue, vigia().settings.review_days),
        chart=chart_svg(dossier.chart, dossier.alert), printed=datetime.now(UTC))


@bp.get("/alerts/<int:alert_id>/case.xlsx")
@allow(*READERS)
def case_workbook(alert_id: int):
    """Download an alert's case file as a workbook: summary, evidence and timeline sheets."""
    from app.triage.casefile import alert_workbook

    dossier = load_dossier(session=request_session(), alert_id=alert_id, evidence_limit=None)
    if dossier is None:
        abort(404)
    view = alert_view(dossier, vigia().catalogue, vigia().settings.review_days)
    data = alert_workbook(dossier, view)
    return send_file(data, as_attachment=True, download_name=f"vigia-alert-{alert_id}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
