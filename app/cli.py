"""The `vigia` console command: thin wrappers over the services."""

from __future__ import annotations

import getpass
import sys
from datetime import date
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext

from app.console import ensure_schema, fail

FEED_COMMANDS = {
    "registry": "registry",
    "declarations": "declarations",
    "customs": "customs",
    "baselines": "baselines",
    "export-notifications": "export_notifications",
}
# Commands kept in modules that import pandas or scipy: imported only when one is run (or its
# own help is asked for), so that `vigia --help` and `vigia import --help` start at once.
# The short help shown by `vigia --help` is written here; a test keeps it equal to the
# command's own.
LAZY_COMMANDS = {
    "detect": ("app.detection.cli:detect_command",
               "Run every active and monitor rule over stored data; raise or refresh alerts."),
    "rules": ("app.detection.rules.cli:rules_group", "Work with rule files."),
    "alerts": ("app.alerts.cli:alerts_group", "Work with alerts."),
    "users": ("app.auth.cli:users_group", "Create and list the users of the web workspace."),
    "audit": ("app.auth.cli:audit_group", "Check the audit trail of alert events."),
    "scheduler": ("app.scheduler.cli:scheduler_command",
                  "Run the scheduled jobs in this process, one scheduler at a time."),
}


# Commands that neither serve pages nor build links to them: their application is built
# without the pages and the API (`create_app(web=False)`), 2 s of every command's start.
CONSOLE_COMMANDS = frozenset({"init", "status", "import", "detect", "rules", "alerts", "users",
                              "audit"})
_COMMAND = "vigia.command"  # where VigiaGroup notes the command run, in the context's meta


def _create_app() -> Flask:
    from app import create_app

    command = click.get_current_context(silent=True)
    name = command.find_root().meta.get(_COMMAND) if command is not None else None
    return create_app(web=name not in CONSOLE_COMMANDS)


def lazy_command(name: str) -> click.Command:
    """Import and return the command a LAZY_COMMANDS entry names."""
    from importlib import import_module

    module, attribute = LAZY_COMMANDS[name][0].split(":")
    return getattr(import_module(module), attribute)


def short_help(text: str, limit: int) -> str:
    """Return a command's help cut as click cuts it in a listing."""
    return click.Command(None, help=text).get_short_help_str(limit)


class LazyCommands:
    """A command group whose LAZY_COMMANDS are imported when one is run, not when listed."""

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        """Return a command, importing a lazy one's module only now."""
        if name in LAZY_COMMANDS:
            return lazy_command(name)
        return super().get_command(ctx, name)


class VigiaGroup(LazyCommands, FlaskGroup):
    """The console command: an environmental failure ends it with one line and exit status 1.

    An unreachable database, a lock timeout or a full disk is said in one line naming what
    failed and what to do; the traceback goes to the instance folder's log file (and to the
    screen with `vigia --debug ...`). The application is built only when a command needs it
    (`with_appcontext`), and the commands of LAZY_COMMANDS are imported only when run: help
    and the list of commands cost no application, pandas or scipy.
    """

    def resolve_command(self, ctx: click.Context, args: list[str]):
        """Find the command to run; note its name (its application may leave out the pages)."""
        name, command, rest = super().resolve_command(ctx, args)
        ctx.meta[_COMMAND] = name
        return name, command, rest

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Return the commands' names without building the application."""
        self._load_plugin_commands()
        return sorted({*self.commands, *LAZY_COMMANDS})

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the commands, the lazy ones by their help in LAZY_COMMANDS (not imported)."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(map(len, names))
        rows = []
        for name in names:
            if name in LAZY_COMMANDS:
                rows.append((name, short_help(LAZY_COMMANDS[name][1], limit)))
            elif (command := self.commands.get(name)) is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context):
        """Run the command; turn any failure it does not handle into one line."""
        from flask.cli import ScriptInfo
        from flask.helpers import get_debug_flag

        from app.errors import log_to_file, report, say_waits_on_console

        state: dict = {"log_path": None, "lock_timeout": None}
        info = ctx.ensure_object(ScriptInfo)
        build = info.create_app

        def build_and_log() -> Flask:
            from app.extensions import vigia

            app = build()
            settings = vigia(app).settings
            state.update(log_path=log_to_file(settings.instance_path),
                         lock_timeout=settings.lock_timeout)
            return app

        if build is not None:
            info.create_app = build_and_log
        try:
            say_waits_on_console()
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit,
                KeyboardInterrupt):
            raise
        except Exception as exc:
            line = report(exc, debug=get_debug_flag(), log_path=state["log_path"],
                          lock_timeout=state["lock_timeout"])
            click.secho(f"error: {line}", fg="red", err=True)
            sys.exit(1)


@click.group(cls=VigiaGroup, create_app=_create_app, add_default_commands=True,
             add_version_option=False)
def main() -> None:
    """Vigía: precursor-chemical diversion monitoring."""


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create the database, or upgrade it to the newest schema."""
    from app.extensions import vigia
    from app.migrate import current_revision, upgrade

    engine = vigia().db.engine
    before = current_revision(engine)
    upgrade(engine)
    after = current_revision(engine)
    where = engine.url.render_as_string(hide_password=True)
    if before == after:
        click.echo(f"database {where} is up to date (revision {after})")
    else:
        click.echo(f"database {where} upgraded from {before or 'empty'} to revision {after}")


@click.command("status")
@with_appcontext
def status_command() -> None:
    """Count what is stored; check that every batch's original file is kept."""
    from app.extensions import vigia
    from app.status import installation_status, status_lines

    services = vigia()
    ensure_schema(current_app)
    with services.db.sessionmaker() as session:
        status = installation_status(session=session,
                                     upload_folder=services.settings.upload_folder)
    for line in status_lines(status):
        click.echo(line)
    if status.originals_missing:
        fail(f"{len(status.originals_missing):,} kept original(s) missing from "
             f"{services.settings.upload_folder}: restore the originals folder")


@click.group("import")
def import_group() -> None:
    """Import files of one feed (CSV or XLSX)."""


def _import_command(feed: str) -> click.Command:
    """Build the `vigia import <feed>` command for one feed."""

    @click.command(FEED_COMMANDS_INV[feed], help=f"Import {feed.replace('_', ' ')} files.")
    @click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
    @click.option("--by", "submitted_by", default=None,
                  help="Who sent the files (default: the current system user).")
    @click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                  help="Date the registry changes take effect (default: today).")
    @click.option("--max-errors", default=50, show_default=True,
                  help="How many rejected rows to print per file (all are stored).")
    @with_appcontext
    def command(files: tuple[Path, ...], submitted_by: str | None, as_of, max_errors: int) -> None:
        from app.intake.cli import run_imports
        from app.intake.service import check_submitter

        try:
            who = check_submitter(submitted_by or getpass.getuser())
        except ValueError as exc:
            fail(str(exc))
        ensure_schema(current_app)
        ok = run_imports(
            feed=feed, files=list(files), submitted_by=who,
            as_of=as_of.date() if as_of else date.today(), max_errors=max_errors,
        )
        if not ok:
            sys.exit(1)

    return command


FEED_COMMANDS_INV = {v: k for k, v in FEED_COMMANDS.items()}


def cookie_policy(app: Flask, host: str) -> None:
    """Keep session cookies Secure unless served on this machine's loopback over HTTP.

    Loopback traffic never leaves the machine; elsewhere a Secure cookie needs HTTPS in
    front of Vigía (or VIGIA_SECURE_COOKIES=0 on a closed network).
    """
    if not app.config.get("SESSION_COOKIE_SECURE"):
        return
    if host in ("127.0.0.1", "localhost", "::1") or host.startswith("127."):
        app.config.update(SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False)
        return
    click.echo("note: session cookies are sent over HTTPS only: serve Vigía behind HTTPS, or "
               "set VIGIA_SECURE_COOKIES=0 on a closed network")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@with_appcontext
def serve_command(host: str, port: int, threads: int) -> None:
    """Serve the web UI with a production WSGI server (waitress)."""
    from waitress import serve

    from app import add_web_areas
    from app.logs import log_to_stdout

    app = current_app._get_current_object()
    add_web_areas(app)
    ensure_schema(app)
    cookie_policy(app, host)
    log_to_stdout()
    click.echo(f"Vigía is serving on http://{host}:{port}/  (Ctrl+C to stop)")
    serve(app, host=host, port=port, threads=threads)


@click.command("demo")
@click.option("--no-serve", is_flag=True, help="Load the demo country, then stop.")
@click.option("--seed", default=7, show_default=True, help="Seed of the generated country.")
@click.option("--operators", default=300, show_default=True)
@click.option("--months", default=24, show_default=True)
# The levels of demo.bookkeeping.LEVELS, not imported here: demo loads pandas.
@click.option("--habits", type=click.Choice(["none", "usual", "heavy"]), default="usual",
              show_default=True, help="How messily the demo operators keep their books.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def demo_command(no_serve: bool, seed: int, operators: int, months: int, habits: str,
                 host: str, port: int) -> None:
    """Load a realistic demo country into the database, then serve the UI."""
    from app.extensions import vigia
    from app.intake.cli import print_outcome
    from app.pipeline import run_demo

    app = current_app._get_current_object()
    ensure_schema(app, create=True)
    services = vigia(app)
    out_dir = services.settings.instance_path / f"demo-country-{seed}-{habits}"
    report = run_demo(
        services, out_dir=out_dir, seed=seed, operators=operators, months=months, habits=habits,
        say=lambda message: click.echo(f"demo: {message}"),
        on_outcome=lambda outcome: print_outcome(outcome, max_errors=3),
    )
    click.echo(f"demo: {len(report.outcomes)} files, {report.rows_stored:,} rows stored")
    if report.detection is not None:
        from app.alerts.service import alert_counts
        from app.detection.cli import run_summary

        for line in run_summary(report.detection):
            click.echo(f"demo: {line.strip()}")
        with services.db.session() as session:
            counts = alert_counts(session=session, run_id=report.detection.id)
        click.echo("demo: alerts by detector: " + (", ".join(
            f"{detector} {count}" for detector, count in counts.items()) or "none"))
    from app.auth.demo import create_demo_users

    with services.db.session() as session:
        sign_ins = create_demo_users(session=session)
        company = _company_of(session)
    click.echo("demo: sign in at /sign-in as (email / password):")
    for email, role, password in sign_ins:
        bound = f"  (portal of {company})" if role == "company" and company else ""
        click.echo(f"demo:   {role:<10} {email} / {password}{bound}")
    if not no_serve:
        from waitress import serve

        from app import add_web_areas

        add_web_areas(app)
        cookie_policy(app, host)
        click.echo(f"Vigía is serving on http://{host}:{port}/  (Ctrl+C to stop)")
        serve(app, host=host, port=port, threads=8)


def _company_of(session) -> str | None:
    """Return 'LIC (name)' of the operator the demo's company user is bound to."""
    from sqlalchemy import select

    from app.auth.models import User
    from app.registry.models import Operator

    licence = session.scalar(select(User.licence_no).where(User.email == "company@demo.vigia"))
    name = session.scalar(select(Operator.legal_name).where(Operator.licence_no == licence))
    return f"{licence} {name}" if licence else None


for _feed in FEED_COMMANDS.values():
    import_group.add_command(_import_command(_feed))
for _command in (init_command, import_group, serve_command, demo_command, status_command):
    main.add_command(_command)


class LazyAppGroup(LazyCommands, AppGroup):
    """An application's own commands (`flask --app wsgi ...`), LAZY_COMMANDS imported when run.

    Importing them all to attach them cost every command's start 0.9 s (the rules' modules
    and scipy), `vigia import` and `vigia status` included.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Return the commands' names, the lazy ones without importing them."""
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})


def register(app: Flask) -> None:
    """Attach Vigía's commands to an application's CLI (`flask --app wsgi ...`)."""
    group = LazyAppGroup(app.cli.name)
    group.commands.update(app.cli.commands)
    app.cli = group
    for command in (init_command, import_group, serve_command, demo_command, status_command):
        app.cli.add_command(command)
