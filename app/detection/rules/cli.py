"""`rules` commands: check rule files, backtest a change against the rules in force."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.console import ensure_schema, fail, parse_day
from app.detection.rules.loader import load_rules
from app.detection.rules.model import RuleFileError


@click.group("rules")
def rules_group() -> None:
    """Work with rule files."""


@rules_group.command("check")
@click.argument("directory", required=False, default="rules",
                type=click.Path(file_okay=False, path_type=Path))
@click.option("--catalogue", "catalogue_paths", multiple=True,
              type=click.Path(exists=True, path_type=Path),
              help="National catalogue file or folder adding substances (repeatable).")
def check_command(directory: Path, catalogue_paths: tuple[Path, ...]) -> None:
    """Validate the rule files of DIRECTORY (default: rules); exit non-zero on any error."""
    from app.catalogue.loader import load_catalogue

    try:
        ruleset = load_rules(directory, catalogue=load_catalogue(catalogue_paths))
    except RuleFileError as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        click.secho(f"error: {len(exc.errors)} problem(s) in the rule files of {directory}",
                    fg="red", err=True)
        sys.exit(1)
    modes = [rule.mode for rule in ruleset.rules]
    click.echo(f"{len(ruleset.rules)} rules in {len(ruleset.files)} files are valid "
               f"({modes.count('active')} active, {modes.count('monitor')} monitor, "
               f"{modes.count('inactive')} inactive); content hash {ruleset.content_hash[:12]}")


@rules_group.command("backtest")
@click.argument("directory", required=False, default=None,
                type=click.Path(file_okay=False, path_type=Path))
@click.option("--in-force", "in_force_dir", default=None,
              type=click.Path(file_okay=False, path_type=Path),
              help="Rules to compare with (default: the rules in force, VIGIA_RULES_DIR).")
@click.option("--as-of", default=None, metavar="YYYY-MM-DD",
              help="Evaluate as on this day (default: today).")
@click.option("--since", default=None, metavar="YYYY-MM-DD",
              help="Only alerts whose window ends on or after this day, as `vigia detect`.")
@click.option("--rule", "rule_ids", multiple=True, help="Only this rule id (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@with_appcontext
def backtest_command(directory: Path | None, in_force_dir: Path | None, as_of: str | None,
                     since: str | None, rule_ids: tuple[str, ...], fmt: str) -> None:
    """Show what the rule files of DIRECTORY would raise on the stored history, against the
    rules in force, rule by rule (without DIRECTORY: what the rules in force raise). Writes
    nothing to the database."""
    from app.extensions import vigia
    from app.regulation.backtest import BacktestSchema, backtest_lines
    from app.regulation.backtest_service import run_backtest

    services = vigia()
    try:
        day = parse_day("--as-of", as_of) or date.today()
        start = parse_day("--since", since)
    except ValueError as exc:
        fail(str(exc))
    if start is not None and start > day:
        fail(f"--since {start} is after --as-of {day}")
    in_force_dir = in_force_dir or services.settings.rules_dir
    directory = directory or in_force_dir
    ensure_schema(current_app)
    with services.db.sessionmaker() as session:
        try:
            backtest = run_backtest(
                session=session, catalogue=services.catalogue, proposed_dir=directory,
                in_force_dir=in_force_dir, as_of=day, home_country=services.settings.home_country,
                since=start, rule_ids=rule_ids)
        except RuleFileError as exc:
            for error in exc.errors:
                click.echo(str(error), err=True)
            fail(f"{len(exc.errors)} problem(s) in the rule files; nothing was compared")
        except ValueError as exc:
            fail(str(exc))
        finally:
            session.rollback()  # a backtest only reads
    if fmt == "json":
        click.echo(json.dumps(BacktestSchema().dump(backtest), indent=2, ensure_ascii=False))
    else:
        for text in backtest_lines(backtest, proposed_dir=directory, in_force_dir=in_force_dir):
            click.echo(text)
    if backtest.errors:
        fail(f"{len(backtest.errors)} rule(s) failed to evaluate: {'; '.join(backtest.errors)}")
