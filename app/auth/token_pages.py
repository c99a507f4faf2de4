"""Making and revoking API tokens from a page: what the portal's and the staff's pages share."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import tokens
from app.extensions import request_session


def make_token(*, list_endpoint: str, show: Callable):
    """Make a token for the signed-in user from the form; show its secret on this answer only."""
    try:
        new = tokens.create_token(session=request_session(), user_id=current_user.id,
                                  name=request.form.get("name", ""),
                                  created_by=current_user.email)
    except tokens.TokenError as problem:
        flash(_("The token was not made: %(reason)s", reason=str(problem)), "error")
        return redirect(url_for(list_endpoint))
    return show(new)


def revoke(*, token_id: int, user_ids: list[int], list_endpoint: str):
    """Revoke a token of one of these users (404 for any other), then go back to the list."""
    try:
        tokens.revoke_token(session=request_session(), token_id=token_id, user_ids=user_ids,
                            revoked_by=current_user.email)
    except tokens.TokenError:
        abort(404)
    flash(_("Token revoked: programs using it are refused from now on."), "info")
    return redirect(url_for(list_endpoint))
