"""`vigia users create|list`: thin wrappers over the users service."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from app.auth.models import ROLES
from app.console import ensure_schema, fail
from app.extensions import vigia


@click.group("users")
def users_group() -> None:
    """Create and list the users of the web workspace."""


@users_group.command("create")
@click.option("--email", required=True, help="The user's email (the sign-in name).")
@click.option("--role", required=True, type=click.Choice(ROLES), help="What the user may do.")
@click.option("--licence", "licence_no", default=None, help="Company users: their licence.")
@click.option("--name", default="", help="Name shown in the workspace.")
@with_appcontext
def create_command(email: str, role: str, licence_no: str | None, name: str) -> None:
    """Create a user; the password is asked twice, or read from standard input."""
    from app.auth.service import UserError, create_user

    ensure_schema(current_app._get_current_object())
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        with vigia().db.session() as session:
            user = create_user(session=session, email=email, role=role, password=password,
                               name=name, licence_no=licence_no)
            click.echo(f"created {user.role} {user.email}"
                       + (f" for licence {user.licence_no}" if user.licence_no else ""))
    except UserError as problem:
        fail(str(problem))


@users_group.command("list")
@with_appcontext
def list_command() -> None:
    """List the users: role, email, name, active."""
    from app.auth.service import list_users

    with vigia().db.session() as session:
        for user in list_users(session=session):
            state = "" if user.active else "  (inactive)"
            click.echo(f"{user.role:<10} {user.email:<40} {user.name}{state}")


@click.group("audit")
def audit_group() -> None:
    """Check the audit trail of alert events."""


@audit_group.command("verify")
@with_appcontext
def verify_command() -> None:
    """Check every alert's hash chain of events; exit non-zero naming what does not hold."""
    from app.alerts.audit import verify_chains

    with vigia().db.session() as session:
        report = verify_chains(session=session)
    if report.ok:
        click.echo(f"audit: {report.events:,} events of {report.alerts:,} alerts; every chain "
                   "holds")
        return
    for problem in report.problems[:50]:
        click.secho(f"audit: {problem}", fg="red", err=True)
    click.secho(f"audit: {len(report.problems):,} problem(s) in {report.events:,} events of "
                f"{report.alerts:,} alerts", fg="red", err=True)
    sys.exit(1)
