"""The operator page (the case) and its printable case file."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, render_template, send_file
from flask_login import current_user

from app.alerts.models import OUTCOMES
from app.auth.access import READERS, STAFF, allow, can
from app.auth.service import users_by_role
from app.extensions import request_session, vigia
from app.registry.profile import load_profile
from app.triage.presenters import history_svg, queue_rows, substance_name

bp = Blueprint("registry", __name__, template_folder="templates")


def _profile(licence_no: str):
    profile = load_profile(session=request_session(), licence_no=licence_no,
                           as_of=datetime.now(UTC).date())
    if profile is None:
        abort(404)
    return profile


def _context(profile) -> dict:
    catalogue = vigia().catalogue
    review_days = vigia().settings.review_days
    return {
        "p": profile,
        "open_rows": queue_rows([(a, profile.operator.legal_name) for a in profile.open_alerts],
                                review_days),
        "past_rows": queue_rows([(a, profile.operator.legal_name) for a in profile.past_alerts],
                                review_days),
        "charts": [(code, substance_name(catalogue, code), history_svg(months, code))
                   for code, months in profile.history.items()],
        "name_of": lambda code: substance_name(catalogue, code),
        "can": lambda action: can(current_user.role, action),
        "outcomes": OUTCOMES,
    }


@bp.get("/operators/<licence_no>")
@allow(*READERS)
def operator(licence_no: str):
    """Show an operator's case: licences, quota use, punctuality, alerts, history."""
    profile = _profile(licence_no)
    return render_template("registry/operator.html", **_context(profile),
                           staff=users_by_role(session=request_session(), roles=STAFF))


@bp.get("/operators/<licence_no>/case")
@allow(*READERS)
def case_file(licence_no: str):
    """Show an operator's printable case file."""
    profile = _profile(licence_no)
    return render_template("registry/case.html", **_context(profile),
                           printed=datetime.now(UTC))


@bp.get("/operators/<licence_no>/case.xlsx")
@allow(*READERS)
def case_workbook(licence_no: str):
    """Download an operator's case file as a workbook."""
    from app.triage.casefile import operator_workbook

    profile = _profile(licence_no)
    data = operator_workbook(profile, _context(profile))
    return send_file(data, as_attachment=True, download_name=f"vigia-operator-{licence_no}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
