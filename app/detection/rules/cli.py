"""`rules` commands: check rule files (the lead registers the group on the app CLI)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

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
