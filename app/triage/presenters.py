"""What the triage templates show: queue rows, an alert's words and its chart, in the
reader's language (the views call these; templates never reach the database)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.alerts.models import Alert
from app.alerts.sentences import parse_wording, sentence, window_words
from app.detection.models import DetectionRun
from app.registry.models import Operator
from app.triage.dossier import Chart, Dossier
from app.triage.schemas import QueueRowSchema
from app.triage.service import is_overdue, review_due
from app.web.charts import Point, bar_chart, line_chart
from app.web.i18n import day, kg, language

MONTHS = {
    "es": ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def substance_name(catalogue, code: str | None) -> str | None:
    """Return a substance's name in the reader's language (the code when unknown)."""
    if not code:
        return None
    try:
        substance = catalogue.get(code)
    except KeyError:
        return code
    return substance.names.get(language()) or substance.name


def alert_sentence(alert: Alert, catalogue) -> str:
    """Return an alert's sentence in the reader's language."""
    return sentence(alert.wording, alert.summary, language(),
                    substance=substance_name(catalogue, alert.substance_code))


def queue_rows(alerts: list[tuple[Alert, str | None]], review_days: dict[str, int],
               catalogue=None) -> list[dict]:
    """Return the queue's rows as plain dicts (QueueRowSchema)."""
    from app.extensions import vigia

    catalogue = catalogue or vigia().catalogue
    now = datetime.now(UTC)
    schema = QueueRowSchema()
    return [schema.dump({
        "id": a.id, "severity": a.severity, "score": a.score, "status": a.status,
        "sentence": alert_sentence(a, catalogue), "operator": name, "licence_no": a.licence_no,
        "tax_id": a.tax_id, "substance": substance_name(catalogue, a.substance_code),
        "rule_id": a.rule_id, "detector": a.detector, "period_start": a.period_start,
        "period_end": a.period_end, "assignee": a.assignee,
        "due": review_due(a, review_days), "overdue": is_overdue(a, review_days, now),
        "pending": a.pending_status, "outcome": a.outcome, "times_seen": a.times_seen,
        "queue": a.queue, "window": window_text(a.period_start, a.period_end),
        "party": name or parse_wording(a.wording).get("values", {}).get("operator"),
    }) for a, name in alerts]


def window_text(start, end) -> str:
    """Say an alert's window briefly in the reader's language: '2026', 'ago 2026', a range."""
    words = window_words(start, end, language())
    if words:
        return words.removeprefix("el ")
    return day(start) if start == end else f"{day(start)} – {day(end)}"


def alert_view(dossier: Dossier, catalogue, review_days: dict[str, int]) -> dict:
    """Return the words of an alert page: sentence, names, deadline, findings' sentences."""
    alert = dossier.alert
    substance = substance_name(catalogue, alert.substance_code)
    return {
        "sentence": alert_sentence(alert, catalogue),
        "substance": substance,
        "cas": _cas(catalogue, alert.substance_code),
        "due": review_due(alert, review_days),
        "overdue": is_overdue(alert, review_days),
        "queue": alert.queue,
        "findings": [sentence(f.wording, f.summary, language(), substance=substance)
                     for f in dossier.findings],
    }


def _cas(catalogue, code: str | None) -> str | None:
    if not code:
        return None
    try:
        return catalogue.get(code).cas
    except KeyError:
        return None


def month_label(month) -> str:
    """Return a short month label in the reader's language: 'mar 25'."""
    return f"{MONTHS[language()][month.month - 1]} {month.year % 100:02d}"


def chart_svg(chart: Chart | None, alert: Alert, ident: str = "chart"):
    """Draw an alert's chart as SVG, labelled in the reader's language; None without one."""
    if chart is not None and chart.deferred:
        from flask import url_for

        return Markup(f'<img class="chart" src="{url_for("triage.chart", alert_id=alert.id)}" '
                      f'alt="{escape(_("National acquisitions against the baseline"))}" '
                      'width="720" height="260">')
    if chart is None or not chart.months:
        return None
    points = [Point(month_label(m), v, f) for m, v, f in
              zip(chart.months, chart.values, chart.focus, strict=True)]

    def fmt(value: float) -> str:
        return kg(value, 0) + " kg"
    if chart.kind == "quota":
        return line_chart(
            points, title=_("Acquisitions so far this year against the quota"),
            description=_("Cumulative kg acquired per month of %(year)s; dashed line: the "
                          "annual quota.", year=alert.period_end.year),
            fmt=fmt, limit=chart.limit, limit_label=_("quota %(kg)s", kg=fmt(chart.limit)),
            ident=ident)
    if chart.kind == "national":
        return line_chart(
            points, title=_("National acquisitions against the baseline"),
            description=_("Cumulative kg acquired in the country per month; dashed line: the "
                          "baseline pro rata."), fmt=fmt, reference=chart.reference,
            reference_label=_("baseline pro rata"), ident=ident)
    return bar_chart(
        points, title=_("Monthly acquisitions"),
        description=_("kg acquired per month over two years; hatched and marked: the "
                      "months of the alert; dashed line: a twelfth of the annual quota."),
        fmt=fmt, limit=chart.limit,
        limit_label=_("quota / 12: %(kg)s", kg=fmt(chart.limit)) if chart.limit else "",
        focus_label=_("months of the alert"), ident=ident)


def filter_choices(session: Session, catalogue) -> dict:
    """Return the values the queue's filter menus offer: rules of the last detection run,
    every detector kind, the catalogue's substances, the registry's regions (no scan of
    the alerts: the queue stays fast with a million of them)."""
    from app.detection.rules.vocabulary import KINDS

    record = session.scalar(select(DetectionRun.rule_files).order_by(
        DetectionRun.id.desc()).limit(1))
    rules = sorted(record.get("versions", {})) if isinstance(record, dict) else []
    regions = session.scalars(select(Operator.region).distinct()
                              .where(Operator.region.is_not(None)).order_by(Operator.region)).all()
    substances = sorted(((s.code, substance_name(catalogue, s.code)) for s in catalogue),
                        key=lambda pair: pair[1] or "")
    return {"rules": rules, "detectors": sorted(KINDS), "substances": substances,
            "regions": regions}


def history_svg(months: list[dict], ident: str):
    """Draw an operator's monthly acquisitions of one substance (no months marked)."""
    points = [Point(month_label(m["month"]), m["inflow"]) for m in months]
    return bar_chart(points, title=_("Monthly acquisitions"),
                     description=_("kg acquired per month over two years."),
                     fmt=lambda v: kg(v, 0) + " kg", ident=f"h-{ident}")
