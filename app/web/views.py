"""Home page: what the registry and catalogue hold."""

from __future__ import annotations

from flask import Blueprint, render_template

from app.extensions import request_session, vigia
from app.registry.service import registry_counts

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/web")


@bp.get("/")
def home():
    """Show counts of operators, licences and substances."""
    counts = registry_counts(session=request_session())
    catalogue = vigia().catalogue
    return render_template("web/home.html", counts=counts, substances=len(catalogue),
                           home_country=vigia().settings.home_country)


@bp.get("/healthz")
def health():
    """Answer load balancers: the app is up and the database answers."""
    request_session().connection().exec_driver_sql("SELECT 1")
    return {"status": "ok"}
