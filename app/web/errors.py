"""Error pages in the reader's language (never a stack trace)."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from app.api.errors import ApiError, error_response, is_api_request


def init_errors(app: Flask) -> None:
    """Answer refusals and missing pages with a page in the site's layout."""

    def page(code: int, title: str, message: str, error=None):
        if is_api_request():  # the JSON API answers in JSON, never with a page
            return error_response(error if error is not None else ApiError(code, message))
        return render_template("web/error.html", code=code, title=title, message=message), code

    @app.errorhandler(403)
    def _forbidden(error):
        return page(403, _("Not for your role"),
                    _("Your account may not see or do this. Ask a supervisor or an administrator "
                      "if you need it."), error)

    @app.errorhandler(404)
    def _missing(error):
        return page(404, _("Not found"), _("There is nothing at this address."), error)

    @app.errorhandler(413)
    def _too_large(error):
        return page(413, _("File too large"),
                    _("The file is larger than this server takes. Split it (one file per "
                      "month, for instance) and send the parts."), error)

    @app.errorhandler(CSRFError)
    def _csrf(_error):
        if is_api_request():
            return error_response(ApiError(
                403, "A request signed in by the session cookie must send the X-CSRFToken "
                "header; programs should send an API token instead.", code="csrf"))
        return page(400, _("The form expired"),
                    _("The page was open too long or came from elsewhere. Go back, reload the "
                      "page and send the form again."))
