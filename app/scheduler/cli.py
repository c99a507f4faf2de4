"""`vigia scheduler`: run the scheduled jobs in this process."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the scheduled jobs in this process, one scheduler at a time."""
    raise click.ClickException("not yet")
