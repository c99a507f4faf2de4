"""Everything the alert page and the case file show of one alert, read in a few queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.alerts.models import Alert, AlertEvent, StoredFinding
from app.intake.models import ImportBatch
from app.movements.history import add_months, month_start, monthly_history, national_history
from app.movements.models import CustomsItem, Declaration, DeclarationLine, ExportNotification
from app.registry.models import Licence, Operator
from app.triage.suppression import suppression_of

EVIDENCE_SHOWN = 200  # rows per table on the page; the case file workbook has them all
HISTORY_MONTHS = 24
# Where detection lists the innocent explanations a check ruled out: [{code, text}].
EXCLUDED_KEY = "excluded"


@dataclass
class Evidence:
    """The rows behind an alert, per table, with the batch and file each came from."""

    lines: list[dict] = field(default_factory=list)
    customs: list[dict] = field(default_factory=list)
    notifications: list[dict] = field(default_factory=list)
    total: dict[str, int] = field(default_factory=dict)


@dataclass
class Chart:
    """The data of the alert's chart: monthly or cumulative figures and a limit."""

    kind: str  # 'quota' (cumulative vs quota), 'national' (cumulative vs pro-rata baseline),
    # 'monthly' (bars, the alert's months marked)
    months: list[date]
    values: list[float]
    focus: list[bool]
    limit: float | None = None
    reference: list[float] | None = None
    # Drawn by its own request (/alerts/<id>/chart.svg) so the page does not wait for it.
    deferred: bool = False


@dataclass
class Dossier:
    """One alert with its operator, findings, explanations excluded, evidence and timeline."""

    alert: Alert
    operator: Operator | None
    measures: dict
    trace: list[str]
    excluded: list[dict]
    findings: list[StoredFinding]
    evidence: Evidence
    events: list[AlertEvent]
    chart: Chart | None
    suppression: object | None
    corroborated_by: list[dict]


def _of_kind(value, default):
    """Return a stored JSON value, or the default when it is not of the default's kind."""
    return value if isinstance(value, type(default)) else default


def excluded_explanations(measures: dict) -> list[dict]:
    """Return the innocent explanations detection ruled out, as {code, text} dicts."""
    value = measures.get(EXCLUDED_KEY)
    if not isinstance(value, list):
        return []
    out = []
    for item in value:
        if isinstance(item, dict) and item.get("text"):
            out.append({"code": str(item.get("code") or ""), "text": str(item["text"])})
        elif isinstance(item, str):
            out.append({"code": "", "text": item})
    return out


def load_dossier(*, session: Session, alert_id: int, evidence_limit: int | None = EVIDENCE_SHOWN,
                 with_chart: bool = True, defer_slow_chart: bool = True) -> Dossier | None:
    """Return the dossier of an alert, or None when there is no such alert."""
    alert = session.get(Alert, alert_id)
    if alert is None:
        return None
    operator = None
    if alert.licence_no:
        operator = session.scalars(select(Operator).where(
            Operator.licence_no == alert.licence_no)).first()
    measures = _of_kind(alert.measures, {})
    findings = list(session.scalars(select(StoredFinding).where(
        StoredFinding.alert_id == alert.id, StoredFinding.run_id == alert.last_run_id)
        .order_by(StoredFinding.id)))
    events = list(session.scalars(select(AlertEvent).where(AlertEvent.alert_id == alert.id)
                                  .order_by(AlertEvent.seq)))
    return Dossier(
        alert=alert, operator=operator, measures=measures, trace=_of_kind(alert.trace, []),
        excluded=excluded_explanations(measures), findings=findings,
        evidence=load_evidence(session, _of_kind(alert.evidence, {}), evidence_limit),
        events=events,
        chart=alert_chart(session, alert, measures, defer=defer_slow_chart) if with_chart
        else None,
        suppression=suppression_of(session=session, alert=alert),
        corroborated_by=[c for c in measures.get("corroborated_by", []) if isinstance(c, dict)],
    )


def _ids(evidence: dict, table: str) -> list[int]:
    return [int(i) for i in evidence.get(table, []) if str(i).lstrip("-").isdigit()]


def load_evidence(session: Session, evidence: dict, limit: int | None) -> Evidence:
    """Read the evidence rows of an alert by id, with their batch's file name (at most
    `limit` per table; None: all; 0: none, only how many)."""
    out = Evidence()
    line_ids = _ids(evidence, "declaration_line")
    customs_ids = _ids(evidence, "customs_item")
    notification_ids = _ids(evidence, "export_notification")
    out.total = {"declaration_line": len(line_ids), "customs_item": len(customs_ids),
                 "export_notification": len(notification_ids)}
    if limit == 0:  # the counts only
        return out
    if line_ids:
        rows = session.execute(
            select(DeclarationLine, Declaration.licence_no, Declaration.period,
                   Declaration.batch_id, Declaration.is_current, ImportBatch.filename)
            .join(Declaration, Declaration.id == DeclarationLine.declaration_id)
            .join(ImportBatch, ImportBatch.id == Declaration.batch_id)
            .where(DeclarationLine.id.in_(line_ids[:limit] if limit else line_ids))
            .order_by(DeclarationLine.date, DeclarationLine.id))
        out.lines = [{"row": line, "licence_no": licence, "period": period, "batch_id": batch,
                      "is_current": current, "filename": name}
                     for line, licence, period, batch, current, name in rows]
    for ids, model, target in ((customs_ids, CustomsItem, out.customs),
                               (notification_ids, ExportNotification, out.notifications)):
        if not ids:
            continue
        rows = session.execute(
            select(model, ImportBatch.filename).join(ImportBatch, ImportBatch.id == model.batch_id)
            .where(model.id.in_(ids[:limit] if limit else ids)).order_by(model.date, model.id))
        target.extend({"row": row, "batch_id": row.batch_id, "filename": name}
                      for row, name in rows)
    return out


def quota_for(session: Session, licence_no: str, substance_code: str, year: int) -> float | None:
    """Return an operator's annual quota of a substance for a year (latest licence line)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    return session.scalar(
        select(Licence.annual_quota_kg).join(Operator, Operator.id == Licence.operator_id)
        .where(Operator.licence_no == licence_no, Licence.substance_code == substance_code,
               Licence.valid_from <= end, Licence.valid_to >= start)
        .order_by(Licence.valid_from.desc()).limit(1))


def _monthly_measures(monthly, year: int) -> list[dict] | None:
    """Read a national finding's own monthly acquisitions ({"YYYY-MM": kg}) when it has them."""
    if not isinstance(monthly, dict) or not monthly:
        return None
    out = []
    for key, kg in sorted(monthly.items()):
        try:
            month = date(int(str(key)[:4]), int(str(key)[5:7]), 1)
        except ValueError:
            return None
        if month.year == year and isinstance(kg, int | float):
            out.append({"month": month, "inflow": float(kg), "outflow": 0.0, "declared": True})
    return out or None


def alert_chart(session: Session, alert: Alert, measures: dict,
                defer: bool = False) -> Chart | None:
    """Return the chart that explains an alert best, or None when it has no history.

    A national chart sums a year of every operator's lines (a third of a second at 5,000,000,
    more on a cold cache); with `defer` it is only announced, to be drawn by its own request.
    """
    code = alert.substance_code
    if not code:
        return None
    if alert.detector == "national_pace":
        year = alert.period_end.year
        history = _monthly_measures(measures.get("monthly_kg"), year)
        if history is None and defer:
            return Chart("national", [], [], [], deferred=True)
        if history is None:
            history = national_history(session=session, substance_code=code,
                                       start=date(year, 1, 1), end=date(year, 12, 31))
        cumulative, total = [], 0.0
        declared = [h for h in history if h["declared"]]
        for entry in declared:
            total += entry["inflow"]
            cumulative.append(total)
        baseline = measures.get("baseline_kg")
        reference = ([float(baseline) * (i + 1) / 12 for i in range(len(declared))]
                     if isinstance(baseline, int | float) else None)
        return Chart("national", [h["month"] for h in declared], cumulative,
                     [True] * len(declared), reference=reference)
    if not alert.licence_no:
        return None
    end = month_start(alert.period_end)
    quota = quota_for(session, alert.licence_no, code, alert.period_end.year)
    if alert.detector == "quota" and quota:
        year = alert.period_end.year
        history = monthly_history(session=session, licence_no=alert.licence_no,
                                  substance_code=code, start=date(year, 1, 1),
                                  end=date(year, 12, 31))
        declared = [h for h in history if h["declared"] or h["month"] <= end]
        cumulative, total = [], 0.0
        for entry in declared:
            total += entry["inflow"]
            cumulative.append(total)
        return Chart("quota", [h["month"] for h in declared], cumulative,
                     [True] * len(declared), limit=quota)
    start = add_months(end, -(HISTORY_MONTHS - 1))
    history = monthly_history(session=session, licence_no=alert.licence_no,
                              substance_code=code, start=start, end=end)
    if not any(h["inflow"] or h["outflow"] for h in history):
        return None
    focus = [month_start(alert.period_start) <= h["month"] <= alert.period_end for h in history]
    return Chart("monthly", [h["month"] for h in history], [h["inflow"] for h in history],
                 focus, limit=quota / 12 if quota else None)
