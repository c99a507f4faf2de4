"""Per-application services (database, catalogue) bound inside the factory."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import Database

if TYPE_CHECKING:
    from app.catalogue import Catalogue

EXTENSION_KEY = "vigia"


@dataclass
class Vigia:
    """Everything the application holds beyond Flask's own configuration."""

    settings: Settings
    db: Database
    _catalogue: Catalogue | None = field(default=None, repr=False)

    @property
    def catalogue(self) -> Catalogue:
        """Return the substance catalogue, loading it (with national additions) once."""
        if self._catalogue is None:
            from app.catalogue import load_catalogue

            self._catalogue = load_catalogue(national_catalogue_paths(self.settings))
        return self._catalogue


def national_catalogue_paths(settings: Settings) -> list[Path]:
    """Return the national substance files kept in the instance folder."""
    folder = settings.instance_path / "catalogue"
    if not folder.is_dir():
        return []
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


def init_extensions(app: Flask, settings: Settings) -> None:
    """Create the database handle and the request-scoped session hooks."""
    app.extensions[EXTENSION_KEY] = Vigia(settings=settings, db=Database(settings.database_url,
                                                   lock_timeout=settings.lock_timeout))

    @app.after_request
    def _commit(response):
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            try:
                if response.status_code < 400:
                    session.commit()
                else:
                    session.rollback()
            finally:
                session.close()
        return response

    @app.teardown_request
    def _close(_exc):
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            session.rollback()
            session.close()


def vigia(app: Flask | None = None) -> Vigia:
    """Return the Vigía services of the given (or current) application."""
    return (app or current_app).extensions[EXTENSION_KEY]


def request_session() -> Session:
    """Return the session of the current request; the request commits it once at the end."""
    if "db_session" not in g:
        g.db_session = vigia().db.sessionmaker()
    return g.db_session
