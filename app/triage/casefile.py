"""Case files as workbooks: an alert's or an operator's summary, evidence and timeline."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from app.exports import write_workbook
from app.triage.dossier import Dossier

LINE_COLUMNS = ("line_id", "licence_no", "period", "date", "movement", "substance_text",
                "quantity", "unit", "concentration_pct", "quantity_kg", "counterparty_licence",
                "counterparty_name", "counterparty_country", "document_ref", "payment_method",
                "delivery", "batch_id", "file", "source_row", "current")
CUSTOMS_COLUMNS = ("item_id", "declaration_no", "item_no", "date", "flow", "hs_code",
                   "goods_description", "net_mass_kg", "trader_tax_id", "trader_name",
                   "partner_country", "batch_id", "file", "source_row")
NOTIFICATION_COLUMNS = ("notification_id", "notification_ref", "date", "exporter_licence",
                        "importer_name", "importing_country", "substance_code", "quantity_kg",
                        "status", "batch_id", "file", "source_row")
EVENT_COLUMNS = ("seq", "at", "actor", "action", "from_status", "to_status", "comment",
                 "detail", "hash")


def _bytes(sheets) -> io.BytesIO:
    """Write sheets to a temporary workbook and return its bytes."""
    with tempfile.TemporaryDirectory(prefix="vigia-case-") as folder:
        path = Path(folder) / "case.xlsx"
        write_workbook(path, sheets)
        return io.BytesIO(path.read_bytes())


def evidence_sheets(dossier: Dossier) -> list:
    """Return the evidence tables of a dossier as sheets."""
    lines = [{"line_id": e["row"].id, "licence_no": e["licence_no"], "period": e["period"],
              **{c: getattr(e["row"], c) for c in LINE_COLUMNS if hasattr(e["row"], c)},
              "batch_id": e["batch_id"], "file": e["filename"], "current": e["is_current"]}
             for e in dossier.evidence.lines]
    customs = [{"item_id": e["row"].id,
                **{c: getattr(e["row"], c) for c in CUSTOMS_COLUMNS if hasattr(e["row"], c)},
                "file": e["filename"]} for e in dossier.evidence.customs]
    notes = [{"notification_id": e["row"].id,
              **{c: getattr(e["row"], c) for c in NOTIFICATION_COLUMNS if hasattr(e["row"], c)},
              "file": e["filename"]} for e in dossier.evidence.notifications]
    return [("declaration lines", LINE_COLUMNS, lines), ("customs items", CUSTOMS_COLUMNS, customs),
            ("notifications", NOTIFICATION_COLUMNS, notes)]


def alert_workbook(dossier: Dossier, view: dict) -> io.BytesIO:
    """Return an alert's case file as XLSX bytes."""
    alert = dossier.alert
    summary = [{"field": k, "value": v} for k, v in (
        ("alert", alert.id), ("sentence", view["sentence"]), ("rule", alert.rule_id),
        ("rule_version", alert.rule_version), ("detector", alert.detector),
        ("severity", alert.severity), ("score", alert.score), ("status", alert.status),
        ("outcome", alert.outcome), ("licence_no", alert.licence_no), ("tax_id", alert.tax_id),
        ("operator", dossier.operator.legal_name if dossier.operator else None),
        ("substance", view["substance"]), ("cas", view["cas"]),
        ("period_start", alert.period_start), ("period_end", alert.period_end),
        ("observed_kg", alert.observed), ("expected_kg", alert.expected),
        ("assignee", alert.assignee), ("first_raised_at", alert.first_raised_at))]
    summary += [{"field": "trace", "value": line} for line in dossier.trace]
    summary += [{"field": f"ruled out: {item['code']}", "value": item["text"]}
                for item in dossier.excluded]
    events = [{c: getattr(e, c) for c in EVENT_COLUMNS} for e in dossier.events]
    return _bytes([("alert", ("field", "value"), summary), *evidence_sheets(dossier),
                   ("timeline", EVENT_COLUMNS, events)])


def operator_workbook(profile, context: dict) -> io.BytesIO:
    """Return an operator's case file as XLSX bytes: profile, quotas, alerts, history."""
    op = profile.operator
    summary = [{"field": k, "value": v} for k, v in (
        ("licence_no", op.licence_no), ("legal_name", op.legal_name), ("tax_id", op.tax_id),
        ("region", op.region), ("sector", op.sector), ("activities", "|".join(op.activities)))]
    licences = [{"substance": lic.substance_code, "activities": "|".join(lic.activities),
                 "annual_quota_kg": lic.annual_quota_kg, "valid_from": lic.valid_from,
                 "valid_to": lic.valid_to, "status": lic.status} for lic in profile.licences]
    alert_columns = ("id", "severity", "score", "status", "outcome", "rule_id", "detector",
                     "substance", "period_start", "period_end", "assignee", "sentence")
    alerts = context["open_rows"] + context["past_rows"]
    history = [{"substance": code, "month": m["month"], "acquired_kg": m["inflow"],
                "disposed_kg": m["outflow"]}
               for code, months in profile.history.items() for m in months]
    punctual = [dict(p) for p in profile.punctuality]
    return _bytes([
        ("operator", ("field", "value"), summary),
        ("licences", ("substance", "activities", "annual_quota_kg", "valid_from", "valid_to",
                      "status"), licences),
        ("alerts", alert_columns, alerts),
        ("declarations", ("period", "due", "received", "days_late", "missing"), punctual),
        ("history", ("substance", "month", "acquired_kg", "disposed_kg"), history),
    ])
