"""The company portal: template, upload, receipt, history and deadlines, API tokens.

Every view admits only `company` users and reads only their own operator's records (by the
licence their account is bound to); another operator's submission is a 404.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.auth import tokens
from app.auth.access import allow
from app.auth.models import User
from app.auth.token_pages import make_token, revoke
from app.detection.rules.in_force import loaded_rules
from app.extensions import request_session, vigia
from app.portal import service
from app.portal.deadlines import deadline_rule, deadlines
from app.portal.presenters import instead
from app.portal.template import language_of, template_csv, template_xlsx
from app.portal.uploads import receive
from app.web.i18n import language

bp = Blueprint("portal", __name__, template_folder="templates", url_prefix="/portal")
COMPANY = ("company",)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sender() -> service.Sender:
    """Return who is sending: the signed-in company user and its licence."""
    return service.Sender(user_id=current_user.id, email=current_user.email,
                          licence_no=current_user.licence_no)


def _periods(as_of: date):
    """Return the operator's periods with their deadlines, by the overdue rule in force."""
    rules, _problems = loaded_rules(vigia().settings.rules_dir, vigia().catalogue)
    rule = deadline_rule(rules)
    return rule, deadlines(session=request_session(), licence_no=current_user.licence_no,
                           as_of=as_of, rule=rule)


@bp.get("/")
@allow(*COMPANY)
def home():
    """Show the operator's portal: upload, template, what is due, the last submissions."""
    today = date.today()
    rule, periods = _periods(today)
    return render_template(
        "portal/home.html", today=today, rule=rule, periods=periods[:6],
        overdue=[p for p in periods if p.status(today) == "overdue"],
        operator=service.operator_of(session=request_session(),
                                     licence_no=current_user.licence_no),
        submissions=service.own_submissions(session=request_session(),
                                            licence_no=current_user.licence_no, limit=10),
        max_mb=upload_limit() // 2**20)


def upload_limit() -> int:
    """Return the largest file an upload takes: intake's limit, or the request's if lower."""
    request_limit = current_app.config.get("MAX_CONTENT_LENGTH") or 2**63
    return min(vigia().settings.intake.limits.max_bytes, request_limit)


@bp.get("/template.<fmt>")
@allow(*COMPANY)
def template(fmt: str):
    """Download the declaration template (XLSX with lists, or CSV) in a language."""
    lang = language_of(request.args.get("lang") or language())
    if fmt == "csv":
        data, mimetype = template_csv(lang), "text/csv"
    elif fmt == "xlsx":
        names = sorted({s.names.get(lang) or s.name for s in vigia().catalogue.substances})
        data = template_xlsx(lang, substances=names, licence=current_user.licence_no)
        mimetype = XLSX
    else:
        abort(404)
    stem = "declaracion" if lang == "es" else "declaration"
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                     download_name=f"vigia-{stem}-{current_user.licence_no}.{fmt}")


@bp.post("/declarations")
@allow(*COMPANY)
def upload():
    """Receive a declaration file through intake and show its receipt."""
    received = request.files.get("file")
    if received is None or not received.filename:
        flash(_("Choose a CSV or XLSX file to upload."), "error")
        return redirect(url_for("portal.home"))
    submission_id = receive(received, sender=sender(), channel="web")
    return redirect(url_for("portal.receipt", submission_id=submission_id))


@bp.get("/submissions")
@allow(*COMPANY)
def history():
    """List every submission of the operator, and each period's deadline and status."""
    today = date.today()
    rule, periods = _periods(today)
    return render_template(
        "portal/history.html", today=today, rule=rule, periods=periods,
        submissions=service.own_submissions(session=request_session(),
                                            licence_no=current_user.licence_no))


@bp.get("/submissions/<int:submission_id>")
@allow(*COMPANY)
def receipt(submission_id: int):
    """Show a submission's receipt: counts, checksum, periods stored, refused rows (printable)."""
    found = service.load_receipt(session=request_session(), licence_no=current_user.licence_no,
                                 submission_id=submission_id)
    if found is None:
        abort(404)
    lang = language()
    return render_template(
        "portal/receipt.html", r=found, printed=datetime.now(UTC),
        instead=lambda e: instead(e.column, e.reason, licence=current_user.licence_no,
                                  language=lang))


@bp.get("/tokens")
@allow(*COMPANY)
def token_list():
    """List the operator's API tokens (every user of the operator) and offer a new one."""
    return _tokens_page()


def _tokens_page(new: tokens.NewToken | None = None, status: int = 200):
    """Render the operator's tokens, with a just-made secret shown once."""
    users = company_user_ids()
    found = tokens.active_tokens(session=request_session(), user_ids=users)
    return render_template("portal/tokens.html", tokens=found, new=new,
                           revoke_endpoint="portal.revoke_token",
                           create_endpoint="portal.create_token"), status


def company_user_ids() -> list[int]:
    """Return the users bound to the signed-in user's operator (they share its tokens)."""
    return list(request_session().scalars(select(User.id).where(
        User.role == "company", User.licence_no == current_user.licence_no)))


@bp.post("/tokens")
@allow(*COMPANY)
def create_token():
    """Make an API token for this user; its secret is shown on this answer only."""
    return make_token(list_endpoint="portal.token_list", show=_tokens_page)


@bp.post("/tokens/<int:token_id>/revoke")
@allow(*COMPANY)
def revoke_token(token_id: int):
    """Revoke one of the operator's tokens."""
    return revoke(token_id=token_id, user_ids=company_user_ids(),
                  list_endpoint="portal.token_list")
