"""Write tables people open in a spreadsheet: CSV (UTF-8 with BOM) and XLSX, safely.

Every export of Vigía goes through here so that two things hold everywhere:

- Formula injection is neutralised. A text cell that begins with `=`, `+`, `-`, `@`, a tab or
  a carriage return is run as a formula by Excel, LibreOffice and Google Sheets when the file
  is opened; an operator name or a goods description comes from outside, so such text is
  written with a leading single quote, and in XLSX always as a string cell, never a formula.
- CSV is UTF-8 with a byte-order mark, which Excel needs to show accents right (without it,
  Excel in Spanish or Portuguese reads the file as Windows-1252 and garbles `Química`).

Files are written to a temporary file beside the target and moved into place at the end, so a
failure never leaves half a file under the name asked for.
"""

from __future__ import annotations

import csv
import os
import secrets
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from lexicon.spreadsheets import neutralise_formula

FORMATS = ("csv", "xlsx")
CSV_ENCODING = "utf-8-sig"  # UTF-8 with BOM
MAX_COLUMN_WIDTH = 60
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
XLSX_MAX_ROWS = 1_048_575  # a worksheet holds 1,048,576 rows, the header included


class ExportError(Exception):
    """An export that cannot be written (bad format, unwritable path); the message says why."""


def export_format(fmt: str | None, output: Path) -> str:
    """Return the format asked for, or the one the output's suffix names; raise ExportError."""
    if fmt:
        chosen = fmt.strip().lower()
        if chosen not in FORMATS:
            raise ExportError(f"unknown format '{fmt}' (use {' or '.join(FORMATS)})")
        return chosen
    suffix = output.suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    raise ExportError(f"cannot tell the format of '{output}': give --format csv or xlsx")


def check_writable(output: Path) -> None:
    """Raise ExportError unless a file can be written at this path."""
    if output.is_dir():
        raise ExportError(f"cannot write {output}: it is a directory")
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"cannot write {output}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (output.exists() and not os.access(output, os.W_OK)):
        raise ExportError(f"cannot write {output}: permission denied")


def write_table(output: Path, *, fmt: str, columns: Sequence[str],
                rows: Iterable[Mapping[str, Any]], sheet: str = "export") -> int:
    """Write rows (plain dicts) as CSV or XLSX with these columns; return the rows written."""
    check_writable(output)
    writer = {"csv": _write_csv, "xlsx": _write_xlsx}[fmt]
    try:
        with _replacing(output) as temporary:
            return writer(temporary, columns, rows, sheet)
    except OSError as exc:
        raise ExportError(f"cannot write {output}: {exc.strerror or exc}") from exc


@contextmanager
def _replacing(output: Path):
    """Yield a temporary path beside the output; move it into place only on success."""
    temporary = output.with_name(f".{output.name}.{secrets.token_hex(6)}.part")
    # Created like any new file (the umask decides who may read it), unlike mkstemp's 0600.
    os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        yield temporary
        os.replace(temporary, output)
    finally:
        temporary.unlink(missing_ok=True)


def utc_wall_time(moment: datetime) -> datetime:
    """Return a time as naive UTC: spreadsheets have no time zones (exports say UTC)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def csv_text(value: Any) -> str:
    """Return the text of one CSV cell: ISO dates, no formulas, empty for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return utc_wall_time(value).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(neutralise_formula(value)) if isinstance(value, str) else str(value)


def _write_csv(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, Any]],
               _sheet: str) -> int:
    count = 0
    with path.open("w", encoding=CSV_ENCODING, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([csv_text(row.get(column)) for column in columns])
            count += 1
    return count


def _write_xlsx(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, Any]],
                sheet: str) -> int:
    workbook = Workbook(write_only=True)
    count = _add_sheet(workbook, sheet, columns, rows)
    workbook.save(path)
    return count


def write_workbook(output: Path, sheets: Sequence[tuple[str, Sequence[str],
                                                         Iterable[Mapping[str, Any]]]]) -> None:
    """Write several tables (name, columns, rows) as the sheets of one XLSX file."""
    check_writable(output)
    workbook = Workbook(write_only=True)
    for name, columns, rows in sheets:
        _add_sheet(workbook, name, columns, rows)
    with _replacing(output) as temporary:
        workbook.save(temporary)


def _add_sheet(workbook: Workbook, sheet: str, columns: Sequence[str],
               rows: Iterable[Mapping[str, Any]]) -> int:
    """Add one typed, formula-safe sheet with a bold frozen header; return its rows."""
    worksheet = workbook.create_sheet(sheet[:31])
    worksheet.freeze_panes = "A2"
    widths = [len(column) for column in columns]
    rows = list(rows)
    if len(rows) > XLSX_MAX_ROWS:
        raise ExportError(f"{len(rows):,} rows do not fit in one XLSX sheet "
                          f"(at most {XLSX_MAX_ROWS:,}): export as CSV or filter further")
    for row in rows:
        for index, column in enumerate(columns):
            widths[index] = max(widths[index], len(csv_text(row.get(column))))
    for index, width in enumerate(widths, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = min(width + 2,
                                                                          MAX_COLUMN_WIDTH)
    # Filter buttons on the header: officers sort and filter the export in the spreadsheet.
    worksheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(worksheet, value=column)
        cell.font = bold
        header.append(cell)
    worksheet.append(header)
    for row in rows:
        worksheet.append([_xlsx_cell(worksheet, row.get(column)) for column in columns])
    return len(rows)


def _xlsx_cell(worksheet, value: Any) -> WriteOnlyCell:
    """Return one typed cell: real dates, numbers as numbers, text always as text."""
    if isinstance(value, datetime):
        cell = WriteOnlyCell(worksheet, value=utc_wall_time(value))
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(worksheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, str):
        # Control characters are illegal in XLSX and would abort the whole file.
        text = ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", neutralise_formula(value))
        cell = WriteOnlyCell(worksheet, value=text)
        cell.data_type = "s"  # text is text: never let a cell become a formula
        return cell
    return WriteOnlyCell(worksheet, value=value)
