"""Vigía: precursor-chemical diversion monitoring."""

from __future__ import annotations

from typing import Any

from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build and configure the Flask application; nothing is built at import time."""
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
    register_blueprints(app)
    register_commands(app)
    return app


def register_blueprints(app: Flask) -> None:
    """Attach every web area of the application."""
    from app.web.views import bp as web_bp

    app.register_blueprint(web_bp)


def register_commands(app: Flask) -> None:
    """Attach the console commands so `vigia` and `flask --app wsgi` share them."""
    from app.cli import register

    register(app)
