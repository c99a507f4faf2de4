"""Signed-in sessions (Flask-Login): a session names its user by a token that a password
change invalidates."""

from __future__ import annotations

from flask import Flask
from flask_login import AnonymousUserMixin, LoginManager, UserMixin

from app.auth.service import Principal, load_principal


class SignedIn(UserMixin):
    """The signed-in user as Flask-Login and the templates see it."""

    def __init__(self, who: Principal) -> None:
        self.who = who
        self.id = who.id
        self.email = who.email
        self.role = who.role
        self.licence_no = who.licence_no
        self.language = who.language
        self.display = who.display

    def get_id(self) -> str:
        """Return the session token (user id and a stamp of the password)."""
        return self.who.token


class Anonymous(AnonymousUserMixin):
    """Nobody signed in: no role, no language."""

    role = None
    language = None
    email = None
    display = ""


def init_login(app: Flask) -> None:
    """Set up Flask-Login: sessions protected against theft, users loaded per request."""
    manager = LoginManager()
    manager.session_protection = "strong"
    manager.login_view = "auth.sign_in"
    manager.anonymous_user = Anonymous
    manager.login_message = None

    @manager.user_loader
    def _load(token: str):
        from app.extensions import request_session

        who = load_principal(session=request_session(), token=token)
        return SignedIn(who) if who else None

    manager.init_app(app)
