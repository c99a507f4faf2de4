"""Sign-in, sign-out, password change, language, and the administrator's users page."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from marshmallow import ValidationError

from app.auth import service
from app.auth.access import SIGNED_IN, allow, public
from app.auth.models import ROLES
from app.auth.schemas import LanguageSchema, PasswordChangeSchema, SignInSchema, UserCreateSchema
from app.auth.sessions import SignedIn
from app.extensions import request_session

bp = Blueprint("auth", __name__, template_folder="templates")


def safe_next(target: str | None) -> str:
    """Return a redirect target on this site only (never an open redirect)."""
    if not target:
        return url_for("web.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("web.home")
    return target


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in():
    """Show the sign-in form; sign a user in."""
    if request.method == "GET":
        return render_template("auth/sign_in.html", next=request.args.get("next", ""))
    try:
        form = SignInSchema().load(request.form)
    except ValidationError:
        flash(_("Write your email and password."), "error")
        return render_template("auth/sign_in.html", next=""), 400
    try:
        user = service.authenticate(session=request_session(), email=form["email"],
                                    password=form["password"],
                                    address=request.remote_addr or "unknown")
    except service.SignInRefused as refused:
        request_session().commit()  # the failed attempt counts even though we answer 4xx
        message = (_("Too many failed attempts: wait 15 minutes and try again.")
                   if refused.reason == "throttled" else _("Wrong email or password."))
        flash(message, "error")
        status = 429 if refused.reason == "throttled" else 401
        return render_template("auth/sign_in.html", next=form["next"]), status
    session.clear()
    login_user(SignedIn(service.principal(user)))
    session.permanent = True
    return redirect(safe_next(form["next"]))


@bp.post("/sign-out")
@allow(*SIGNED_IN)
def sign_out():
    """Sign the user out."""
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.sign_in"))


@bp.route("/account/password", methods=["GET", "POST"])
@allow(*SIGNED_IN)
def password():
    """Show the password form; change the password (other sessions end)."""
    if request.method == "GET":
        return render_template("auth/password.html")
    try:
        form = PasswordChangeSchema().load(request.form)
        if form["new"] != form["repeat"]:
            raise service.UserError(_("The two new passwords differ."))
        user = service.change_password(session=request_session(), user_id=current_user.id,
                                       current=form["current"], new=form["new"])
    except (ValidationError, service.UserError) as problem:
        message = str(problem) if isinstance(problem, service.UserError) else \
            _("Fill in every field.")
        flash(message, "error")
        return render_template("auth/password.html"), 400
    login_user(SignedIn(service.principal(user)))
    flash(_("Your password was changed."), "info")
    return redirect(url_for("web.home"))


@bp.post("/language")
@public
def language():
    """Switch the language of the workspace (remembered for a signed-in user)."""
    try:
        form = LanguageSchema().load(request.form)
    except ValidationError:
        return redirect(url_for("web.home"))
    session["lang"] = form["lang"]
    if current_user.is_authenticated:
        service.set_language(session=request_session(), user_id=current_user.id,
                             language=form["lang"])
    return redirect(safe_next(form["next"]))


@bp.get("/admin/users")
@allow("admin")
def users():
    """List the users and offer the new-user form."""
    return render_template("auth/users.html", users=service.list_users(session=request_session()),
                           roles=ROLES)


@bp.post("/admin/users")
@allow("admin")
def create_user():
    """Create a user from the administrator's form."""
    try:
        form = UserCreateSchema().load(request.form)
        user = service.create_user(session=request_session(), **form)
    except ValidationError as problem:
        flash(_("Check the form: %(fields)s", fields=", ".join(sorted(problem.messages))),
              "error")
        return redirect(url_for("auth.users"))
    except service.UserError as problem:
        flash(str(problem), "error")
        return redirect(url_for("auth.users"))
    flash(_("User %(email)s created.", email=user.email), "info")
    return redirect(url_for("auth.users"))


@bp.post("/admin/users/<int:user_id>/active")
@allow("admin")
def toggle_user(user_id: int):
    """Activate or deactivate a user."""
    active = request.form.get("active") == "1"
    try:
        service.set_active(session=request_session(), user_id=user_id, active=active)
    except service.UserError as problem:
        flash(str(problem), "error")
    return redirect(url_for("auth.users"))
