"""What every `vigia` command shares: a failure in one line, a date option, the schema check.

A leaf of the command line: the commands of every package import it, and it imports
nothing of the stages (app/cli.py registers the commands; this module only serves them).
"""

from __future__ import annotations

import sys
from datetime import date

import click
from flask import Flask


def fail(message: str) -> None:
    """Print a one-line reason and exit non-zero."""
    click.secho(f"error: {message}", fg="red", err=True)
    sys.exit(1)


def parse_day(option: str, text: str | None) -> date | None:
    """Return the date of a YYYY-MM-DD option value; raise ValueError naming the option."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{option}: '{text}' is not a date (write it as YYYY-MM-DD)") from None


def ensure_schema(app: Flask, *, create: bool = False) -> None:
    """Build the embedded database on first use; refuse to run on an outdated schema.

    `create` also builds an empty PostgreSQL database (the demo, given a DATABASE_URL).
    """
    from app.extensions import vigia
    from app.migrate import current_revision, head_revision, upgrade

    engine = vigia(app).db.engine
    current = current_revision(engine)
    if current == head_revision():
        return
    if current is None and (create or engine.dialect.name == "sqlite"):
        upgrade(engine)
        return
    fail(f"the database is at revision {current or 'none'}, the code needs {head_revision()}: "
         "run `vigia init`")
