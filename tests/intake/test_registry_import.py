"""`vigia import registry`: encodings, XLSX, idempotence, bad rows, unreadable files."""

from datetime import date
from pathlib import Path

import openpyxl
from sqlalchemy import select

from app.intake.models import ImportBatch, RowErrorRecord
from app.registry.models import Licence, LicenceVersion, Operator

SPANISH_HEADER = ["Nº licencia", "Razón social", "RUC", "Actividad", "Sustancia",
                  "Cupo anual (kg)", "Vigente desde", "Vigente hasta", "Estado", "Región",
                  "Sector"]
ROWS = [
    ["LIC-001", "Química Andina S.A.", "20100000001", "distribuidor|importador", "Acetona",
     "8.000,5", "01/01/2024", "31/12/2026", "activa", "Lima", "4669 Venta al por mayor"],
    ["LIC-001", "Química Andina S.A.", "20100000001", "distribuidor", "tolueno", "",
     "01/01/2024", "31/12/2026", "vigente", "Lima", "4669 Venta al por mayor"],
    ["LIC-002", "Pinturas del Sur", "20100000002", "usuario final", "108-88-3", "1.200",
     "01/03/2025", "28/02/2027", "suspendida", "Arequipa", "2022 Fabricación de pinturas"],
]
BAD_ROWS = [
    ["LIC-003", "Malo", "20100000003", "distribuidor", "unobtainium", "5", "01/01/2024",
     "31/12/2026", "activa", "Lima", ""],
    ["LIC-004", "Fechas", "20100000004", "distribuidor", "acetona", "5", "31/02/2024",
     "31/12/2026", "activa", "Lima", ""],
]


def write_cp1252_csv(path: Path, rows) -> Path:
    lines = [";".join(SPANISH_HEADER)] + [";".join(row) for row in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def write_xlsx(path: Path, rows) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["licence_no", "operator_name", "tax_id", "activity", "substance",
                  "annual_quota_kg", "valid_from", "valid_to", "status", "region", "sector"])
    for row in rows:
        values = list(row)
        values[5] = float(values[5].replace(".", "").replace(",", ".")) if values[5] else None
        for i in (6, 7):
            day, month, year = values[i].split("/")
            values[i] = date(int(year), int(month), int(day))
        sheet.append(values)
    book.save(path)
    return path


def registry_snapshot(session):
    operators = [
        (o.licence_no, o.legal_name, o.tax_id, o.region, o.sector_code, o.activities)
        for o in session.scalars(select(Operator).order_by(Operator.licence_no))
    ]
    licences = [
        (lic.operator.licence_no, lic.substance_code, lic.activities, lic.annual_quota_kg,
         lic.valid_from, lic.valid_to, lic.status)
        for lic in session.scalars(
            select(Licence).order_by(Licence.operator_id, Licence.substance_code)
        )
    ]
    return operators, licences


def test_cp1252_semicolon_spanish_file_is_stored(runner, db_session, tmp_path):
    path = write_cp1252_csv(tmp_path / "registro.csv", ROWS)
    result = runner.invoke(args=["import", "registry", str(path), "--by", "registrar"])
    assert result.exit_code == 0, result.output
    assert "read 3, stored 3, rejected 0" in result.output
    operators, licences = registry_snapshot(db_session)
    assert operators == [
        ("LIC-001", "Química Andina S.A.", "20100000001", "Lima", "4669",
         ("distributor", "importer")),
        ("LIC-002", "Pinturas del Sur", "20100000002", "Arequipa", "2022", ("end_user",)),
    ]
    assert [(lic[1], lic[3], lic[6]) for lic in licences] == [
        ("acetone", 8000.5, "active"),
        ("toluene", None, "active"),
        ("toluene", 1200.0, "suspended"),
    ]
    batch = db_session.scalars(select(ImportBatch)).one()
    assert (batch.feed, batch.submitted_by, batch.rows_stored) == ("registry", "registrar", 3)


def test_xlsx_stores_the_same_registry_and_reimport_changes_nothing(runner, db_session, tmp_path):
    csv_path = write_cp1252_csv(tmp_path / "registro.csv", ROWS)
    xlsx_path = write_xlsx(tmp_path / "registry.xlsx", ROWS)
    assert runner.invoke(args=["import", "registry", str(xlsx_path)]).exit_code == 0
    from_xlsx = registry_snapshot(db_session)
    versions = len(db_session.scalars(select(LicenceVersion)).all())

    again = runner.invoke(args=["import", "registry", str(xlsx_path)])
    assert "already imported as batch" in again.output
    assert "nothing new stored" in again.output
    other_format = runner.invoke(args=["import", "registry", str(csv_path)])
    assert other_format.exit_code == 0, other_format.output
    assert "licence lines 0 new, 0 changed, 3 unchanged" in other_format.output
    assert registry_snapshot(db_session) == from_xlsx
    assert len(db_session.scalars(select(LicenceVersion)).all()) == versions


def test_bad_rows_are_listed_and_good_rows_kept(runner, db_session, tmp_path):
    path = write_cp1252_csv(tmp_path / "registro.csv", ROWS + BAD_ROWS)
    result = runner.invoke(args=["import", "registry", str(path)])
    assert result.exit_code == 0, result.output
    assert "read 5, stored 3, rejected 2" in result.output
    assert "row 5, column 'Sustancia': unknown substance 'unobtainium'" in result.output
    assert "row 6, column 'Vigente desde': not a real date" in result.output
    stored = db_session.scalars(select(RowErrorRecord).order_by(RowErrorRecord.row)).all()
    assert [(e.row, e.column) for e in stored] == [(5, "Sustancia"), (6, "Vigente desde")]
    assert len(registry_snapshot(db_session)[1]) == 3


def test_not_a_spreadsheet_exits_non_zero_with_one_line(runner, db_session, tmp_path, app):
    path = tmp_path / "registro.csv"
    path.write_bytes(bytes(range(256)) * 40)
    result = runner.invoke(args=["import", "registry", str(path)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "registro.csv: rejected: not a CSV or spreadsheet file (binary content)"
    ]
    batch = db_session.scalars(select(ImportBatch)).one()
    assert batch.status == "rejected"
    kept = Path(app.instance_path) / "uploads" / batch.sha256[:2] / batch.sha256
    assert kept.read_bytes() == path.read_bytes()


def test_missing_file_exits_non_zero(runner, tmp_path):
    result = runner.invoke(args=["import", "registry", str(tmp_path / "nope.csv")])
    assert result.exit_code == 1
    assert "nope.csv: no such file" in result.output
