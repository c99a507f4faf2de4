"""Workbooks (XLSX, and XLS/ODS where calamine reads them): find the sheet and header row."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from python_calamine import (
    CalamineError,
    CalamineSheet,
    CalamineWorkbook,
    SheetTypeEnum,
    SheetVisibleEnum,
)

from importers.aliases import HeaderMatch, match_headers
from importers.csv_reader import HEADER_SEARCH_ROWS, RawChunk, _blank_rows, raise_for_header
from importers.formats import Source
from importers.results import FileRejected
from importers.text import cell_text, drop_invisible
from lexicon.text import fold_words


@dataclass
class SheetLayout:
    """Which sheet holds the data, and at which row its header is."""

    sheet: str
    header_index: int  # 0-based position of the header among the sheet's rows
    match: HeaderMatch
    loaded: CalamineSheet | None = None  # calamine parses a sheet on load: do it once


def open_workbook(src: Source, *, filename: str) -> CalamineWorkbook:
    """Open a workbook with calamine, refusing what it cannot read."""
    try:
        return CalamineWorkbook.from_object(src.path if src.path else src.open())
    except (CalamineError, ValueError, OSError) as exc:
        raise FileRejected(filename, f"cannot read the workbook ({exc})") from exc


def find_sheet(
    workbook: CalamineWorkbook,
    *,
    filename: str,
    columns: Sequence[str],
    required: Collection[str],
    before_loading: Callable[[str], None] | None = None,
) -> SheetLayout:
    """Take the first sheet whose first rows contain a header with the required columns.

    Visible sheets come first: a hidden sheet is most often last period's copy or a
    template's lookup lists, and the user checked what they could see. `before_loading` is
    told each sheet's name before calamine loads it (and may refuse it: FileRejected).
    """
    best: tuple[int, SheetLayout] | None = None
    example: SheetLayout | None = None  # a complete header on a sheet named "Ejemplo"
    sheets = sorted(workbook.sheets_metadata, key=lambda m: m.visible != SheetVisibleEnum.Visible)
    for meta in sheets:
        if meta.typ not in (SheetTypeEnum.WorkSheet,):
            continue
        if example is not None and meta.visible != SheetVisibleEnum.Visible:
            break  # a hidden sheet never replaces a visible one, even an example
        if before_loading is not None:
            before_loading(meta.name)
        try:
            loaded = workbook.get_sheet_by_name(meta.name)
            head = list(itertools.islice(loaded.iter_rows(), HEADER_SEARCH_ROWS))
        except CalamineError as exc:
            raise FileRejected(filename, f"cannot read sheet {meta.name!r} ({exc})") from exc
        texts = [[cell_text(c).strip() for c in row] for row in head]
        merges = vertical_merges(loaded)
        for index, cells in enumerate(texts):
            if sum(1 for c in cells if c) < 2:
                continue
            match = match_headers(cells, columns, required)
            if match.missing and index:  # a header over two rows ("Operador" over "Licencia")
                two_rows = match_headers(_two_row_header(texts, index, merges), columns, required)
                if not two_rows.missing:
                    match = two_rows
            score = (2000 if not match.missing else 0) + len(match.columns)
            if best is None or score > best[0]:
                best = (score, SheetLayout(meta.name, index, match, loaded))
            if not match.missing:
                break
        if best and not best[1].match.missing:
            if example is None and _example_sheet(meta.name):
                example, best = best[1], None  # a template's example: look on for the data
                continue
            break
    if (best is None or best[1].match.missing) and example is not None:
        best = (0, example)
    if best is None:
        raise FileRejected(filename, "the workbook has no sheet with a header row")
    layout = best[1]
    try:
        raise_for_header(layout.match, filename)
    except FileRejected as exc:
        raise FileRejected(filename, f"sheet {layout.sheet!r}: {exc.reason}") from None
    return layout


# Sheets that show how to fill the template, before the sheet that holds the data.
_EXAMPLE_WORDS = frozenset({
    "ejemplo", "ejemplos", "example", "examples", "exemplo", "exemplos", "instrucciones",
    "instructivo", "instrucoes", "instructions", "modelo", "plantilla", "template", "ayuda",
    "help", "leeme", "readme", "llenado", "guia",
})


def _example_sheet(name: str) -> bool:
    """Say whether a sheet's name says it shows how to fill the template."""
    return not _EXAMPLE_WORDS.isdisjoint(fold_words(name).split())


def vertical_merges(sheet: CalamineSheet) -> list[tuple[int, int, int]]:
    """Return the sheet's cells merged down over rows: (first row, last row, position).

    Rows are 0-based as calamine yields them (from the sheet's row 1); positions count from
    the first column calamine yields. Cells merged across columns only change nothing here.
    """
    try:
        ranges = sheet.merged_cell_ranges or []
    except (AttributeError, CalamineError):  # not every format tells
        return []
    first = (getattr(sheet, "start", None) or (0, 0))[1]
    return [(r0, r1, c0 - first) for (r0, c0), (r1, _) in ranges if r1 > r0 and c0 >= first]


def _two_row_header(
    texts: list[list[str]], index: int, merges: list[tuple[int, int, int]]
) -> list[str]:
    """Complete a header row with the row above: cells merged down into it, or left empty."""
    cells = list(texts[index])
    above = texts[index - 1]
    for position, text in enumerate(cells):
        if text:
            continue
        merged = [r0 for r0, r1, p in merges if p == position and r0 < index <= r1]
        source = texts[merged[0]] if merged else above
        cells[position] = source[position] if position < len(source) else ""
    return cells


# Rows below the header whose formats say whether a column is shown as a percentage.
PERCENT_FORMAT_ROWS = 50


def percent_formatted(src: Source, layout: SheetLayout, positions: dict[str, int]) -> set[str]:
    """Return the columns whose number cells are formatted as percentages (`0%`, `0.00%`).

    Such a cell shows 33 % but holds 0.33; calamine gives the value without its format, so
    the first rows are looked at with openpyxl (XLSX only; other workbooks keep values).
    """
    positions = _fraction_columns(layout, positions)
    if not positions:
        return set()
    from openpyxl import load_workbook  # only needed for this rare question

    try:
        with src.open() as handle:
            workbook = load_workbook(handle, read_only=True, data_only=True)
            try:
                sheet = workbook[layout.sheet]
                start = layout.header_index + 2  # 1-based row below the header
                # calamine numbers rows from row 1 but columns from the first one used
                first_column = (getattr(layout.loaded, "start", None) or (0, 0))[1] + 1
                rows = sheet.iter_rows(min_row=start, max_row=start + PERCENT_FORMAT_ROWS - 1,
                                       min_col=first_column)
                seen: dict[str, list[bool]] = {name: [] for name in positions}
                for row in rows:
                    for name, position in positions.items():
                        if position < len(row):
                            cell = row[position]
                            value = getattr(cell, "value", None)
                            if isinstance(value, int | float) and not isinstance(value, bool):
                                seen[name].append("%" in str(getattr(cell, "number_format", "")))
            finally:
                workbook.close()
    except Exception:  # not an XLSX openpyxl can read: the values stay as they are
        return set()
    return {name for name, flags in seen.items() if flags and all(flags)}


def _fraction_columns(layout: SheetLayout, positions: dict[str, int]) -> dict[str, int]:
    """Keep the columns whose first numbers include a fraction (0 < x <= 1).

    Only such a value can be a percentage cell (33 % is held as 0.33); a column of 33s and
    36.5s reads the same whatever its format. Asking openpyxl costs a parse of the whole
    shared-string table (seconds on a large workbook), so it is asked only when it matters.
    """
    if layout.loaded is None:
        return positions
    start = layout.header_index + 1
    head = itertools.islice(layout.loaded.iter_rows(), start, start + PERCENT_FORMAT_ROWS)
    fractions: set[str] = set()
    for row in head:
        for name, position in positions.items():
            value = row[position] if position < len(row) else None
            if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 1:
                fractions.add(name)
    return {name: position for name, position in positions.items() if name in fractions}


def _fill_merges(rows, merges: list[tuple[int, int, int]]):
    """Give every row of a cell merged down the value its first row holds."""
    starts: dict[int, list[tuple[int, int]]] = {}
    for r0, r1, position in merges:
        starts.setdefault(r0 + 1, []).append((position, r1 + 1))  # as row numbers
    active: dict[int, tuple[int, object]] = {}  # position -> (last row number, value)
    for number, row in rows:
        if active:
            row = list(row)
            for position, (last, value) in list(active.items()):
                if number <= last:
                    row[position] = value
                else:
                    del active[position]
        for position, last in starts.get(number, ()):
            active[position] = (last, row[position])
        yield number, row


def iter_sheet(
    workbook: CalamineWorkbook,
    layout: SheetLayout,
    *,
    chunk_rows: int,
    filename: str,
    errors: dict[tuple[int, int], str] | None = None,
    invisible: bool = False,
) -> Iterator[RawChunk]:
    """Stream the rows below the header as raw chunks numbered as the sheet numbers them.

    `errors` puts back the error values (`#N/A`) calamine reads as empty cells; `invisible`
    says some text holds zero-width characters to remove.
    """
    width = len(layout.match.headers)
    # calamine yields rows from the sheet's first row (row 1), so position + 1 is the row number
    sheet = layout.loaded or workbook.get_sheet_by_name(layout.sheet)
    rows = enumerate(sheet.iter_rows(), start=1)
    rows = itertools.islice(rows, layout.header_index + 1, None)
    merges = [m for m in vertical_merges(sheet) if m[0] > layout.header_index and m[2] < width]
    if merges:  # a licence or period merged down over its rows: the value is each row's
        rows = _fill_merges(rows, merges)
    while True:
        try:
            batch = list(itertools.islice(rows, chunk_rows))
        except CalamineError as exc:
            raise FileRejected(filename, f"cannot read sheet {layout.sheet!r} ({exc})") from exc
        if not batch:
            return
        numbers = np.fromiter((n for n, _ in batch), dtype=np.int64, count=len(batch))
        cells = [row for _, row in batch]
        if any(len(row) != width for row in cells):  # calamine rows are all as wide as the sheet
            cells = [row[:width] + [""] * (width - len(row)) for row in cells]
        if errors:
            first, last = int(numbers[0]), int(numbers[-1])
            for (row, position), text in errors.items():
                if first <= row <= last and 0 <= position < width:
                    at = int(np.searchsorted(numbers, row))
                    if numbers[at] == row:
                        cells[at] = [*cells[at][:position], text, *cells[at][position + 1:]]
        frame = pd.DataFrame(cells, columns=range(width), dtype=object)
        if invisible:
            drop_invisible(frame)
        blank = _blank_rows(frame)
        if blank.any():
            frame, numbers = frame[~blank].reset_index(drop=True), numbers[~blank]
        yield RawChunk(frame, numbers)
