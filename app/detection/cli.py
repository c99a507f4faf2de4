"""`vigia detect`: run the rules over stored data and raise or refresh alerts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.console import ensure_schema, fail
from app.detection.models import DetectionRun

DATE = click.DateTime(formats=["%Y-%m-%d"])
STOPPED = ("failed",)


@click.command("detect")
@click.option("--since", type=DATE, default=None,
              help="First day of the detection window: alerts about earlier windows are not "
                   "raised (rules still read the history they need). Default: all history.")
@click.option("--as-of", type=DATE, default=None,
              help="Run date: data dated after it is not read (default: today).")
@click.option("--rules", "rules_dir", type=click.Path(path_type=Path), default=None,
              help="Folder of rule files (default: VIGIA_RULES_DIR, else the repository's "
                   "rules/ folder).")
@with_appcontext
def detect_command(since, as_of, rules_dir: Path | None) -> None:
    """Run every active and monitor rule over stored data; raise or refresh alerts."""
    from app.extensions import vigia
    from app.pipeline import detect

    app = current_app._get_current_object()
    ensure_schema(app)
    services = vigia(app)
    as_of_day = as_of.date() if as_of else date.today()
    since_day = since.date() if since else None
    if since_day is not None and since_day > as_of_day:
        fail(f"--since {since_day} is after --as-of {as_of_day}")
    folder = rules_dir or services.settings.rules_dir
    if not Path(folder).is_dir():
        fail(f"rules folder {folder} does not exist (set --rules or VIGIA_RULES_DIR)")
    run = detect(services, as_of=as_of_day, since=since_day, rules_dir=Path(folder))
    for line in run_summary(run):
        click.echo(line)
    if run.status in STOPPED:
        fail(run.message)


def run_summary(run: DetectionRun) -> list[str]:
    """Return the lines printed after a run: rows read, findings, alerts, seconds."""
    if run.status in STOPPED:
        return [f"detect: run #{run.id} failed after {run.seconds:.1f} s"]
    rows = run.rows_read or {}
    rules = run.rule_files.get("rules", []) if isinstance(run.rule_files, dict) else []
    evaluated = [r for r in rules if "skipped" not in r]
    lines = [
        f"detect: run #{run.id} as of {run.as_of}"
        + (f", window from {run.since}" if run.since else ""),
        f"  read {rows.get('lines', 0):,} declaration lines, {rows.get('customs', 0):,} customs "
        f"items, {rows.get('operators', 0):,} operators, "
        f"{rows.get('notifications', 0):,} export notifications",
        f"  {len(evaluated)} rules, {run.findings:,} findings; alerts: {run.alerts_raised:,} "
        f"raised, {run.alerts_refreshed:,} refreshed, {run.alerts_reopened:,} reopened "
        f"({run.message})",
        f"  {run.seconds:.1f} s",
    ]
    lines.extend(f"  warning: rule {r['id']} failed: {r['error']}" for r in evaluated
                 if "error" in r)
    return lines
