"""Bad input through the whole path (`vigia import declarations`): clear messages, good rows
stored, every rejected row recorded with its batch, the original kept byte for byte.

The readers' own checks are in tests/importers/test_bad_input.py; here each case goes through
the command, the storers and the database, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from app.intake.models import ImportBatch, RowErrorRecord
from app.movements.models import DeclarationLine
from tests.builders import DECLARATION_HEADER, write

GOOD = "LIC-001;2025-01;purchase;2025-01-10;acetone;500;kg;"


@pytest.fixture(autouse=True)
def _registry(registered):
    """Every test here starts from the small registry (LIC-001, LIC-002)."""


def import_file(runner, path: Path):
    """Run `vigia import declarations FILE`; return the command's result."""
    return runner.invoke(args=["import", "declarations", str(path)])


def last_batch(session) -> ImportBatch:
    """Return the newest declarations batch."""
    return session.scalars(select(ImportBatch).where(ImportBatch.feed == "declarations")
                           .order_by(ImportBatch.id.desc())).first()


def assert_original_kept(app, batch: ImportBatch, path: Path) -> None:
    """The received bytes are stored under their SHA-256, unchanged."""
    kept = Path(app.instance_path) / "uploads" / batch.sha256[:2] / batch.sha256
    assert kept.read_bytes() == path.read_bytes()
    assert batch.size_bytes == path.stat().st_size


def assert_refused(runner, db_session, app, path: Path, message: str) -> None:
    """The command exits 1 with one line naming the file and why; the batch says the same."""
    result = import_file(runner, path)
    assert result.exit_code == 1, result.output
    assert result.output.strip().splitlines() == [f"{path.name}: rejected: {message}"]
    batch = last_batch(db_session)
    assert (batch.filename, batch.status, batch.message) == (path.name, "rejected", message)
    assert (batch.rows_stored, batch.rows_rejected) == (0, 0)
    assert db_session.scalars(select(DeclarationLine)).all() == []
    assert_original_kept(app, batch, path)


def test_empty_file(runner, db_session, app, tmp_path):
    path = tmp_path / "enero.csv"
    path.write_bytes(b"")
    assert_refused(runner, db_session, app, path, "the file is empty")


def test_binary_garbage_named_csv(runner, db_session, app, tmp_path):
    path = tmp_path / "enero.csv"
    path.write_bytes(bytes(range(256)) * 64)
    assert_refused(runner, db_session, app, path, "not a CSV or spreadsheet file (binary content)")


def test_missing_required_column(runner, db_session, app, tmp_path):
    path = write(tmp_path / "enero.csv", "licence_no;period;movement;date;substance;unit",
                 ["LIC-001;2025-01;purchase;2025-01-10;acetone;kg"])
    assert_refused(runner, db_session, app, path,
                   "missing required column 'quantity' (found: 'licence_no', 'period', "
                   "'movement', 'date', 'substance', 'unit')")


def test_duplicate_columns(runner, db_session, app, tmp_path):
    path = write(tmp_path / "enero.csv", DECLARATION_HEADER + ";Cantidad", [GOOD + ";5"])
    assert_refused(runner, db_session, app, path,
                   "columns 'quantity' and 'Cantidad' both mean 'quantity'")


def test_zip_bomb_disguised_as_xlsx_is_refused_without_inflating_it(
        runner, db_session, app, tmp_path, monkeypatch):
    path = tmp_path / "enero.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            block = bytes(1 << 20)
            for _ in range(64):  # 64 MB of zeros, about 64 KB compressed
                member.write(block)
    assert path.stat().st_size < 1 << 20
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    result = import_file(runner, path)
    assert result.exit_code == 1, result.output
    (line,) = result.output.strip().splitlines()
    assert line.startswith("enero.xlsx: rejected: workbook member xl/worksheets/sheet1.xml "
                           "expands ")
    assert line.endswith("-fold (more than 200): refused as a possible zip bomb")
    assert "xl/worksheets/sheet1.xml" not in opened  # judged from the zip directory alone
    batch = last_batch(db_session)
    assert batch.status == "rejected"
    assert_original_kept(app, batch, path)


def test_header_only_is_a_stored_batch_of_nothing(runner, db_session, app, tmp_path):
    path = write(tmp_path / "enero.csv", DECLARATION_HEADER, [])
    result = import_file(runner, path)
    assert result.exit_code == 0, result.output
    assert "enero.csv: read 0, stored 0, rejected 0" in result.output
    batch = last_batch(db_session)
    assert (batch.status, batch.rows_read, batch.rows_stored) == ("stored", 0, 0)
    assert_original_kept(app, batch, path)


def test_xlsx_that_is_a_renamed_csv_is_stored_with_a_warning(runner, db_session, app, tmp_path):
    path = write(tmp_path / "enero.xlsx", DECLARATION_HEADER, [GOOD])
    result = import_file(runner, path)
    assert result.exit_code == 0, result.output
    assert "enero.xlsx: read 1, stored 1, rejected 0" in result.output
    assert "warning: enero.xlsx contains CSV text, not a workbook; read as CSV" in result.output
    assert len(db_session.scalars(select(DeclarationLine)).all()) == 1
    assert_original_kept(app, last_batch(db_session), path)


BAD_ROWS = [  # (row as written, column as written, value, reason)
    ("LIC-001;2025-01;purchase;2025-01-10;unobtainium;5;kg;",
     "substance", "unobtainium", "unknown substance 'unobtainium'"),
    ("LIC-999;2025-01;purchase;2025-01-10;acetone;5;kg;",
     "licence_no", "LIC-999", "unknown licence"),
    ("LIC-001;2025-01;purchase;2025-01-10;acetone;-5;kg;",
     "quantity", "-5", "must be greater than 0"),
    ("LIC-001;2025-01;purchase;2025-01-10;acetone;cinco;kg;",
     "quantity", "cinco", "not a number: 'cinco'"),
    ("LIC-001;2025-02;purchase;2025-02-30;acetone;5;kg;",
     "date", "2025-02-30", "not a real date: '2025-02-30'"),
    ("LIC-001;2025-01;purchase;2025-03-15;acetone;5;kg;",
     "date", "2025-03-15", "date 2025-03-15 is outside the period 2025-01"),
]


def test_bad_rows_are_listed_stored_with_the_batch_and_good_rows_kept(
        runner, db_session, app, tmp_path):
    rows = [GOOD] + [row for row, *_ in BAD_ROWS] + [GOOD.replace("500", "7")]
    path = write(tmp_path / "enero.csv", DECLARATION_HEADER, rows)
    result = import_file(runner, path)
    assert result.exit_code == 0, result.output
    assert f"enero.csv: read 8, stored 2, rejected {len(BAD_ROWS)}" in result.output
    for number, (_, column, _value, reason) in enumerate(BAD_ROWS, start=3):
        assert f"  row {number}, column '{column}': {reason}" in result.output
    batch = last_batch(db_session)
    assert (batch.rows_read, batch.rows_stored, batch.rows_rejected) == (8, 2, len(BAD_ROWS))
    stored = db_session.scalars(select(RowErrorRecord).where(RowErrorRecord.batch_id == batch.id)
                               .order_by(RowErrorRecord.row)).all()
    assert [(e.row, e.column, e.value) for e in stored] == [
        (number, column, value) for number, (_, column, value, _) in enumerate(BAD_ROWS, 3)]
    for error, (*_, reason) in zip(stored, BAD_ROWS, strict=True):
        assert error.reason.startswith(reason)
    lines = db_session.scalars(select(DeclarationLine).order_by(DeclarationLine.source_row))
    assert [(x.source_row, x.quantity) for x in lines] == [(2, 500.0), (9, 7.0)]
    assert_original_kept(app, batch, path)


def test_cells_that_look_like_formulas_are_stored_as_text(runner, db_session, app, tmp_path):
    header = DECLARATION_HEADER + ";counterparty_name;document_ref;counterparty_licence;notas"
    path = tmp_path / "enero.csv"
    # the formula cell is quoted, as spreadsheet software writes a cell holding a separator
    path.write_text(header + "\n" + GOOD + ';"=HYPERLINK(""http://x"";""y"")";+51 1 234;'
                    "-LIC;@SUM(A1:A9)\n", encoding="utf-8")
    result = import_file(runner, path)
    assert result.exit_code == 0, result.output
    assert "read 1, stored 1, rejected 0" in result.output
    line = db_session.scalars(select(DeclarationLine)).one()
    assert line.counterparty_name == '=HYPERLINK("http://x";"y")'
    assert line.document_ref == "+51 1 234"
    assert line.counterparty_licence == "-LIC"
    assert line.extra == {"notas": "@SUM(A1:A9)"}
