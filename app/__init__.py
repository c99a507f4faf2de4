"""Vigía: precursor-chemical diversion monitoring."""

from __future__ import annotations

from typing import Any

from flask import Flask


def create_app(config: dict[str, Any] | None = None, *, web: bool = True) -> Flask:
    """Build and configure the Flask application; nothing is built at import time.

    `web=False` leaves out the pages and the API (`add_web_areas` adds them later): a
    console command that only imports or detects starts 2 s sooner without them.
    """
    from app.config import load_settings
    from app.extensions import init_extensions

    app = Flask(__name__, instance_relative_config=True)
    settings = load_settings(app.instance_path, config)
    app.instance_path = str(settings.instance_path)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        VIGIA_SETTINGS=settings,
        MAX_CONTENT_LENGTH=256 * 1024 * 1024,
        **settings.extra,
    )
    init_extensions(app, settings)
    if settings.proxy_hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = settings.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    if app.config.get("LOG_TO_STDOUT"):
        from app.logs import log_to_stdout

        log_to_stdout()
    init_web(app, settings)
    if web:
        add_web_areas(app)
    register_commands(app)
    return app


def add_web_areas(app: Flask) -> None:
    """Attach the pages and the API, once (an application built with `web=False` lacks them)."""
    if app.extensions.get("vigia_web"):
        return
    register_blueprints(app)
    register_api(app)
    app.extensions["vigia_web"] = True


def init_web(app: Flask, settings) -> None:
    """Sessions, roles, CSRF, security headers and languages of the web workspace."""
    from app.auth.access import init_access
    from app.auth.sessions import init_login
    from app.logs import init_request_log
    from app.web.errors import init_errors
    from app.web.i18n import init_i18n
    from app.web.routing import init_routing
    from app.web.security import init_security

    init_routing(app)
    init_security(app, secure_cookies=settings.secure_cookies and not app.config.get("TESTING"))
    init_login(app)
    init_access(app)
    init_i18n(app)
    init_errors(app)
    init_request_log(app)


def register_blueprints(app: Flask) -> None:
    """Attach every web area of the application."""
    from app.auth.views import bp as auth_bp
    from app.intake.views import bp as intake_bp
    from app.portal.views import bp as portal_bp
    from app.registry.views import bp as registry_bp
    from app.regulation.views import bp as regulation_bp
    from app.scheduler.views import bp as scheduler_bp
    from app.triage.views import bp as triage_bp
    from app.web.views import bp as web_bp

    for blueprint in (web_bp, auth_bp, triage_bp, registry_bp, intake_bp, regulation_bp,
                      portal_bp, scheduler_bp):
        app.register_blueprint(blueprint)


def register_api(app: Flask) -> None:
    """Attach the JSON API (OpenAPI 3 at /api/openapi.json) and its pages."""
    from app.api.extension import init_api

    init_api(app)


def register_commands(app: Flask) -> None:
    """Attach the console commands so `vigia` and `flask --app wsgi` share them."""
    from app.cli import register

    register(app)
