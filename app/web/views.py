"""The dashboard (the home page of officers, supervisors and regulators) and health check."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from app.auth.access import SIGNED_IN, allow, public
from app.extensions import request_session, vigia
from app.triage.presenters import queue_rows, substance_name
from app.web.dashboard import dashboard

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/web")


@bp.get("/")
@allow(*SIGNED_IN)
def home():
    """Show the dashboard; company users their portal page, administrators their users."""
    if current_user.role == "company":
        return redirect(url_for("portal.home"))
    if current_user.role == "admin":
        return redirect(url_for("auth.users"))
    settings = vigia().settings
    data = dashboard(session=request_session(), review_days=settings.review_days)
    return render_template("web/dashboard.html", data=data,
                           unassigned=queue_rows(data["unassigned"], settings.review_days),
                           name_of=lambda code: substance_name(vigia().catalogue, code),
                           home_country=settings.home_country)


@bp.get("/healthz")
@public
def health():
    """Answer load balancers: the app is up and the database answers."""
    request_session().connection().exec_driver_sql("SELECT 1")
    return {"status": "ok"}
