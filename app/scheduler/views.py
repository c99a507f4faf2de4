"""The supervisors' page of scheduled jobs: what runs when, and every run, newest first."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from app.auth.access import allow
from app.extensions import request_session, vigia
from app.jobs import BY_ID, JOBS
from app.scheduler import service

bp = Blueprint("scheduler", __name__, template_folder="templates")
PER_PAGE = 50


@bp.get("/jobs")
@allow("supervisor")
def runs():
    """List the scheduled jobs and their runs, newest first, a page at a time."""
    job_id = request.args.get("job") if request.args.get("job") in BY_ID else None
    page = request.args.get("page", "1")
    session = request_session()
    found = service.runs_page(session=session, page=int(page) if page.isdigit() else 1,
                              per_page=PER_PAGE, job_id=job_id)
    return render_template("scheduler/runs.html", jobs=JOBS, job_id=job_id, found=found,
                           last=service.last_runs(session=session),
                           schedules=vigia().settings.scheduler.schedules)
