"""Write tables as CSV or XLSX in a habit, byte for byte the same for the same input."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.writer.excel import ExcelWriter

from demo.habits import Habit

# Fixed workbook and zip-entry times: openpyxl stamps "now" otherwise and the bytes change.
FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)
XLSX_DATE_FORMAT = "DD/MM/YYYY"

# A column kind says how a value is written: text, hundredths (int, two decimals),
# decimal<N> (float, N decimals), int, date, or word (code translated by the habit).
Kinds = dict[str, str]


def number_text(value: float | None, decimals: int, habit: Habit) -> str:
    """Return a number as the habit writes it: `1.234,50` or `1234.50`."""
    if value is None:
        return ""
    text = f"{value:,.{decimals}f}" if habit.thousands else f"{value:.{decimals}f}"
    if habit.decimal == ",":
        # Swap separators through a placeholder: 1,234.50 -> 1.234,50.
        text = text.replace(",", "\0").replace(".", ",").replace("\0", habit.thousands)
    return text


def _csv_column(values: Sequence, kind: str, column: str, habit: Habit) -> list[str]:
    if kind == "hundredths":
        return [v if isinstance(v, str) else number_text(v / 100, 2, habit) for v in values]
    if kind.startswith("decimal"):
        places = int(kind[len("decimal"):])
        return [v if isinstance(v, str) else number_text(v, places, habit) for v in values]
    if kind == "date":
        return [v if isinstance(v, str) else v.strftime(habit.date_format) for v in values]
    if kind == "word":
        words = habit.words.get(column, {})
        return [words.get(v, v) if v else "" for v in values]
    return ["" if v is None else str(v) for v in values]


def _xlsx_column(values: Sequence, kind: str, column: str, habit: Habit) -> list:
    if kind == "hundredths":
        return [v if isinstance(v, str) else round(v / 100, 2) for v in values]
    if kind.startswith("decimal"):
        places = int(kind[len("decimal"):])
        return [v if v is None or isinstance(v, str) else round(float(v), places)
                for v in values]
    if kind == "word":
        words = habit.words.get(column, {})
        return [words.get(v, v) if v else None for v in values]
    if kind == "date":
        return list(values)
    return [None if v in (None, "") else v for v in values]


def write_table(path: Path, habit: Habit, columns: Sequence[str], kinds: Kinds,
                data: dict[str, Sequence], *, title: str | None = None) -> None:
    """Write columns of values (spec names -> values) to path in the habit's format."""
    path.parent.mkdir(parents=True, exist_ok=True)
    headers = [habit.headers[c] for c in columns] + list(habit.extra_columns)
    extras = {h: data.get(h, [None] * len(data[columns[0]])) for h in habit.extra_columns}
    if habit.kind == "xlsx":
        cols = [_xlsx_column(data[c], kinds.get(c, "text"), c, habit) for c in columns]
        cols += [_xlsx_column(extras[h], "text", h, habit) for h in habit.extra_columns]
        _write_xlsx(path, habit, headers, cols, title or habit.title)
        return
    cols = [_csv_column(data[c], kinds.get(c, "text"), c, habit) for c in columns]
    cols += [_csv_column(extras[h], "text", h, habit) for h in habit.extra_columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=habit.sep, lineterminator=habit.newline)
    writer.writerow(headers)
    writer.writerows(zip(*cols, strict=True))
    path.write_bytes(buffer.getvalue().encode(habit.encoding))


def _write_xlsx(path: Path, habit: Habit, headers: list[str], cols: list[list],
                title: str | None) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(habit.sheet)
    if title:
        ws.append([title])
    ws.append(headers)
    for row in zip(*cols, strict=True):
        ws.append([_date_cell(ws, v) if isinstance(v, dt.date) else v for v in row])
    save_workbook(wb, path)


def _date_cell(ws, value: dt.date) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = XLSX_DATE_FORMAT
    return cell


def save_workbook(wb: Workbook, path: Path) -> None:
    """Save a workbook with fixed properties and zip times, so equal content gives equal bytes."""
    wb.properties.creator = "Vigía demo"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    raw = io.BytesIO()
    archive = zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(wb, archive).save()  # not save_workbook(): that stamps "modified" with now
    fixed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source, \
            zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    path.write_bytes(fixed.getvalue())
