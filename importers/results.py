"""What a reader hands back: records, row errors, and the one file-level failure."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from importers.text import printable_value, shorten

_REASON_CHARS = 600  # a reason quotes values itself ("unknown substance '...'")


class FileRejected(Exception):
    """The file as a whole cannot be read; str() is one line naming the file and the reason."""

    def __init__(self, filename: str, reason: str):
        # A header cell of a megabyte would otherwise be quoted whole ("found: ...").
        reason = printable_value(shorten(reason, _REASON_CHARS * 2))
        super().__init__(f"{filename}: {reason}")
        self.filename = filename
        self.reason = reason

    def __reduce__(self):
        """Pickle by filename and reason (a reader process sends it to the storer)."""
        return (type(self), (self.filename, self.reason))


@dataclass(frozen=True)
class RowError:
    """One failing cell (or row) as the user sees it in their spreadsheet program.

    `row` is the CSV physical line number (header line included) or the sheet row number;
    `column` is the header exactly as written in the file (None for a whole-row problem).
    """

    row: int
    column: str | None
    value: str | None
    reason: str

    def __post_init__(self) -> None:
        """Keep what is printed and stored bounded: a 50 MB cell is quoted by its start."""
        if self.value is not None:  # NUL cannot be stored, escapes must not reach a terminal
            object.__setattr__(self, "value", printable_value(shorten(self.value)))
        object.__setattr__(self, "reason", printable_value(shorten(self.reason, _REASON_CHARS)))
        if self.column is not None and len(self.column) > 200:
            object.__setattr__(self, "column", shorten(self.column, 170))


@dataclass
class Chunk:
    """A slice of a file: the good rows as typed records, and the errors of the bad ones."""

    records: pd.DataFrame
    errors: list[RowError]
    rows_read: int
    warnings: list[str] = field(default_factory=list)  # new remarks since the previous chunk
    sheet: str | None = None  # the workbook sheet read (None for CSV)
    encoding: str | None = None  # the CSV text encoding (None for workbooks)


@dataclass
class ReadResult:
    """A whole file read: every good row, every row error, and how the file was decoded."""

    feed: str
    filename: str
    records: pd.DataFrame
    errors: list[RowError]
    rows_read: int
    sheet: str | None
    encoding: str | None
    warnings: list[str]
