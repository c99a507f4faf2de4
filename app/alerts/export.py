"""Alert export: the alerts an officer asks for, as rows for a spreadsheet (interfaces §6)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from marshmallow import Schema, fields
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.alerts.models import ALERT_STATUSES, OPEN_STATUSES, Alert
from app.catalogue.models import UnknownSubstance
from app.exports import write_table
from app.registry.models import Operator
from lexicon.severities import SEVERITIES
from lexicon.text import identifier_key

if TYPE_CHECKING:
    from app.catalogue.catalogue import Catalogue

# The columns of interfaces §6, in order, then the extra ones an officer finds useful.
REQUIRED_COLUMNS = (
    "alert_id", "rule_id", "kind", "severity", "score", "licence_no", "tax_id", "substance",
    "period_start", "period_end", "status", "summary",
)
EXTRA_COLUMNS = (
    "operator_name", "substance_name", "detector", "queue", "rule_version", "observed",
    "expected",
    "times_seen", "assignee", "first_raised_at", "last_seen_at",
)
COLUMNS = REQUIRED_COLUMNS + EXTRA_COLUMNS
# `--status open` stands for every status an officer still has to act on.
STATUS_GROUPS = {"open": OPEN_STATUSES}
CHUNK = 1000


@dataclass(frozen=True)
class AlertFilters:
    """Which alerts to export; an empty tuple or None means no restriction."""

    statuses: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    min_severity: str | None = None
    rule_ids: tuple[str, ...] = ()
    licence_nos: tuple[str, ...] = ()
    substance_codes: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    min_score: int | None = None
    queues: tuple[str, ...] = ()


class Value(fields.Field):
    """A value passed through as it is (dates stay dates, so XLSX gets real date cells)."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return value


class AlertExportRowSchema(Schema):
    """One row of the alert export, in the column order of interfaces §6."""

    alert_id = fields.Integer(attribute="id")
    rule_id = fields.String()
    kind = fields.String()
    severity = fields.String()
    score = fields.Integer()
    licence_no = fields.String(allow_none=True)
    tax_id = fields.String(allow_none=True)
    substance = fields.String(allow_none=True)
    period_start = Value()
    period_end = Value()
    status = fields.String()
    summary = fields.String()
    operator_name = fields.String(allow_none=True)
    substance_name = fields.String(allow_none=True)
    detector = fields.String()
    queue = fields.String()
    rule_version = fields.Integer()
    observed = fields.Float(allow_none=True)
    expected = fields.Float(allow_none=True)
    times_seen = fields.Integer()
    assignee = fields.String(allow_none=True)
    first_raised_at = Value()
    last_seen_at = Value()


def expand_statuses(statuses: Iterable[str]) -> tuple[str, ...]:
    """Return the triage statuses named, with `open` standing for every open status."""
    expanded: list[str] = []
    for status in statuses:
        name = status.strip().lower()
        if name not in STATUS_GROUPS and name not in ALERT_STATUSES:
            raise ValueError(f"unknown status '{status}' "
                             f"(use open or one of {', '.join(ALERT_STATUSES)})")
        for one in STATUS_GROUPS.get(name, (name,)):
            if one not in expanded:
                expanded.append(one)
    return tuple(expanded)


def resolve_substances(catalogue: Catalogue, texts: Iterable[str]) -> tuple[str, ...]:
    """Return the catalogue codes of substances given by CAS, code or name; raise ValueError."""
    codes: list[str] = []
    for text in texts:
        try:
            resolution = catalogue.resolve(text)
        except UnknownSubstance as exc:
            raise ValueError(f"--substance: {exc}") from exc
        if resolution.substance.code not in codes:
            codes.append(resolution.substance.code)
    return tuple(codes)


def alerts_query(filters: AlertFilters, *, catalogue: Catalogue) -> Select:
    """Return the select of the filtered alerts, most urgent first (the queue's order)."""
    query = select(Alert)
    if filters.statuses:
        query = query.where(Alert.status.in_(filters.statuses))
    severities = set(filters.severities)
    if filters.min_severity:
        at_least = SEVERITIES[SEVERITIES.index(filters.min_severity):]
        severities = (severities & set(at_least)) if severities else set(at_least)
    if filters.severities or filters.min_severity:
        query = query.where(Alert.severity.in_(sorted(severities)))
    if filters.rule_ids:
        query = query.where(Alert.rule_id.in_(filters.rule_ids))
    if filters.licence_nos:
        query = query.where(Alert.licence_no.in_(filters.licence_nos))
    if filters.substance_codes:
        # An alert names its substance by catalogue code; accept a CAS number stored too.
        stored = set(filters.substance_codes)
        stored.update(catalogue.get(code).cas for code in filters.substance_codes)
        query = query.where(Alert.substance_code.in_(sorted(stored)))
    if filters.since:
        query = query.where(Alert.period_end >= filters.since)
    if filters.until:
        query = query.where(Alert.period_start <= filters.until)
    if filters.min_score is not None:
        query = query.where(Alert.score >= filters.min_score)
    if filters.queues:
        query = query.where(Alert.queue.in_(filters.queues))
    return query.order_by(Alert.score.desc(), Alert.id)


def alert_rows(*, session: Session, catalogue: Catalogue,
               filters: AlertFilters) -> list[dict[str, Any]]:
    """Return the export rows (plain dicts, columns of COLUMNS) of the filtered alerts."""
    return rows_of(session=session, catalogue=catalogue,
                   query=alerts_query(filters, catalogue=catalogue))


def rows_of(*, session: Session, catalogue: Catalogue, query: Select) -> list[dict[str, Any]]:
    """Return the export rows of the alerts a select names (the queue's filter too)."""
    alerts = list(session.scalars(query))
    names = _operator_names(session, alerts)
    schema = AlertExportRowSchema()
    rows = []
    for alert in alerts:
        substance = _substance(catalogue, alert.substance_code)
        attributes = (field.attribute or name for name, field in schema.fields.items())
        values = {attribute: getattr(alert, attribute, None) for attribute in attributes}
        values.update(
            substance=substance.cas if substance else alert.substance_code,
            substance_name=substance.name if substance else None,
            operator_name=_operator_name(names, alert),
        )
        rows.append(schema.dump(values))
    return rows


def export_alerts(*, session: Session, catalogue: Catalogue, filters: AlertFilters,
                  output: Path, fmt: str) -> int:
    """Write the filtered alerts to a CSV or XLSX file; return how many were written."""
    rows = alert_rows(session=session, catalogue=catalogue, filters=filters)
    return write_table(output, fmt=fmt, columns=COLUMNS, rows=rows, sheet="alerts")


def _operator_names(session: Session, alerts: list[Alert]) -> dict[str, str]:
    """Return the legal name of each party the alerts name, by licence and by tax id key."""
    licences = sorted({a.licence_no for a in alerts if a.licence_no})
    tax_keys = sorted({identifier_key(a.tax_id) for a in alerts if a.tax_id and not a.licence_no})
    names: dict[str, str] = {}
    for column, values, prefix in ((Operator.licence_no, licences, "licence:"),
                                   (Operator.tax_id_key, tax_keys, "tax:")):
        for start in range(0, len(values), CHUNK):  # IN lists within every backend's limit
            query = select(column, Operator.legal_name).where(
                column.in_(values[start:start + CHUNK]))
            names.update((prefix + key, name) for key, name in session.execute(query))
    return names


def _operator_name(names: dict[str, str], alert: Alert) -> str | None:
    """Return the registered name of the alert's party: by licence, else by tax id."""
    if alert.licence_no:
        return names.get("licence:" + alert.licence_no)
    if alert.tax_id:
        return names.get("tax:" + identifier_key(alert.tax_id))
    return None


def _substance(catalogue: Catalogue, code: str | None):
    """Return the catalogue substance of a stored code or CAS, or None when unknown."""
    if not code:
        return None
    try:
        return catalogue.get(code)
    except KeyError:
        return None
