"""Shared builders of test data."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from app.registry.licensing import LicenceState


def registry_row(**overrides: Any) -> dict[str, Any]:
    """Return one registry record as the registry reader produces it."""
    row = {
        "licence_no": "LIC-001",
        "operator_name": "Química Andina S.A.",
        "tax_id": "20100000001",
        "tax_id_key": "20100000001",
        "activities": ("distributor",),
        "substance_code": "acetone",
        "substance_text": "acetona",
        "annual_quota_kg": 8000.0,
        "valid_from": date(2024, 1, 1),
        "valid_to": date(2026, 12, 31),
        "status": "active",
        "region": "Lima",
        "sector": "4669 Venta al por mayor de productos químicos",
        "source_row": 2,
        "extra": None,
    }
    row.update(overrides)
    if "tax_id" in overrides and "tax_id_key" not in overrides:
        row["tax_id_key"] = "".join(ch for ch in str(row["tax_id"]).upper() if ch.isalnum())
    return row


def registry_records(*rows: dict[str, Any]) -> pd.DataFrame:
    """Return registry records, numbering source rows from 2 as a spreadsheet does."""
    records = [dict(row) for row in rows]
    for number, row in enumerate(records, start=2):
        row.setdefault("source_row", number)
    return pd.DataFrame.from_records(records)


def licence_state(**overrides: Any) -> LicenceState:
    """Return one licence version for LicenceBook tests."""
    values = {
        "licence_id": 1,
        "licence_no": "LIC-001",
        "operator_name": "Química Andina S.A.",
        "substance_code": "acetone",
        "activities": frozenset({"distributor"}),
        "annual_quota_kg": 8000.0,
        "valid_from": date(2024, 1, 1),
        "valid_to": date(2025, 12, 31),
        "status": "active",
        "effective_from": None,
        "version": 1,
    }
    values.update(overrides)
    return LicenceState(**values)


REGISTRY_HEADER = ("licence_no;operator_name;tax_id;activity;substance;annual_quota_kg;"
                   "valid_from;valid_to;status")
REGISTRY = [
    "LIC-001;Química Andina S.A.;20100000001;distributor;acetone;8000;2024-01-01;2026-12-31;active",
    "LIC-001;Química Andina S.A.;20100000001;distributor;toluene;;2024-01-01;2026-12-31;active",
    "LIC-002;Pinturas del Sur;20100000002;end_user;toluene;1200;2024-01-01;2026-12-31;active",
]
DECLARATION_HEADER = "licence_no;period;movement;date;substance;quantity;unit;concentration_pct"


def write(path: Path, header: str, rows: list[str]) -> Path:
    """Write a `;`-separated UTF-8 file of a header and rows."""
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def write_sheet_xml(path: Path, rows: dict[int, list[tuple[str, str]]], *,
                    sheet: str = "Hoja1") -> Path:
    """Write an XLSX by hand: {row number: [(cell reference, text)]}, cells as inline strings.

    openpyxl cannot write what a hostile or broken writer does (a lone cell at XFD1048576
    in a 5 KB file, a sheet name of 250 characters): the parts are written directly.
    """
    import zipfile
    from xml.sax.saxutils import escape, quoteattr

    body = "".join(
        f'<row r="{number}">' + "".join(
            f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>' for ref, text in cells
        ) + "</row>"
        for number, cells in sorted(rows.items())
    )
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    kinds = "http://schemas.openxmlformats.org/package/2006/content-types"
    office = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = {
        "[Content_Types].xml": (
            f'<?xml version="1.0"?><Types xmlns="{kinds}"><Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{office}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" '
            f'ContentType="{office}.worksheet+xml"/></Types>'),
        "_rels/.rels": (
            f'<?xml version="1.0"?><Relationships xmlns="{package}"><Relationship Id="rId1" '
            f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'<?xml version="1.0"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            f'<sheet name={quoteattr(sheet)} sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0"?><Relationships xmlns="{package}"><Relationship Id="rId1" '
            f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}"><sheetData>'
            f"{body}</sheetData></worksheet>"),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode("utf-8"))
    return path


def sheet_rows(header: str, rows: list[str]) -> dict[int, list[tuple[str, str]]]:
    """Lay out `;`-separated header and rows as sheet cells from A1."""
    def letters(n: int) -> str:
        out = ""
        while n:
            n, rest = divmod(n - 1, 26)
            out = chr(65 + rest) + out
        return out

    lines = [header, *rows]
    return {number: [(f"{letters(i + 1)}{number}", text)
                     for i, text in enumerate(line.split(";")) if text]
            for number, line in enumerate(lines, start=1)}
