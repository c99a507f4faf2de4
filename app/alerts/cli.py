"""`alerts` commands: export the alert queue to CSV or XLSX."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.alerts.models import QUEUES
from app.console import ensure_schema, fail, parse_day
from lexicon.severities import SEVERITIES


@click.group("alerts")
def alerts_group() -> None:
    """Work with alerts."""


@alerts_group.command("export")
@click.option("--format", "fmt", default=None, metavar="csv|xlsx",
              help="File format (default: from the output file's suffix).")
@click.option("--output", "-o", required=True, type=click.Path(path_type=Path),
              help="File to write (replaced if it exists).")
@click.option("--status", "statuses", multiple=True,
              help="Triage status (repeatable); 'open' = open, in_review and escalated. "
                   "Default: every status.")
@click.option("--severity", "severities", multiple=True, type=click.Choice(SEVERITIES),
              help="Exact severity (repeatable).")
@click.option("--min-severity", type=click.Choice(SEVERITIES), default=None,
              help="This severity or higher.")
@click.option("--rule", "rule_ids", multiple=True, help="Rule or detector id (repeatable).")
@click.option("--licence", "licence_nos", multiple=True, help="Licence number (repeatable).")
@click.option("--substance", "substances", multiple=True,
              help="Substance by CAS number, code or name (repeatable).")
@click.option("--since", default=None, metavar="YYYY-MM-DD",
              help="Alerts whose period ends on or after this date.")
@click.option("--until", default=None, metavar="YYYY-MM-DD",
              help="Alerts whose period starts on or before this date.")
@click.option("--min-score", type=click.IntRange(0, 100), default=None,
              help="Only alerts with at least this score.")
@click.option("--queue", "queues", multiple=True, type=click.Choice(QUEUES),
              help="diversion (the alerts officers triage) or administrative (overdue "
                   "declarations and other notices); repeatable. Default: both.")
@with_appcontext
def export_command(fmt, output, statuses, severities, min_severity, rule_ids, licence_nos,
                   substances, since, until, min_score, queues) -> None:
    """Export alerts, most urgent first, as CSV (UTF-8 with BOM) or XLSX."""
    from app.alerts.export import AlertFilters, expand_statuses, export_alerts, resolve_substances
    from app.exports import ExportError, check_writable, export_format
    from app.extensions import vigia

    services = vigia()
    try:
        chosen = export_format(fmt, output)
        check_writable(output)
        filters = AlertFilters(
            statuses=expand_statuses(statuses), severities=tuple(severities),
            min_severity=min_severity, rule_ids=tuple(rule_ids), licence_nos=tuple(licence_nos),
            substance_codes=resolve_substances(services.catalogue, substances),
            since=parse_day("--since", since), until=parse_day("--until", until),
            min_score=min_score, queues=tuple(queues),
        )
    except (ExportError, ValueError) as exc:
        fail(str(exc))
    if filters.since and filters.until and filters.since > filters.until:
        fail(f"--since {filters.since} is after --until {filters.until}")
    ensure_schema(current_app)
    with services.db.sessionmaker() as session:
        try:
            written = export_alerts(session=session, catalogue=services.catalogue,
                                    filters=filters, output=output, fmt=chosen)
        except ExportError as exc:
            fail(str(exc))
    click.echo(f"{written} alerts written to {output}")
