"""Error pages in the reader's language (never a stack trace)."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError


def init_errors(app: Flask) -> None:
    """Answer refusals and missing pages with a page in the site's layout."""

    def page(code: int, title: str, message: str):
        return render_template("web/error.html", code=code, title=title, message=message), code

    @app.errorhandler(403)
    def _forbidden(_error):
        return page(403, _("Not for your role"),
                    _("Your account may not see or do this. Ask a supervisor or an administrator "
                      "if you need it."))

    @app.errorhandler(404)
    def _missing(_error):
        return page(404, _("Not found"), _("There is nothing at this address."))

    @app.errorhandler(CSRFError)
    def _csrf(_error):
        return page(400, _("The form expired"),
                    _("The page was open too long or came from elsewhere. Go back, reload the "
                      "page and send the form again."))
