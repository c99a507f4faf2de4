"""Set up the JSON API: flask-smorest, bearer tokens, JSON errors, CSRF only for cookies."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api
from flask_smorest.spec.plugins import integerconverter2paramschema
from werkzeug.exceptions import HTTPException

from app.api.errors import ErrorSchema, error_response, is_api_request
from app.web.routing import BoundedIntegerConverter

API_VERSION = "1"


class VigiaApi(Api):
    """flask-smorest's Api with Vigía's error body, and only the errors each operation names."""

    ERROR_SCHEMA = ErrorSchema
    DEFAULT_ERROR_RESPONSE_NAME = None  # each operation lists its own error statuses

    def _register_error_handlers(self):
        """Answer HTTP errors under /api/ in JSON; leave the pages' errors to the pages."""
        self._app.register_error_handler(HTTPException, _http_error)


def _http_error(error: HTTPException):
    """Return the JSON error under /api/, Flask's own answer elsewhere."""
    if is_api_request():
        return error_response(error)
    return error


def init_api(app: Flask) -> Api:
    """Attach the API blueprints, the spec and the docs; read bearer tokens."""
    from app.api import alerts, declarations, pages, rules
    from app.web.security import csrf

    app.config.update(
        API_TITLE="Vigía API", API_VERSION=API_VERSION, OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=None,  # the spec and its page are served by app.api.pages
        API_SPEC_OPTIONS={
            "info": {"description": "Declarations, alerts, rules and detection runs of "
                                    "Vigía. See docs/api.md."},
            "components": {"securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "an API token made on the API tokens page"},
                "session": {"type": "apiKey", "in": "cookie", "name": "vigia_session"},
            }},
            "security": [{"bearer": []}, {"session": []}],
        },
    )
    api = VigiaApi(app)
    api.register_converter(BoundedIntegerConverter, integerconverter2paramschema)
    for module in (declarations, alerts, rules):
        csrf.exempt(module.blp)  # checked by common.session_csrf, for cookie sign-ins only
        api.register_blueprint(module.blp)
    app.register_blueprint(pages.bp)
    app.login_manager.request_loader(_bearer_user)
    app.extensions["vigia_api"] = api
    return api


def _bearer_user(req):
    """Return the user an `Authorization: Bearer` token names, on API requests only."""
    from app.api.tokens_auth import user_from_bearer

    if not req.path.startswith("/api/"):
        return None
    return user_from_bearer(req.headers.get("Authorization", ""))
