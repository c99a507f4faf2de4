"""Store small files through intake, as an officer would import them, for detection tests."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from app.extensions import vigia
from app.pipeline import PipelineReport, import_in_order

REGISTRY_HEADER = ["licence_no", "operator_name", "tax_id", "activity", "substance",
                   "annual_quota_kg", "valid_from", "valid_to", "status", "region", "sector"]
DECLARATION_HEADER = ["licence_no", "period", "movement", "date", "substance", "quantity", "unit",
                      "concentration_pct", "counterparty_licence", "counterparty_name",
                      "counterparty_country", "document_ref", "payment_method", "delivery"]
CUSTOMS_HEADER = ["declaration_no", "item_no", "date", "flow", "hs_code", "goods_description",
                  "net_mass_kg", "trader_tax_id", "trader_name", "partner_country"]
BASELINE_HEADER = ["substance", "year", "quantity_kg", "source"]
NOTIFICATION_HEADER = ["notification_ref", "date", "exporter_licence", "importer_name",
                       "importing_country", "substance", "quantity_kg", "status"]


def declaration_row(licence: str, period: str, movement: str, day: str, substance: str,
                    quantity, **extra) -> list:
    """Return one declaration row in kg at 100 %, in DECLARATION_HEADER order."""
    row = dict.fromkeys(DECLARATION_HEADER, "")
    row.update(licence_no=licence, period=period, movement=movement, date=day,
               substance=substance, quantity=quantity, unit="kg", concentration_pct=100,
               **extra)
    return [row[c] for c in DECLARATION_HEADER]


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    """Write a UTF-8 CSV file with a header row."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def store(app, files: dict[str, list[Path]], *, as_of: date = date(2025, 9, 1)) -> PipelineReport:
    """Import files of several feeds through intake, in pipeline order; fail on rejections."""
    report = import_in_order(vigia(app), files=files, submitted_by="test", as_of=as_of)
    for outcome in report.outcomes:
        assert outcome.status == "stored", (outcome.filename, outcome.message)
        assert not outcome.errors, (outcome.filename, outcome.errors[:3])
    return report
