"""The declaration template: its headers and lists are what the importer accepts, so a
filled-in template (XLSX or CSV, English or Spanish) is stored without a refused row."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import vigia
from app.intake.models import ImportBatch
from app.movements.models import Declaration, DeclarationLine
from app.portal import service
from app.portal.template import COLUMNS, WORDS, headers, template_csv, template_xlsx

SPANISH_ROWS = [
    ["LIC-001", "2025-03", "stock inicial", date(2025, 3, 1), "acetona", 500, "kg", 99.5,
     None, None, None, None, None, None],
    ["LIC-001", "2025-03", "compra", date(2025, 3, 5), "acetona", 200, "L", None,
     "LIC-002", "Pinturas del Sur", "PE", "F001-1", "transferencia", "entregado"],
    ["LIC-001", "2025-03", "venta", date(2025, 3, 9), "tolueno", 40.25, "kg", 100,
     None, "Cliente Final SAC", "PE", "F001-2", "efectivo", "retiro en planta"],
    ["LIC-001", "2025-03", "stock final", date(2025, 3, 31), "acetona", 520, "kg", 99.5,
     None, None, None, None, None, None],
]
ENGLISH_WORDS = {"stock inicial": "opening_stock", "compra": "purchase", "venta": "sale",
                 "stock final": "closing_stock", "transferencia": "bank_transfer",
                 "efectivo": "cash", "entregado": "delivered", "retiro en planta": "collected",
                 "acetona": "acetone", "tolueno": "toluene"}


def _sender(app) -> service.Sender:
    return service.Sender(user_id=_company_user(app), email="firm@example.org",
                          licence_no="LIC-001")


def _company_user(app) -> int:
    from app.auth.service import create_user

    with vigia(app).db.session() as session:
        return create_user(session=session, email="firm@example.org", role="company",
                           password="a long enough password", licence_no="LIC-001").id


def _submit(app, db_session, tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    with app.app_context():
        submission = service.submit_declaration(vigia(app), session=db_session,
                                                sender=_sender(app), source=path,
                                                filename=name, channel="web")
    return submission, db_session.get(ImportBatch, submission.batch_id)


def _rows(language: str) -> list[list]:
    if language == "es":
        return SPANISH_ROWS
    return [[ENGLISH_WORDS.get(v, v) if isinstance(v, str) else v for v in row]
            for row in SPANISH_ROWS]


def _names(app, language: str) -> list[str]:
    return sorted({s.names.get(language) or s.name for s in vigia(app).catalogue.substances})


@pytest.mark.parametrize("language", ["es", "en"])
def test_a_filled_in_xlsx_template_imports_cleanly(app, db_session, registered, tmp_path,
                                                   cheap_hashes, language):
    book = load_workbook(io.BytesIO(template_xlsx(language, substances=_names(app, language),
                                                  licence="LIC-001")))
    data = book.worksheets[0]
    assert [c.value for c in data[1]] == headers(language)
    lists = book.worksheets[1]
    assert lists.sheet_state == "hidden"
    listed = {cell.value for column in lists.iter_cols(min_row=2) for cell in column}
    assert {"acetona" if language == "es" else "acetone",
            *WORDS[language]["movement"].values()} <= listed
    assert len(data.data_validations.dataValidation) == 6  # licence, movement, substance...
    help_text = " ".join(str(c.value) for row in book.worksheets[2].iter_rows() for c in row
                         if c.value)
    assert "LIC-001" in help_text and all(c.headers[language] in help_text for c in COLUMNS)
    for row in _rows(language):
        data.append(row)
    out = io.BytesIO()
    book.save(out)
    submission, batch = _submit(app, db_session, tmp_path, f"filled-{language}.xlsx",
                                out.getvalue())
    assert submission.status == "stored", submission.message
    assert (batch.rows_read, batch.rows_stored, batch.rows_rejected) == (4, 4, 0)
    lines = db_session.scalars(select(DeclarationLine).join(
        Declaration, Declaration.id == DeclarationLine.declaration_id)
        .where(Declaration.batch_id == batch.id).order_by(DeclarationLine.source_row)).all()
    assert [line.movement for line in lines] == ["opening_stock", "purchase", "sale",
                                                 "closing_stock"]
    assert [line.payment_method for line in lines] == [None, "bank_transfer", "cash", None]
    assert [line.delivery for line in lines] == [None, "delivered", "collected", None]
    assert lines[1].unit == "L" and lines[1].quantity_kg == pytest.approx(200 * 0.7845, 0.01)


@pytest.mark.parametrize("language", ["es", "en"])
def test_a_filled_in_csv_template_imports_cleanly(app, db_session, registered, tmp_path,
                                                  cheap_hashes, language):
    template = template_csv(language)
    separator = ";" if language == "es" else ","
    assert template.startswith(b"\xef\xbb\xbf") == (language == "es")
    lines = [template.decode("utf-8-sig").rstrip("\r\n")]
    for row in _rows(language):
        cells = [v.strftime("%d/%m/%Y") if isinstance(v, date) else "" if v is None else str(v)
                 for v in row]
        if language == "es":
            cells = [c.replace(".", ",") if c.replace(".", "").isdigit() else c for c in cells]
        lines.append(separator.join(cells))
    data = ("\ufeff" if language == "es" else "") + "\r\n".join(lines) + "\r\n"
    submission, batch = _submit(app, db_session, tmp_path, f"filled-{language}.csv",
                                data.encode("utf-8"))
    assert submission.status == "stored", submission.message
    assert (batch.rows_stored, batch.rows_rejected) == (4, 0)
    assert batch.row_errors == []
