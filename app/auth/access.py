"""Who may reach what: every view declares the roles it admits, and nothing else gets in.

`@allow("officer", "supervisor")` on a view admits those roles; `@public` admits anyone,
signed in or not. A view that declares nothing is refused to everybody (deny by default),
and the route x role test fails on it. Static files are public.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, abort, current_app, redirect, request, url_for
from flask_login import current_user

from app.api.errors import is_api_request
from app.auth.models import ROLES

View = TypeVar("View", bound=Callable)
PUBLIC = frozenset({"*"})
# Roles that work alerts; `regulator` reads them; `company` and `admin` do not see them.
STAFF = ("officer", "supervisor")
READERS = ("officer", "supervisor", "regulator")
SIGNED_IN = ROLES


def allow(*roles: str) -> Callable[[View], View]:
    """Declare the roles a view admits."""
    unknown = set(roles) - set(ROLES)
    if unknown or not roles:
        raise ValueError(f"unknown roles {sorted(unknown)}" if unknown else "no roles given")

    def mark(view: View) -> View:
        view.admits = frozenset(roles)  # type: ignore[attr-defined]
        return view

    return mark


def public(view: View) -> View:
    """Declare a view open to anyone (sign-in page, health check, language switch)."""
    view.admits = PUBLIC  # type: ignore[attr-defined]
    return view


def admitted_roles(app: Flask, endpoint: str) -> frozenset[str] | None:
    """Return the roles an endpoint admits (PUBLIC for anyone), None when it declares none."""
    if endpoint == "static" or endpoint.endswith(".static"):
        return PUBLIC
    view = app.view_functions.get(endpoint)
    return getattr(view, "admits", None)


def _check_access():
    """Refuse a request its user's role is not admitted to (before any view runs)."""
    if request.endpoint is None:
        return None  # 404 and 405 answer for themselves
    admits = admitted_roles(current_app, request.endpoint)
    if admits is None:
        current_app.logger.error("view %s declares no roles: refused", request.endpoint)
        abort(403)
    if admits is PUBLIC:
        return None
    if not current_user.is_authenticated:
        if is_api_request():
            abort(401)  # a program is told, not sent to a sign-in page
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
    if current_user.role not in admits:
        abort(403)
    return None


def init_access(app: Flask) -> None:
    """Check every request against the roles its view admits."""
    app.before_request(_check_access)


def can(role: str | None, action: str) -> bool:
    """Tell whether a role may do one of the triage actions (for templates and services)."""
    return role in ACTIONS.get(action, ())


# What each triage action needs, in one table the views, templates and tests read.
ACTIONS = {
    "triage": STAFF,            # change status, comment, propose a closure
    "assign": ("supervisor",),  # assign to anyone; officers may take an alert themselves
    "take": STAFF,
    "approve": ("supervisor",),
    "reopen": ("supervisor",),
    "suppress": ("supervisor",),
    "download": STAFF,          # original files of evidence
    "export": READERS,
}
