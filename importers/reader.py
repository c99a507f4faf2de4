"""Read a feed file end to end: sniff, find the header, stream validated chunks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from importers.context import ReadContext
from importers.csv_reader import (
    RawChunk,
    find_layout,
    iter_csv,
    scan_bytes,
    unwrap_quoted_lines,
)
from importers.engine import Cells, FileState, build_records, parse_fields
from importers.feeds import feed_named
from importers.fields import CELL
from importers.formats import Limits, Source, sniff, too_many_rows
from importers.html_table import html_as_csv
from importers.numbers import COMMA, readable
from importers.results import Chunk, FileRejected, ReadResult
from importers.sheet_extent import check_sheet
from importers.text import UNSAFE_C0, UNSAFE_IN_CELL, printable_name
from importers.totals import not_data_rows
from importers.words import use_folder
from importers.workbook_xml import XmlScan
from importers.xlsx_reader import (
    find_sheet,
    iter_sheet,
    open_workbook,
    percent_formatted,
)

_SHOWN_SKIPPED = 10  # skipped rows named one by one in the warning
_SEPARATOR_NAMES = {";": "semicolons", ",": "commas", "\t": "tabs"}


class FileReader:
    """One file being read: everything file-level is settled on construction."""

    def __init__(
        self,
        feed: str,
        source: Path | bytes,
        *,
        filename: str,
        context: ReadContext,
        chunk_rows: int = 100_000,
        limits: Limits | None = None,
    ):
        self.feed = feed_named(feed)
        use_folder(context.words_folder)  # national words, if the application has any
        self.filename = filename
        self.chunk_rows = chunk_rows
        self.limits = limits or Limits()
        self._unsafe = UNSAFE_IN_CELL  # what a cell may not hold (None: none can)
        src = Source(source)
        sniffed = sniff(src, filename=filename, limits=self.limits)
        self.warnings = list(sniffed.warnings)
        self._file_warnings = list(self.warnings)  # not yet passed on with a chunk
        self.encoding = sniffed.encoding
        self._percent_columns: set[str] = set()
        if sniffed.kind == "html":  # a web report saved as .xls: its table rows as CSV lines
            src = Source(html_as_csv(src, sniffed.encoding))
            hint, _ = self._open_csv(src, "utf-8")
            self._why_hint = "numbers in the region's web reports use it"
        elif sniffed.kind == "csv":
            hint, self._why_hint = self._open_csv(src, sniffed.encoding)
        else:
            hint, self._why_hint = self._open_workbook(src, kind=sniffed.kind)
        # Header cells become column names in messages and extra columns: printable only.
        self.match.headers = tuple(printable_name(h, 200) for h in self.match.headers)
        self.sheet = printable_name(self.sheet, 200) if self.sheet else self.sheet
        textual = sniffed.kind in ("csv", "html")
        self.state = FileState(context=context, number_hint=hint, textual=textual)
        self.state.percent_columns = self._percent_columns
        self.schema = self.feed.schema()
        self.schema.read_state = self.state  # lets Schema().load() explain one row the same way

    def _open_csv(self, src: Source, encoding: str) -> tuple[str, str]:
        """Find the CSV layout; return the decimal-style hint and why it is the hint."""
        try:
            layout = find_layout(
                src, encoding, filename=self.filename, columns=self.feed.columns,
                required=self.feed.required,
            )
        except FileRejected:
            unwrapped = unwrap_quoted_lines(src, encoding)
            if unwrapped is None:
                raise
            src, encoding = Source(unwrapped), "utf-8"  # each line was quoted whole
            self.warnings.append(f"{self.filename}: every line is quoted whole; read inside")
            self._file_warnings.append(self.warnings[-1])
            layout = find_layout(
                src, encoding, filename=self.filename, columns=self.feed.columns,
                required=self.feed.required,
            )
        self.match, self.sheet = layout.match, None
        scan = scan_bytes(src, encoding)
        if not scan.unsafe:
            self._unsafe = None
        elif encoding == "latin-1":  # bytes 0x80-0x9f are Windows-1252 text read as Latin-1
            self._unsafe = UNSAFE_C0
        chunk_rows = scan.chunk_rows(self.chunk_rows, self.limits.chunk_bytes)
        self._raw = lambda: iter_csv(
            src, encoding, layout, chunk_rows=chunk_rows, filename=self.filename, scan=scan
        )
        return layout.number_hint, f"the file is separated by {_SEPARATOR_NAMES[layout.separator]}"

    def _open_workbook(self, src: Source, *, kind: str) -> tuple[str, str]:
        """Find the sheet and header row; return the decimal-style hint and why."""
        scan = XmlScan(src, kind) if kind in ("xlsx", "ods") else None  # while calamine parses
        workbook = open_workbook(src, filename=self.filename)
        check = None
        if kind == "xlsx":
            def check(name: str) -> None:
                check_sheet(src, name, filename=self.filename, limits=self.limits)
        sheet = find_sheet(
            workbook, filename=self.filename, columns=self.feed.columns,
            required=self.feed.required, before_loading=check,
        )
        self.match, self.sheet = sheet.match, sheet.sheet
        percent = {
            name: sheet.match.columns[name]
            for name, field in self.feed.schema().fields.items()
            if getattr(field, "percent", False) and name in sheet.match.columns
        }
        self._percent_columns = (
            percent_formatted(src, sheet, percent) if kind == "xlsx" else set()
        )
        errors = scan.cells(sheet) if scan else {}
        # XLS: no XML to scan; look at every cell (such files are small)
        invisible = scan.invisible if scan else True
        if scan and not scan.unsafe:
            self._unsafe = None
        self._raw = lambda: iter_sheet(
            workbook, sheet, chunk_rows=self.chunk_rows, filename=self.filename, errors=errors,
            invisible=invisible,
        )
        # Numbers typed as text in a workbook follow the typist's locale: decimal comma here.
        return COMMA, "numbers typed as text in Latin American workbooks use it"

    def chunks(self) -> Iterator[Chunk]:
        """Validate the file chunk by chunk (at least one chunk, even for a header-only file)."""
        reported: Counter = Counter()
        yielded = False
        rows = 0
        for raw in self._raw():
            yielded = True
            rows += raw.rows_read
            if rows > self.limits.max_rows:
                raise FileRejected(self.filename, too_many_rows(self.limits.max_rows))
            yield self._validate(raw, reported)
        if not yielded:
            width = len(self.match.headers)
            empty = pd.DataFrame({i: pd.Series(dtype=object) for i in range(width)})
            yield self._validate(RawChunk(empty, np.zeros(0, dtype=np.int64)), reported)

    def _validate(self, raw: RawChunk, reported: Counter) -> Chunk:
        """Turn one raw chunk into records and row errors."""
        skip, skipped = not_data_rows(raw.frame, self.match, self.feed.required)
        if skipped:
            for position, why in skipped:
                self.state.notes[("not_data", None, (int(raw.rows[position]), why))] = 1
            keep = ~skip
            raw = RawChunk(raw.frame[keep].reset_index(drop=True), raw.rows[keep], raw.errors)
        cells = Cells(raw, self.match, textual=self.state.textual)
        cells.refuse_unsafe(self._unsafe, cell_limit=CELL)
        parsed = parse_fields(self.schema, cells, self.state)
        columns = self.feed.finish(cells, parsed, self.state)
        records = build_records(columns, cells, int_columns=self.feed.int_columns)
        errors = sorted(raw.errors + cells.errors(), key=lambda e: e.row)
        fresh = self.state.notes - reported
        # File-level remarks (a CSV named .xlsx) travel with the first chunk, notes once each.
        said, self._file_warnings = self._file_warnings, []
        reported.update(fresh)
        return Chunk(
            records, errors, raw.rows_read, said + self.describe(fresh), self.sheet,
            self.encoding,
        )

    def describe(self, notes: Counter) -> list[str]:
        """Turn counted remarks into sentences for the user."""
        messages = []
        skipped = sorted(detail for kind, _, detail in notes if kind == "not_data")
        if skipped:
            shown = "; ".join(f"row {row}: {why}" for row, why in skipped[:_SHOWN_SKIPPED])
            more = len(skipped) - _SHOWN_SKIPPED
            messages.append(
                f"{len(skipped)} row(s) not stored because they are not data ({shown}"
                f"{f'; and {more} more' if more > 0 else ''})"
            )
        for (kind, column, detail), count in sorted(notes.items(), key=str):
            if kind == "not_data":
                continue
            header = self.match.header(column)
            if kind == "guessed_style":
                mark = "comma" if detail == COMMA else "point"
                messages.append(
                    f"column {header!r}: numbers such as 1.250 or 1,250 could be read either way; "
                    f"read with a decimal {mark} because {self._why_hint}"
                )
            elif kind == "unlicensed_substance":
                messages.append(
                    f"{count} row(s) declare a substance the licence does not cover ({detail}); "
                    "stored: the licence rule reports them"
                )
            elif kind == "fraction_pct":
                messages.append(
                    f"column {header!r} holds fractions (0.98 for 98 %): {count} value(s) read "
                    "as percentages (x 100)"
                )
            elif kind == "small_pct":
                messages.append(
                    f"column {header!r}: {count} value(s) of 1 or less read as percentages "
                    "(0.5 = 0.5 %) because the other values are percentages; check them if "
                    "they were meant as fractions (0.98 for 98 %)"
                )
            elif kind == "scaled":
                unit = "tonnes" if detail > 1 else "grams"
                messages.append(
                    f"column {header!r} read in {unit}, as its header says: values multiplied "
                    f"by {detail:g} to give kg"
                )
            elif kind == "unit_column":
                messages.append(
                    f"column {header!r}: {count} value(s) given in t or g by column {detail!r} "
                    "converted to kg"
                )
            elif kind == "hs_suffix":
                messages.append(
                    f"column {header!r}: {count} tariff code(s) longer than 10 digits (a national "
                    "statistical suffix) stored with their first 10 digits"
                )
            elif kind == "placeholder":
                messages.append(
                    f"column {header!r}: {count} cell(s) holding a placeholder such as 'N/A', "
                    "'-' or 's/n' read as empty"
                )
            elif kind == "substance_read_as":
                messages.append(
                    f"column {header!r}: {detail}; if that is not the product, correct the cell"
                )
            elif kind == "implausible":
                named = self.state.cache("implausible_rows", list)
                total = self.state.notes[(kind, column, detail)]
                rows = "; ".join(named)
                more = f"; and {total - len(named)} more" if total > len(named) else ""
                messages.append(
                    f"{total} row(s) declare more than {readable(detail)} kg of pure substance "
                    f"in one line ({rows}{more}): stored, but check them (VIGIA_MAX_ROW_KG)"
                )
            elif kind == "usual_concentration":
                messages.append(
                    f"{count} row(s) without a concentration read as {detail}, the solution it "
                    "is traded as (it cannot be traded pure); write the concentration if it "
                    "differs"
                )
            elif kind == "period_grace":
                messages.append(
                    f"{count} row(s) dated one day outside their period were accepted in column "
                    f"{header!r} (stocks are often dated the day before or after the period)"
                )
        return messages


def iter_file(
    feed: str,
    source: Path | bytes,
    *,
    filename: str,
    context: ReadContext,
    chunk_rows: int = 100_000,
    limits: Limits | None = None,
) -> Iterator[Chunk]:
    """Read a feed file in chunks; raise FileRejected now (before any chunk) if it is unreadable."""
    reader = FileReader(
        feed, source, filename=filename, context=context, chunk_rows=chunk_rows, limits=limits
    )
    return reader.chunks()


def read_file(
    feed: str,
    source: Path | bytes,
    *,
    filename: str,
    context: ReadContext,
    chunk_rows: int = 100_000,
    limits: Limits | None = None,
) -> ReadResult:
    """Read a whole feed file into one result (records, row errors, warnings)."""
    reader = FileReader(
        feed, source, filename=filename, context=context, chunk_rows=chunk_rows, limits=limits
    )
    chunks = list(reader.chunks())
    frames = [c.records for c in chunks if len(c.records)] or [chunks[0].records]
    return ReadResult(
        feed=reader.feed.name,
        filename=filename,
        records=pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0],
        errors=[e for c in chunks for e in c.errors],
        rows_read=sum(c.rows_read for c in chunks),
        sheet=reader.sheet,
        encoding=reader.encoding,
        warnings=reader.warnings + reader.describe(reader.state.notes),
    )


__all__ = ["FileRejected", "FileReader", "iter_file", "read_file"]
